package dev.workspace.server.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.workspace.model.FrameCodec;
import dev.workspace.server.ServerOptions;
import dev.workspace.server.WorkspaceServer;
import dev.workspace.server.testing.RawClient;
import dev.workspace.server.testing.RedisProcess;
import dev.workspace.server.testing.TestServers;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * A real Redis, cluster nodes on it (each on its own Vert.x instance), and real WebSocket clients, closed
 * together. {@link #barrier} proves that every event published before it reached the clients.
 */
final class ClusterFixture implements AutoCloseable {
  final RedisProcess redis;
  final Vertx vertx = Vertx.vertx();
  private final List<WorkspaceServer> nodes = new ArrayList<>();
  private final List<RawClient> clients = new ArrayList<>();
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final AtomicInteger barriers = new AtomicInteger();

  ClusterFixture(RedisProcess redis) {
    this.redis = redis;
  }

  /** @return options of a cluster node on loopback with quick heartbeats */
  ServerOptions options(String nodeId) {
    return TestServers.options().setRedisUri(redis.uri()).setNodeId(nodeId)
        .setClusterHeartbeatInterval(Duration.ofMillis(500)).setClusterNodeTimeout(Duration.ofSeconds(3))
        .setRedisReconnectMaxDelay(Duration.ofMillis(500));
  }

  /** Starts a node with {@link #options}. */
  WorkspaceServer node(String nodeId) {
    return node(options(nodeId));
  }

  /** Starts a node with {@link #options}, changed. */
  WorkspaceServer node(String nodeId, Consumer<ServerOptions> change) {
    ServerOptions o = options(nodeId);
    change.accept(o);
    return node(o);
  }

  /** Starts a node. */
  WorkspaceServer node(ServerOptions options) {
    WorkspaceServer n = TestServers.start(options);
    nodes.add(n);
    return n;
  }

  /** Stops a node the way an operator would (every connection closed with 1001). */
  void stop(WorkspaceServer node) {
    RawClient.await(node.close());
    nodes.remove(node);
  }

  /** Opens a session with every default for an agent on a node. */
  RawClient connect(WorkspaceServer node, String agentId) {
    return connect(node.port(), agentId);
  }

  RawClient connect(int port, String agentId) {
    RawClient c = RawClient.connect(vertx, port, agentId);
    clients.add(c);
    return c;
  }

  /** Opens a WebSocket to a node without a session. */
  RawClient open(WorkspaceServer node) {
    RawClient c = RawClient.open(vertx, node.port());
    clients.add(c);
    return c;
  }

  /** Opens a session with the given {@code connect} fields (without type and id). */
  RawClient connectWith(WorkspaceServer node, String connectFields) {
    RawClient c = RawClient.open(vertx, node.port());
    clients.add(c);
    ObjectNode ack = c.request("{\"type\":\"connect\"," + connectFields + "}");
    assertEquals("ack", ack.path("type").asText(), () -> "connect failed: " + ack);
    return c;
  }

  /** Joins a channel and checks the ack. */
  static ObjectNode join(RawClient c, String channel) {
    ObjectNode ack = c.request("{\"type\":\"join\",\"channel\":\"" + channel + "\"}");
    assertEquals("ack", ack.path("type").asText(), () -> "join failed: " + ack);
    return (ObjectNode) ack.get("result");
  }

  /** Publishes an event object given as JSON and returns the answer (ack or error). */
  static ObjectNode publish(RawClient c, String event) {
    return c.request("{\"type\":\"publish\",\"event\":" + event + "}");
  }

  /** Posts a text to a channel and returns the ack's offset. */
  static long post(RawClient c, String channel, String text) {
    ObjectNode ack = publish(c, "{\"event_name\":\"channel.message.posted\",\"destination_id\":\"channel:" + channel
        + "\",\"payload\":{\"text\":\"" + text + "\"}}");
    assertEquals("ack", ack.path("type").asText(), () -> "post failed: " + ack);
    return ack.get("result").path("offset").asLong(-1);
  }

  /**
   * Broadcasts a marker through a node's REST API and takes, from each client, every frame before the marker. Each
   * client must be subscribed to it ({@code *} does). Since every event crosses Redis in one order, a client that
   * got the marker got everything published before it. Markers of earlier barriers are skipped.
   *
   * @param via the node to publish the marker through
   * @param clients the clients
   * @return per client, the frames that came before the marker, in order
   */
  Map<RawClient, List<ObjectNode>> barrier(WorkspaceServer via, RawClient... clients) {
    int n = barriers.incrementAndGet();
    HttpResponse<String> r = post(via, "/api/events", "{\"event_name\":\"test.barrier\","
        + "\"destination_id\":\"agent:broadcast\",\"payload\":{\"n\":" + n + "}}", "barrier");
    assertEquals(202, r.statusCode(), r::body);
    Map<RawClient, List<ObjectNode>> out = new LinkedHashMap<>();
    for (RawClient c : clients) {
      List<ObjectNode> before = new ArrayList<>();
      while (true) {
        ObjectNode f = c.next();
        ObjectNode ev = (ObjectNode) f.get("event");
        if (ev != null && "test.barrier".equals(ev.path("event_name").asText())) {
          if (ev.path("payload").path("n").asInt() == n) {
            break;
          }
          continue;
        }
        before.add(f);
      }
      out.put(c, before);
    }
    return out;
  }

  /** {@link #barrier} for one client, then proves nothing else is queued; returns the events before it. */
  List<ObjectNode> settle(WorkspaceServer via, RawClient c) {
    List<ObjectNode> before = barrier(via, c).get(c);
    c.assertNothingElse();
    List<ObjectNode> events = new ArrayList<>();
    for (ObjectNode f : before) {
      assertEquals("event", f.path("type").asText(), () -> "expected only events, got " + f);
      events.add((ObjectNode) f.get("event"));
    }
    return events;
  }

  /** Settles every client and drops what they had received. */
  void quiet(WorkspaceServer via, RawClient... cs) {
    barrier(via, cs);
    for (RawClient c : cs) {
      c.assertNothingElse();
    }
  }

  HttpResponse<String> get(WorkspaceServer node, String path) {
    return send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.port() + path)).GET());
  }

  HttpResponse<String> get(int port, String path) {
    return send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).GET());
  }

  HttpResponse<String> post(WorkspaceServer node, String path, String body, String agentId) {
    return send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.port() + path))
        .header("content-type", "application/json").header("X-Agent-Id", agentId)
        .POST(HttpRequest.BodyPublishers.ofString(body)));
  }

  /** @return a response body parsed */
  static ObjectNode json(HttpResponse<String> r) {
    return FrameCodec.DEFAULT.parseObject(r.body());
  }

  HttpResponse<String> send(HttpRequest.Builder b) {
    try {
      return http.send(b.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new AssertionError(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /**
   * Waits until a node's {@code /ready} answers the given status, checking every 50 ms.
   *
   * @return the milliseconds it took
   */
  long awaitReady(int port, int status, Duration within) {
    long start = System.nanoTime();
    long deadline = start + within.toNanos();
    int last = -1;
    while (System.nanoTime() < deadline) {
      try {
        last = get(port, "/ready").statusCode();
      } catch (AssertionError down) {
        last = -1;
      }
      if (last == status) {
        return (System.nanoTime() - start) / 1_000_000;
      }
      pause(50);
    }
    throw new AssertionError("/ready on " + port + " did not answer " + status + " within " + within.toMillis()
        + " ms (last " + last + ")");
  }

  static void pause(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** @return the event's name, source and the payload's text or agent, e.g. {@code channel.joined b} */
  static String brief(ObjectNode ev) {
    StringBuilder sb = new StringBuilder(ev.path("event_name").asText()).append(' ').append(ev.path("source_id").asText());
    ObjectNode p = (ObjectNode) ev.get("payload");
    if (p != null && p.has("text")) {
      sb.append(' ').append(p.get("text").asText());
    }
    if (p != null && p.has("reason")) {
      sb.append(' ').append(p.get("reason").asText());
    }
    return sb.toString();
  }

  /** @return {@link #brief} of each */
  static List<String> briefs(List<ObjectNode> events) {
    List<String> out = new ArrayList<>();
    events.forEach(e -> out.add(brief(e)));
    return out;
  }

  @Override
  public void close() {
    for (RawClient c : clients) {
      c.close();
    }
    for (WorkspaceServer n : new ArrayList<>(nodes)) {
      try {
        RawClient.await(n.close());
      } catch (AssertionError ignored) {
        // A node that cannot close cleanly (Redis gone) still released its port.
      }
    }
    RawClient.await(vertx.close());
  }
}
