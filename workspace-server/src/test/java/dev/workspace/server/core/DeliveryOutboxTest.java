package dev.workspace.server.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import dev.workspace.server.edge.DeliveryBatchCodec;
import dev.workspace.server.testing.RawClient;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The hand-over of deliveries between event loops on a real Vert.x: what one event loop dispatches during a turn,
 * by any of its tasks, reaches each receiving address as one message holding the batches in order; a lone batch
 * leaves at the end of its turn with nothing else sent; off an event loop every batch leaves at once on its own.
 */
class DeliveryOutboxTest {
  private final Vertx vertx = Vertx.vertx();
  private final DeliveryOutbox outbox = new DeliveryOutbox(vertx.eventBus(),
      new DeliveryOptions().setCodecName(LocalSessions.CODEC).setLocalOnly(true));
  private final LinkedBlockingQueue<String> atA = new LinkedBlockingQueue<>();
  private final LinkedBlockingQueue<String> atB = new LinkedBlockingQueue<>();

  DeliveryOutboxTest() {
    vertx.eventBus().registerCodec(new DeliveryBatchCodec());
    receive("a", atA);
    receive("b", atB);
  }

  @AfterEach
  void close() {
    RawClient.await(vertx.close());
  }

  /** Records each message as the frames of its batches joined by commas. */
  private void receive(String address, LinkedBlockingQueue<String> into) {
    CompletableFuture<Void> ready = new CompletableFuture<>();
    Context receiver = vertx.getOrCreateContext();
    receiver.runOnContext(v -> vertx.eventBus().<DeliveryTurn>localConsumer(address, m -> {
      List<String> frames = new ArrayList<>();
      for (DeliveryBatch b : m.body().batches()) {
        frames.add(new String(b.frame(), StandardCharsets.UTF_8));
      }
      into.add(String.join(",", frames));
    }).completion().onComplete(r -> ready.complete(null)));
    ready.join();
  }

  private static DeliveryBatch batch(String frame) {
    return new DeliveryBatch(null, -1, frame.getBytes(StandardCharsets.UTF_8), List.of());
  }

  private static String next(LinkedBlockingQueue<String> q) throws InterruptedException {
    String s = q.poll(10, TimeUnit.SECONDS);
    assertNotNull(s, "nothing arrived");
    return s;
  }

  @Test
  void whatOneEventLoopDispatchesInATurnLeavesAsOneMessagePerAddressInOrder() throws Exception {
    Context loop = vertx.getOrCreateContext();
    loop.runOnContext(v -> {
      outbox.send("a", batch("1"));
      outbox.send("b", batch("x"));
      outbox.send("a", batch("2"));
      loop.runOnContext(w -> {
        outbox.send("a", batch("3"));
        outbox.send("b", batch("y"));
      });
    });
    assertEquals("1,2,3", next(atA));
    assertEquals("x,y", next(atB));
    loop.runOnContext(v -> outbox.send("a", batch("lone")));
    assertEquals("lone", next(atA), "a lone batch leaves with nothing sent after it");
    loop.runOnContext(v -> {
      outbox.send("a", batch("end"));
      outbox.send("b", batch("end"));
    });
    assertEquals("end", next(atA));
    assertEquals("end", next(atB), "nothing else reached b");
  }

  @Test
  void offAnEventLoopEveryBatchLeavesAtOnceOnItsOwn() throws Exception {
    outbox.send("a", batch("1"));
    outbox.send("a", batch("2"));
    vertx.executeBlocking(() -> {
      outbox.send("a", batch("3"));
      return null;
    }).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    assertEquals("1", next(atA));
    assertEquals("2", next(atA));
    assertEquals("3", next(atA));
    outbox.send("b", batch("end"));
    outbox.send("a", batch("end"));
    assertEquals("end", next(atA), "nothing else reached a");
    assertEquals("end", next(atB));
  }
}
