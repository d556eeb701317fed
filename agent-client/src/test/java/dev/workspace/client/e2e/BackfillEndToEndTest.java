package dev.workspace.client.e2e;

import static dev.workspace.client.e2e.E2E.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.workspace.client.AgentClient;
import dev.workspace.client.AgentClientOptions;
import dev.workspace.client.LifecycleEvent;
import dev.workspace.server.ServerOptions;
import dev.workspace.server.WorkspaceServer;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A client away longer than a channel's history reaches back gets {@code recovered: false}; it then reads what
 * history still holds, hands it to its handlers in order and once, before later live events, and reports the part
 * that is gone as a gap with its count.
 */
class BackfillEndToEndTest {
  private static final int HISTORY = 20;

  private final Vertx vertx = Vertx.vertx();
  private final List<AgentClient> clients = new ArrayList<>();
  private WorkspaceServer server;
  private TcpProxy proxy;

  @AfterEach
  void stop() {
    for (AgentClient c : clients) {
      await(c.close());
    }
    if (proxy != null) {
      proxy.close();
    }
    if (server != null) {
      await(server.close());
    }
    await(vertx.close());
  }

  @Test
  void whatHistoryStillHoldsIsHandedOnInOrderAndTheRestIsAGapWithItsCount() throws Exception {
    server = await(WorkspaceServer.start(vertx, new ServerOptions().setHost("127.0.0.1").setPort(0).setInstances(1)
        .setHistorySize(HISTORY)));
    proxy = TcpProxy.start(vertx, server.port());
    AgentClient publisher = AgentClient.create(vertx, new AgentClientOptions().setAgentId("pub")
        .setSubscriptions(List.of()));
    clients.add(publisher);
    await(publisher.connectToServer("127.0.0.1", server.port(), Map.of()));
    await(publisher.workspace().channel("feed").join());

    AgentClient sub = AgentClient.create(vertx, new AgentClientOptions().setAgentId("sub")
        .setSubscriptions(List.of("channel.message.posted"))
        .setReconnectInitialDelay(Duration.ofMillis(100)).setReconnectMaxDelay(Duration.ofMillis(300)));
    clients.add(sub);
    List<Long> offsets = Collections.synchronizedList(new ArrayList<>());
    CountDownLatch last = new CountDownLatch(1);
    await(sub.registerEventHandler(e -> {
      offsets.add(e.offset());
      if (e.offset() == 40) {
        last.countDown();
      }
    }, "channel.message.posted"));
    List<LifecycleEvent> lifecycle = Collections.synchronizedList(new ArrayList<>());
    CompletableFuture<LifecycleEvent> gap = new CompletableFuture<>();
    sub.lifecycleHandler(e -> {
      lifecycle.add(e);
      if (e.type() == LifecycleEvent.Type.GAP) {
        gap.complete(e);
      }
    });
    await(sub.connectToServer("127.0.0.1", proxy.port(), Map.of()));
    await(sub.workspace().channel("feed").join());
    for (int i = 1; i <= 5; i++) {
      await(publisher.workspace().channel("feed").post("m" + i));
    }
    // Offset 5 reached the subscriber before it is cut off: a barrier through the same connection.
    await(sub.workspace().channel("feed").history(null, null, 1));
    waitFor(() -> offsets.size() == 5, "the first five posts");

    proxy.refuse(true);
    proxy.dropAll();
    for (int i = 6; i <= 35; i++) {
      await(publisher.workspace().channel("feed").post("m" + i));
    }
    proxy.refuse(false);
    LifecycleEvent g = gap.get(30, TimeUnit.SECONDS);
    assertEquals("channel:feed", g.stream());
    assertEquals(10, g.missed(), "offsets 6 to 15 are older than the history kept");
    for (int i = 36; i <= 40; i++) {
      await(publisher.workspace().channel("feed").post("m" + i));
    }
    assertTrue(last.await(30, TimeUnit.SECONDS), "received " + offsets);
    List<Long> expected = new ArrayList<>();
    for (long n = 1; n <= 40; n++) {
      if (n < 6 || n > 15) {
        expected.add(n);
      }
    }
    assertEquals(expected, offsets);
    List<LifecycleEvent.Type> types = new ArrayList<>();
    lifecycle.forEach(e -> types.add(e.type()));
    assertEquals(List.of(LifecycleEvent.Type.CONNECTED, LifecycleEvent.Type.DISCONNECTED, LifecycleEvent.Type.RECONNECTED,
        LifecycleEvent.Type.RECOVERED, LifecycleEvent.Type.GAP), types);
    assertEquals(Map.of("feed", false), lifecycle.get(3).channelsRecovered());
  }

  private static void waitFor(java.util.function.BooleanSupplier condition, String what) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("no " + what + " within 10 s");
      }
      Thread.sleep(10);
    }
  }
}
