package dev.workspace.client.e2e;

import static dev.workspace.client.e2e.E2E.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.workspace.client.AgentClient;
import dev.workspace.client.AgentClientOptions;
import dev.workspace.client.LifecycleEvent;
import dev.workspace.server.ServerOptions;
import dev.workspace.server.WorkspaceServer;
import dev.workspace.server.testing.RedisProcess;
import io.vertx.core.Vertx;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Redis restarts empty under a node: every stream the client reads starts a new epoch, announced by
 * {@code stream.gap epoch_changed}. The client takes the new epochs, so that its next reconnect recovers channel,
 * inbox and broadcast and replays what it missed.
 */
class EpochChangeEndToEndTest {
  private final Vertx vertx = Vertx.vertx();
  private final List<AgentClient> clients = new ArrayList<>();
  private RedisProcess redis;
  private WorkspaceServer node;
  private TcpProxy proxy;

  @AfterEach
  void stop() {
    for (AgentClient c : clients) {
      await(c.close());
    }
    if (proxy != null) {
      proxy.close();
    }
    if (node != null) {
      await(node.close());
    }
    await(vertx.close());
    if (redis != null) {
      redis.close();
    }
  }

  @Test
  void afterAnEpochChangeTheNextReconnectRecoversEveryStream() throws Exception {
    redis = RedisProcess.start(false);
    node = await(WorkspaceServer.start(vertx, new ServerOptions().setHost("127.0.0.1").setPort(0).setInstances(1)
        .setNodeId("node-1").setRedisUri(redis.uri())));
    proxy = TcpProxy.start(vertx, node.port());
    AgentClient publisher = AgentClient.create(vertx, new AgentClientOptions().setAgentId("pub")
        .setSubscriptions(List.of()));
    clients.add(publisher);
    await(publisher.connectToServer("127.0.0.1", node.port(), Map.of()));
    await(publisher.workspace().channel("feed").join());

    AgentClient sub = AgentClient.create(vertx, new AgentClientOptions().setAgentId("sub")
        .setReconnectInitialDelay(Duration.ofMillis(100)).setReconnectMaxDelay(Duration.ofMillis(500)));
    clients.add(sub);
    List<String> posts = Collections.synchronizedList(new ArrayList<>());
    CountDownLatch allPosts = new CountDownLatch(7);
    await(sub.registerEventHandler(e -> {
      posts.add(e.text());
      allPosts.countDown();
    }, "channel.message.posted"));
    Set<String> epochChanges = Collections.synchronizedSet(new TreeSet<>());
    CountDownLatch threeEpochChanges = new CountDownLatch(3);
    await(sub.registerEventHandler(e -> {
      if ("epoch_changed".equals(e.payload().path("reason").asText())
          && epochChanges.add(e.payload().path("stream").asText())) {
        threeEpochChanges.countDown();
      }
    }, "stream.gap"));
    CompletableFuture<LifecycleEvent> recovered = new CompletableFuture<>();
    sub.lifecycleHandler(e -> {
      if (e.type() == LifecycleEvent.Type.RECOVERED) {
        recovered.complete(e);
      }
    });
    await(sub.connectToServer("127.0.0.1", proxy.port(), Map.of()));
    await(sub.workspace().channel("feed").join());
    for (int i = 1; i <= 3; i++) {
      await(publisher.workspace().channel("feed").post("m" + i));
    }

    redis.kill();
    awaitReady(503);
    redis.restart();
    awaitReady(200);
    assertTrue(threeEpochChanges.await(30, TimeUnit.SECONDS), "epoch changes seen: " + epochChanges);
    assertEquals(Set.of("channel:feed", "inbox:sub", "broadcast"), epochChanges);

    await(publisher.workspace().channel("feed").post("m4"));
    await(publisher.workspace().channel("feed").post("m5"));
    assertTrue(await(publisher.workspace().agent("sub").send("dm1")).offset() > 0);

    proxy.dropAll();
    await(publisher.workspace().channel("feed").post("m6"));
    await(publisher.workspace().channel("feed").post("m7"));
    LifecycleEvent back = recovered.get(30, TimeUnit.SECONDS);
    assertEquals(Map.of("feed", true), back.channelsRecovered(), back.toString());
    assertTrue(back.inboxRecovered(), back.toString());
    assertTrue(back.broadcastRecovered(), back.toString());
    assertTrue(allPosts.await(30, TimeUnit.SECONDS), "posts: " + posts);
    assertEquals(List.of("m1", "m2", "m3", "m4", "m5", "m6", "m7"), posts);
  }

  private void awaitReady(int status) throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    int last = -1;
    while (System.nanoTime() < deadline) {
      last = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.port() + "/ready"))
          .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
      if (last == status) {
        return;
      }
      Thread.sleep(50);
    }
    throw new AssertionError("/ready answered " + last + ", not " + status);
  }
}
