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
import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.CompletableFuture;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A node of a Redis-backed cluster is killed ({@code kill -9}) and started again while a publisher on another
 * node keeps posting: every subscriber, reconnecting by itself, ends with every offset exactly once, in order.
 */
class ClusterRestartEndToEndTest {
  private static final int SUBSCRIBERS = 10;
  private static final int EVENTS = 300;
  private static final int KILL_AT = 100;
  private static final int RESTART_AT = 150;

  private final Vertx vertx = Vertx.vertx();
  private final List<AgentClient> clients = new ArrayList<>();
  private RedisProcess redis;
  private WorkspaceServer nodeB;
  private Process nodeA;

  @AfterEach
  void stop() throws Exception {
    for (AgentClient c : clients) {
      await(c.close());
    }
    if (nodeA != null) {
      nodeA.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
    if (nodeB != null) {
      await(nodeB.close());
    }
    await(vertx.close());
    if (redis != null) {
      redis.close();
    }
  }

  @Test
  void subscribersOfAKilledNodeEndWithEveryOffsetOnceAndInOrder() throws Exception {
    redis = RedisProcess.start();
    nodeB = await(WorkspaceServer.start(vertx, new ServerOptions().setHost("127.0.0.1").setPort(0).setInstances(1)
        .setNodeId("node-b").setRedisUri(redis.uri())));
    int portA = freePort();
    File log = Files.createTempFile("node-a", ".log").toFile();
    nodeA = startNode(portA, log);
    awaitListening(nodeA);

    AgentClient publisher = AgentClient.create(vertx, new AgentClientOptions().setAgentId("pub")
        .setSubscriptions(List.of()));
    clients.add(publisher);
    await(publisher.connectToServer("127.0.0.1", nodeB.port(), Map.of()));
    await(publisher.workspace().channel("feed").join());

    List<List<Long>> received = new ArrayList<>();
    List<Boolean> recoveredFeed = Collections.synchronizedList(new ArrayList<>());
    CountDownLatch everyoneHasAll = new CountDownLatch(SUBSCRIBERS);
    CountDownLatch everyoneBack = new CountDownLatch(SUBSCRIBERS);
    for (int i = 0; i < SUBSCRIBERS; i++) {
      List<Long> offsets = Collections.synchronizedList(new ArrayList<>());
      received.add(offsets);
      AgentClient sub = AgentClient.create(vertx, new AgentClientOptions().setAgentId("sub-" + i)
          .setSubscriptions(List.of("channel.message.posted"))
          .setReconnectInitialDelay(Duration.ofMillis(200)).setReconnectMaxDelay(Duration.ofSeconds(1)));
      clients.add(sub);
      sub.lifecycleHandler(e -> {
        if (e.type() == LifecycleEvent.Type.RECOVERED) {
          recoveredFeed.add(e.channelsRecovered().get("feed"));
          everyoneBack.countDown();
        }
      });
      await(sub.registerEventHandler(e -> {
        offsets.add(e.offset());
        if (e.offset() == EVENTS) {
          everyoneHasAll.countDown();
        }
      }, "channel.message.posted"));
      await(sub.connectToServer("127.0.0.1", portA, Map.of()));
      await(sub.workspace().channel("feed").join());
    }

    for (int n = 1; n <= EVENTS; n++) {
      assertEquals(n, await(publisher.workspace().channel("feed").post("m" + n)).offset());
      if (n == KILL_AT) {
        nodeA.destroyForcibly();
        assertTrue(nodeA.waitFor(10, TimeUnit.SECONDS));
      }
      if (n == RESTART_AT) {
        nodeA = startNode(portA, log);
        awaitListening(nodeA);
      }
    }
    assertTrue(everyoneBack.await(60, TimeUnit.SECONDS), "subscribers back: " + (SUBSCRIBERS - everyoneBack.getCount()));
    assertTrue(everyoneHasAll.await(30, TimeUnit.SECONDS), "subscribers complete: "
        + (SUBSCRIBERS - everyoneHasAll.getCount()) + "; node A log: " + log);
    List<Long> expected = new ArrayList<>();
    for (long n = 1; n <= EVENTS; n++) {
      expected.add(n);
    }
    for (int i = 0; i < SUBSCRIBERS; i++) {
      assertEquals(expected, received.get(i), "subscriber " + i);
    }
    synchronized (recoveredFeed) {
      assertEquals(Collections.nCopies(SUBSCRIBERS, Boolean.TRUE), recoveredFeed);
    }
  }

  /** Starts node A in its own JVM; its output goes to {@code log}, and {@link #awaitListening} watches it. */
  private Process startNode(int port, File log) throws IOException {
    String java = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
    Process p = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), "dev.workspace.server.Main",
        "--port", String.valueOf(port), "--host", "127.0.0.1", "--redis", redis.uri(), "--node-id", "node-a",
        "--instances", "1").redirectErrorStream(true).start();
    CompletableFuture<Void> listening = new CompletableFuture<>();
    Thread copier = new Thread(() -> {
      try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
          Writer out = Files.newBufferedWriter(log.toPath(), StandardCharsets.UTF_8, StandardOpenOption.APPEND)) {
        for (String line = in.readLine(); line != null; line = in.readLine()) {
          out.write(line + System.lineSeparator());
          out.flush();
          if (line.contains("listening on")) {
            listening.complete(null);
          }
        }
      } catch (IOException e) {
        listening.completeExceptionally(e);
      }
      listening.completeExceptionally(new AssertionError("node A exited before listening; see " + log));
    }, "node-a-output");
    copier.setDaemon(true);
    copier.start();
    started.put(p, listening);
    return p;
  }

  private final Map<Process, CompletableFuture<Void>> started = new java.util.concurrent.ConcurrentHashMap<>();

  /** Waits until the node's output says it listens. */
  private void awaitListening(Process p) throws Exception {
    started.get(p).get(90, TimeUnit.SECONDS);
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket()) {
      s.setReuseAddress(true);
      s.bind(new InetSocketAddress("127.0.0.1", 0));
      return s.getLocalPort();
    }
  }
}
