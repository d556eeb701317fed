package dev.workspace.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.workspace.client.AgentClient;
import dev.workspace.client.AgentClientOptions;
import dev.workspace.client.LifecycleEvent;
import dev.workspace.model.CloseCodes;
import dev.workspace.model.Event;
import dev.workspace.server.testing.RedisProcess;
import dev.workspace.server.testing.TcpWebSocket;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** SIGTERM to a node of a two-node cluster with agents connected: lame duck, drain, hand-over, exit 0. */
class ShutdownIT {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final int POSTS = 150;
  private final Vertx vertx = Vertx.vertx();
  private final List<AutoCloseable> open = new ArrayList<>();

  @AfterEach
  void stop() throws Exception {
    for (int i = open.size() - 1; i >= 0; i--) {
      open.get(i).close();
    }
    vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  private static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
  }

  private AgentClient agent(AgentClientOptions o) {
    AgentClient c = AgentClient.create(vertx, o);
    open.add(() -> c.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS));
    return c;
  }

  @Test
  void sigtermDrainsTellsEveryAgentLosesNothingAndExitsZero() throws Exception {
    RedisProcess redis = RedisProcess.start();
    open.add(redis);
    Proc a = Proc.server(Map.of(), "--redis", redis.uri(), "--node-id", "node-a", "--drain-timeout", "8s",
        "--cluster-node-timeout", "2m", "--outbound-queue-bytes", String.valueOf(64 << 20));
    open.add(a);
    Proc b = Proc.server(Map.of(), "--redis", redis.uri(), "--node-id", "node-b", "--cluster-node-timeout", "2m");
    open.add(b);

    List<Event> aliceEvents = new CopyOnWriteArrayList<>();
    CompletableFuture<SessionNode> aliceBack = new CompletableFuture<>();
    AgentClient alice = agent(new AgentClientOptions().setAgentId("alice").setServers(List.of(b.wsUrl())));
    CompletableFuture<Void> aliceAll = new CompletableFuture<>();
    alice.registerEventHandler(e -> {
      aliceEvents.add(e);
      if (e.eventName().equals("channel.message.posted") && e.offset() == POSTS) {
        aliceAll.complete(null);
      }
    }, "*");
    alice.lifecycleHandler(e -> {
      if (e.type() == LifecycleEvent.Type.RECONNECTED) {
        aliceBack.complete(new SessionNode(alice.session().nodeId()));
      }
    });
    await(alice.connect(a.wsUrl()));
    await(alice.workspace().channel("ops").join());

    List<Event> carolEvents = new CopyOnWriteArrayList<>();
    CompletableFuture<Integer> carolClosed = new CompletableFuture<>();
    AgentClient carol = agent(new AgentClientOptions().setAgentId("carol").setReconnect(false));
    carol.registerEventHandler(carolEvents::add, "*");
    carol.lifecycleHandler(e -> {
      if (e.type() == LifecycleEvent.Type.CLOSED) {
        carolClosed.complete(e.closeCode());
      }
    });
    await(carol.connect(a.wsUrl()));

    TcpWebSocket sloth = TcpWebSocket.open(a.port, 4096);
    open.add(sloth);
    sloth.write(TcpWebSocket.text("{\"type\":\"connect\",\"id\":\"c\",\"agent_id\":\"sloth\"}"));
    // A join sent before the connect is answered would be refused with not_connected.
    assertTrue(readUntilAnswer(sloth, "c").startsWith("{\"type\":\"ack\""), "the sloth is connected");
    sloth.write(TcpWebSocket.text("{\"type\":\"join\",\"id\":\"j\",\"channel\":\"ops\"}"));

    List<Event> bobEvents = new CopyOnWriteArrayList<>();
    AgentClient bob = agent(new AgentClientOptions().setAgentId("bob"));
    CompletableFuture<Void> carolLeft = new CompletableFuture<>();
    bob.registerEventHandler(e -> {
      bobEvents.add(e);
      if (e.eventName().equals("agent.left") && "carol".equals(e.payload().path("agent_id").asText())) {
        carolLeft.complete(null);
      }
    }, "*");
    await(bob.connect(b.wsUrl()));
    await(bob.workspace().channel("ops").join());
    // After the join ack the sloth reads nothing more until the end.
    assertTrue(readUntilAnswer(sloth, "j").startsWith("{\"type\":\"ack\""), "the sloth joined ops");

    // More than the kernel buffers of the sloth's socket hold, so that its drain lasts until the timeout.
    String filler = "x".repeat(50_000);
    List<Future<?>> posts = new ArrayList<>();
    for (int i = 1; i <= POSTS; i++) {
      posts.add(bob.workspace().channel("ops").post("post " + i + " " + filler));
    }
    await(Future.all(posts));
    // Alice on the same node has every post: node-a has queued them all for the sloth too.
    aliceAll.get(60, TimeUnit.SECONDS);

    a.signalTerm();
    JsonObject notReady;
    try {
      notReady = new JsonObject(Http.until(a.port, "/ready", r -> r.statusCode() == 503, WAIT).body());
    } catch (AssertionError e) {
      throw new AssertionError(e.getMessage() + "\nnode-a alive " + a.process.isAlive() + " exit "
          + (a.process.isAlive() ? "-" : a.process.exitValue()) + ":\n" + a.stderrText() + "\nstdout:\n" + a.stdoutText(), e);
    }
    assertEquals(List.of("draining"), notReady.getJsonArray("reasons").getList());
    assertTrue(Http.json(a.port, "/info").getBoolean("draining"));
    CompletionException refused = org.junit.jupiter.api.Assertions.assertThrows(CompletionException.class,
        () -> HttpClient.newHttpClient().newWebSocketBuilder().buildAsync(URI.create(a.wsUrl()),
            new WebSocket.Listener() { }).join());
    assertEquals(503, ((WebSocketHandshakeException) refused.getCause()).getResponse().statusCode());
    assertEquals(200, Http.get(b.port, "/ready").statusCode());

    assertEquals("node-b", aliceBack.get(60, TimeUnit.SECONDS).nodeId());
    assertEquals((int) CloseCodes.DRAINING, carolClosed.get(60, TimeUnit.SECONDS));
    assertEquals(0, a.waitFor(WAIT), a.stderrText());
    assertTrue(a.stderrText().contains("node-a draining"), a.stderrText());

    Event aliceNotice = single(aliceEvents, "server.draining");
    assertEquals("node-a", aliceNotice.payload().get("node_id").asText());
    assertEquals(8000, aliceNotice.payload().get("drain_timeout_ms").asLong());
    assertEquals("agent:alice", aliceNotice.destinationId());
    single(carolEvents, "server.draining");
    List<Long> offsets = aliceEvents.stream().filter(e -> e.eventName().equals("channel.message.posted"))
        .map(Event::offset).toList();
    assertEquals(LongStream.rangeClosed(1, POSTS).boxed().toList(), offsets, "every post once, in order");
    int noticeAt = aliceEvents.indexOf(aliceNotice);
    assertTrue(aliceEvents.subList(0, noticeAt).stream().filter(e -> e.eventName().equals("channel.message.posted"))
        .count() == POSTS, "the node wrote every queued post before its notice");

    sloth.readToClose();
    assertTrue(a.stderrText().contains("agent=sloth code=4009"), "the sloth was closed at the drain timeout");

    carolLeft.get(60, TimeUnit.SECONDS);
    JsonObject agents = Http.json(b.port, "/api/agents");
    List<String> ids = agents.getJsonArray("agents").stream().map(o -> ((JsonObject) o).getString("agent_id"))
        .sorted().toList();
    assertEquals(List.of("alice", "bob"), ids, "carol and sloth left with node-a, alice moved to node-b");
  }

  /** Reads frames until the answer to request {@code id} and returns its text; fails when the socket ends first. */
  private static String readUntilAnswer(TcpWebSocket socket, String id) throws Exception {
    TcpWebSocket.Frame f;
    while ((f = socket.read()) != null) {
      if (f.text().contains("\"id\":\"" + id + "\"")) {
        return f.text();
      }
    }
    throw new AssertionError("the socket ended before the answer to " + id);
  }

  private static Event single(List<Event> events, String name) {
    List<Event> found = events.stream().filter(e -> e.eventName().equals(name)).toList();
    assertEquals(1, found.size(), name + " in " + events.stream().map(Event::eventName).toList());
    return found.get(0);
  }

  private record SessionNode(String nodeId) {
  }
}
