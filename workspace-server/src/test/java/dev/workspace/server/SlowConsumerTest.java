package dev.workspace.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.workspace.model.CloseCodes;
import dev.workspace.server.testing.RawClient;
import dev.workspace.server.testing.TestServers;
import io.vertx.core.Vertx;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A client that stops reading is cut off with 4004 once its outbound queue passes its bound, while the server's
 * heap stays bounded and a reading client on the same channel gets every event.
 */
class SlowConsumerTest {
  private static final int QUEUE_BYTES = 256 * 1024;
  private static final int MAX_EVENTS = 40_000;

  private final Vertx vertx = Vertx.vertx();
  private WorkspaceServer server;

  @AfterEach
  void stop() {
    if (server != null) {
      RawClient.await(server.close());
    }
    RawClient.await(vertx.close());
  }

  @Test
  void readerThatStopsReadingIsClosedAndOthersGetEverything() {
    server = TestServers.start(TestServers.options().setOutboundQueueBytes(QUEUE_BYTES));
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    String text = "x".repeat(4000);
    try (RawClient pub = RawClient.connect(vertx, server.port(), "pub", "[]");
        RawClient fast = RawClient.connect(vertx, server.port(), "fast", "[\"channel.message.posted\"]");
        RawClient slow = RawClient.connect(vertx, server.port(), "slow", "[\"channel.message.posted\"]")) {
      pub.request("{\"type\":\"join\",\"channel\":\"general\"}");
      fast.request("{\"type\":\"join\",\"channel\":\"general\"}");
      slow.request("{\"type\":\"join\",\"channel\":\"general\"}");
      System.gc();
      long heapBefore = memory.getHeapMemoryUsage().getUsed();
      slow.pause();
      int sent = 0;
      long maxHeap = heapBefore;
      while (sent < MAX_EVENTS && (sent == 0 || isMember(pub, "slow"))) {
        for (int i = 0; i < 200; i++) {
          sent++;
          pub.send("{\"type\":\"publish\",\"id\":\"p" + sent + "\",\"event\":{\"event_name\":\"channel.message.posted\","
              + "\"destination_id\":\"channel:general\",\"payload\":{\"n\":" + sent + ",\"text\":\"" + text + "\"}}}");
        }
        for (int i = 0; i < 200; i++) {
          assertEquals("ack", pub.next().get("type").asText());
        }
        for (int i = 0; i < 200; i++) {
          assertEquals(sent - 199 + i, fast.nextEvent().get("payload").get("n").asInt());
        }
        maxHeap = Math.max(maxHeap, memory.getHeapMemoryUsage().getUsed());
      }
      slow.resume();
      assertEquals(CloseCodes.SLOW_CONSUMER, slow.awaitClose());
      assertTrue(sent < MAX_EVENTS, "the slow reader was never cut off after " + sent + " events");
      fast.assertNothingElse();
      System.gc();
      long heapAfter = memory.getHeapMemoryUsage().getUsed();
      System.out.printf("slow consumer cut off after %d events of %d bytes; heap before %d KiB, peak %d KiB, after %d KiB%n",
          sent, text.length(), heapBefore / 1024, maxHeap / 1024, heapAfter / 1024);
      assertTrue(heapAfter < heapBefore + 64L * 1024 * 1024, "heap grew from " + heapBefore + " to " + heapAfter);
    }
  }

  private static boolean isMember(RawClient asker, String agent) {
    String members = asker.request("{\"type\":\"members\",\"channel\":\"general\"}").get("result").get("members")
        .toString();
    return members.contains("\"" + agent + "\"");
  }
}
