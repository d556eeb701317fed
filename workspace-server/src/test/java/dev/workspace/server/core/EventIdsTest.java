package dev.workspace.server.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class EventIdsTest {
  @Test
  void idsAreRandomVersionFourUuidsInTheirUsualForm() {
    for (int i = 0; i < 1_000; i++) {
      String id = EventIds.next();
      UUID parsed = UUID.fromString(id);
      assertEquals(id, parsed.toString());
      assertEquals(4, parsed.version(), id);
      assertEquals(2, parsed.variant(), id);
    }
  }

  @Test
  void noIdComesTwiceAcrossThreadsAndBlocks() throws Exception {
    Set<String> seen = ConcurrentHashMap.newKeySet();
    int threads = 4;
    int each = 10_000;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      Future<?>[] done = new Future<?>[threads];
      for (int t = 0; t < threads; t++) {
        done[t] = pool.submit(() -> {
          for (int i = 0; i < each; i++) {
            assertTrue(seen.add(EventIds.next()));
          }
        });
      }
      for (Future<?> f : done) {
        f.get(30, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    assertEquals(threads * each, seen.size());
  }
}
