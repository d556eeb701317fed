package dev.workspace.client.e2e;

import static dev.workspace.client.e2e.E2E.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.workspace.client.AgentClient;
import dev.workspace.client.AgentClientOptions;
import dev.workspace.client.LifecycleEvent;
import dev.workspace.model.Event;
import dev.workspace.server.ServerOptions;
import dev.workspace.server.WorkspaceServer;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Clients whose connections are cut come back by themselves and recover every missed event exactly once. */
class ReconnectEndToEndTest {
  private final Vertx vertx = Vertx.vertx();
  private final Vertx clientVertx = Vertx.vertx();
  private WorkspaceServer server;
  private TcpProxy proxy;
  private final List<AgentClient> clients = new ArrayList<>();

  @BeforeEach
  void start() {
    server = await(WorkspaceServer.start(vertx, new ServerOptions().setHost("127.0.0.1").setPort(0).setInstances(2)));
    proxy = TcpProxy.start(vertx, server.port());
  }

  @AfterEach
  void stop() {
    for (AgentClient c : clients) {
      await(c.close());
    }
    proxy.close();
    await(server.close());
    await(vertx.close());
    await(clientVertx.close());
  }

  private AgentClient client(String id, List<String> subscriptions) {
    AgentClient c = AgentClient.create(clientVertx, new AgentClientOptions().setAgentId(id)
        .setSubscriptions(subscriptions).setReconnectInitialDelay(Duration.ofMillis(500))
        .setReconnectMaxDelay(Duration.ofSeconds(2)));
    clients.add(c);
    return c;
  }

  /** A subscriber that records channel offsets and counts down as they arrive. */
  private static final class Tally {
    final List<Long> offsets = Collections.synchronizedList(new ArrayList<>());
    final CountDownLatch done;
    final List<LifecycleEvent.Type> lifecycle = Collections.synchronizedList(new ArrayList<>());
    final List<LifecycleEvent> recovered = Collections.synchronizedList(new ArrayList<>());

    Tally(AgentClient c, int expected) {
      done = new CountDownLatch(expected);
      c.lifecycleHandler(e -> {
        lifecycle.add(e.type());
        if (e.type() == LifecycleEvent.Type.RECOVERED) {
          recovered.add(e);
        }
      });
      await(c.registerEventHandler(e -> {
        offsets.add(e.offset());
        done.countDown();
      }, "channel.message.posted"));
    }

    void await(long seconds) throws InterruptedException {
      assertTrue(done.await(seconds, TimeUnit.SECONDS), "received " + offsets.size() + " events");
    }

    <T> T await(Future<T> f) {
      return E2E.await(f);
    }
  }

  @Test
  void droppedSubscriberRecoversEveryOffsetExactlyOnceInOrder() throws Exception {
    AgentClient publisher = client("pub", List.of());
    await(publisher.connectToServer("127.0.0.1", server.port(), Map.of()));
    await(publisher.workspace().channel("feed").join());
    AgentClient sub = client("sub", List.of("channel.message.posted"));
    Tally tally = new Tally(sub, 100);
    await(sub.connectToServer("127.0.0.1", proxy.port(), Map.of()));
    await(sub.workspace().channel("feed").join());
    Promise<Void> reconnected = Promise.promise();
    sub.lifecycleHandler(e -> {
      tally.lifecycle.add(e.type());
      if (e.type() == LifecycleEvent.Type.RECOVERED) {
        tally.recovered.add(e);
        reconnected.tryComplete();
      }
    });
    for (int i = 1; i <= 50; i++) {
      await(publisher.workspace().channel("feed").post("m" + i));
    }
    proxy.dropAll();
    for (int i = 51; i <= 100; i++) {
      await(publisher.workspace().channel("feed").post("m" + i));
    }
    await(reconnected.future());
    tally.await(10);
    List<Long> expected = new ArrayList<>();
    for (long i = 1; i <= 100; i++) {
      expected.add(i);
    }
    assertEquals(expected, tally.offsets);
    assertEquals(Boolean.TRUE, tally.recovered.get(0).channelsRecovered().get("feed"));
    assertTrue(snapshot(tally.lifecycle).containsAll(List.of(LifecycleEvent.Type.DISCONNECTED, LifecycleEvent.Type.RECONNECTED,
        LifecycleEvent.Type.RECOVERED)), tally.lifecycle.toString());
  }

  @Test
  void clientDetectsASilentServerAndReconnects() throws Exception {
    WorkspaceServer fastPings = await(WorkspaceServer.start(vertx, new ServerOptions().setHost("127.0.0.1").setPort(0)
        .setInstances(1).setPingInterval(Duration.ofMillis(300)).setPingTimeout(Duration.ofMillis(300))));
    try (TcpProxy hanging = TcpProxy.start(vertx, fastPings.port())) {
      AgentClient c = client("watchful", List.of());
      List<LifecycleEvent.Type> seen = Collections.synchronizedList(new ArrayList<>());
      Promise<Void> back = Promise.promise();
      c.lifecycleHandler(e -> {
        seen.add(e.type());
        if (e.type() == LifecycleEvent.Type.RECONNECTED) {
          back.tryComplete();
        }
      });
      await(c.connectToServer("127.0.0.1", hanging.port(), Map.of()));
      long frozenAt = System.nanoTime();
      hanging.freezeAll();
      await(back.future());
      long tookMs = (System.nanoTime() - frozenAt) / 1_000_000;
      System.out.printf("silent server detected and replaced after %d ms (ping 300 ms + timeout 300 ms)%n", tookMs);
      assertEquals(List.of(LifecycleEvent.Type.CONNECTED, LifecycleEvent.Type.DISCONNECTED,
          LifecycleEvent.Type.RECONNECTED), snapshot(seen).subList(0, 3));
      assertTrue(c.isConnected());
      await(c.close());
      clients.remove(c);
    } finally {
      await(fastPings.close());
    }
  }

  private static <T> List<T> snapshot(List<T> synchronizedList) {
    synchronized (synchronizedList) {
      return new ArrayList<>(synchronizedList);
    }
  }

  @Test
  void twoHundredClientsDroppedAtOnceAllComeBackSpreadOutAndRecover() throws Exception {
    int n = 200;
    int missed = 20;
    AgentClient publisher = client("pub", List.of());
    await(publisher.connectToServer("127.0.0.1", server.port(), Map.of()));
    await(publisher.workspace().channel("swarm").join());
    List<Tally> tallies = new ArrayList<>();
    List<Future<?>> joins = new ArrayList<>();
    CountDownLatch allRecovered = new CountDownLatch(n);
    for (int i = 0; i < n; i++) {
      AgentClient c = client("agent-" + i, List.of("channel.message.posted"));
      Tally t = new Tally(c, missed + 1);
      c.lifecycleHandler(e -> {
        t.lifecycle.add(e.type());
        if (e.type() == LifecycleEvent.Type.RECOVERED) {
          t.recovered.add(e);
          allRecovered.countDown();
        }
      });
      tallies.add(t);
      joins.add(c.connectToServer("127.0.0.1", proxy.port(), Map.of())
          .compose(s -> c.workspace().channel("swarm").join()));
    }
    await(Future.all(joins));
    await(publisher.workspace().channel("swarm").post("before"));
    proxy.takeAcceptTimes();
    long droppedAt = System.nanoTime();
    proxy.dropAll();
    for (int i = 1; i <= missed; i++) {
      await(publisher.workspace().channel("swarm").post("during " + i));
    }
    assertTrue(allRecovered.await(30, TimeUnit.SECONDS), "recovered: " + (n - allRecovered.getCount()));
    for (Tally t : tallies) {
      t.await(10);
      List<Long> expected = new ArrayList<>();
      for (long i = 1; i <= missed + 1; i++) {
        expected.add(i);
      }
      assertEquals(expected, t.offsets);
      assertEquals(Boolean.TRUE, t.recovered.get(0).channelsRecovered().get("swarm"));
    }
    List<Long> accepts = proxy.takeAcceptTimes();
    assertTrue(accepts.size() >= n, "reconnects: " + accepts.size());
    List<Long> sinceDropMs = new ArrayList<>();
    for (long at : accepts) {
      sinceDropMs.add((at - droppedAt) / 1_000_000);
    }
    Collections.sort(sinceDropMs);
    int busiest = 0;
    for (int i = 0, j = 0; i < sinceDropMs.size(); i++) {
      while (sinceDropMs.get(i) - sinceDropMs.get(j) >= 10) {
        j++;
      }
      busiest = Math.max(busiest, i - j + 1);
    }
    long p10 = sinceDropMs.get(sinceDropMs.size() / 10);
    long p90 = sinceDropMs.get(sinceDropMs.size() * 9 / 10);
    System.out.printf("%d clients reconnected: first %d ms, p10 %d ms, p90 %d ms, last %d ms after the drop; "
        + "busiest 10 ms window held %d%n", accepts.size(), sinceDropMs.get(0), p10, p90,
        sinceDropMs.get(sinceDropMs.size() - 1), busiest);
    assertTrue(p90 - p10 >= 100, "reconnects were not spread out: p10 " + p10 + " ms, p90 " + p90 + " ms");
    assertTrue(busiest < n / 2, "reconnects came in a burst: " + busiest + " in one 10 ms window");
  }
}
