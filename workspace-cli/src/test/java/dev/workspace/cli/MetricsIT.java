package dev.workspace.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.workspace.client.AgentClient;
import dev.workspace.client.AgentClientOptions;
import dev.workspace.client.WorkspaceException;
import dev.workspace.model.Event;
import dev.workspace.model.EventNames;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * {@code /metrics} of a node process, read as strict Prometheus text: the delivery counters and the latency
 * histogram move by exactly what the test sends, a refused frame moves its code, a run moves its states, and the
 * per-workspace gauges follow the label limit. {@code /info} counts agree.
 */
class MetricsIT {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final List<String> MOVING = List.of("workspace_events_received_total",
      "workspace_events_delivered_total", "workspace_delivery_latency_seconds_count", "workspace_requests_total",
      "workspace_runs_total", "workspace_frames_rejected_total", "workspace_slow_consumer_closes_total");

  private static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
  }

  private static PrometheusText scrape(int port) throws Exception {
    var r = Http.get(port, "/metrics");
    assertEquals(200, r.statusCode());
    assertTrue(r.headers().firstValue("content-type").orElse("").startsWith("text/plain; version=0.0.4"));
    return PrometheusText.parse(r.body());
  }

  /** The samples of the families that traffic moves, each by key. */
  private static Map<String, Double> moving(PrometheusText p) {
    Map<String, Double> out = new TreeMap<>();
    for (String f : MOVING) {
      out.putAll(p.family(f, false));
    }
    return out;
  }

  /** Collects every event an agent is sent. */
  private static LinkedBlockingQueue<Event> inbox(AgentClient c) throws Exception {
    LinkedBlockingQueue<Event> q = new LinkedBlockingQueue<>();
    await(c.registerEventHandler(q::add, "*"));
    return q;
  }

  /** Takes events from a queue until one matches each predicate in turn; fails after the limit. */
  @SafeVarargs
  private static List<Event> take(LinkedBlockingQueue<Event> q, Predicate<Event>... expected) throws Exception {
    List<Event> got = new java.util.ArrayList<>();
    for (Predicate<Event> p : expected) {
      long deadline = System.nanoTime() + WAIT.toNanos();
      while (true) {
        Event e = q.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        if (e == null) {
          throw new AssertionError("expected event did not arrive; got " + got);
        }
        got.add(e);
        if (p.test(e)) {
          break;
        }
      }
    }
    return got;
  }

  private static Predicate<Event> named(String name, String source) {
    return e -> e.eventName().equals(name) && e.sourceId().equals(source);
  }

  private static Predicate<Event> presence(String name, String agent) {
    return e -> e.eventName().equals(name) && agent.equals(e.payload().path("agent_id").asText());
  }

  @Test
  void deliveryCountersAndLatencyMoveByExactlyWhatWasSent() throws Exception {
    Vertx vertx = Vertx.vertx();
    try (Proc node = Proc.server(Map.of(), "--node-id", "node-m", "--metrics-workspace-labels", "1")) {
      AgentClient a = AgentClient.create(vertx, new AgentClientOptions().setAgentId("a").setWorkspace("w1"));
      AgentClient b = AgentClient.create(vertx, new AgentClientOptions().setAgentId("b").setWorkspace("w1"));
      AgentClient d = AgentClient.create(vertx, new AgentClientOptions().setAgentId("d").setWorkspace("w1"));
      AgentClient c = AgentClient.create(vertx, new AgentClientOptions().setAgentId("c").setWorkspace("w2"));
      LinkedBlockingQueue<Event> aIn = inbox(a);
      LinkedBlockingQueue<Event> bIn = inbox(b);
      LinkedBlockingQueue<Event> dIn = inbox(d);
      LinkedBlockingQueue<Event> cIn = inbox(c);
      await(a.connect(node.wsUrl()));
      await(b.connect(node.wsUrl()));
      await(d.connect(node.wsUrl()));
      await(c.connect(node.wsUrl()));
      await(a.workspace().channel("room").join());
      await(b.workspace().channel("room").join());
      await(d.workspace().channel("room").join());
      await(c.workspace().channel("lobby").join());
      // Presence of the setup, all of it, before the first scrape.
      take(aIn, presence("agent.joined", "b"), presence("agent.joined", "d"));
      take(aIn, presence("channel.joined", "b"), presence("channel.joined", "d"));
      take(bIn, presence("agent.joined", "d"), presence("channel.joined", "d"));

      PrometheusText before = scrape(node.port);
      Map<String, Double> start = moving(before);
      assertEquals(4.0, before.value("workspace_subscriptions"), "one * per session");
      assertEquals(2.0, before.value("workspace_channels"), "room in w1, lobby in w2");
      assertEquals(3.0, before.value("workspace_sessions", "workspace", "w1"));
      assertEquals(1.0, before.value("workspace_sessions", "workspace", ""), "w2, beyond the label limit of 1");
      assertEquals(Map.of("workspace_sessions{workspace=\"\"}", 1.0, "workspace_sessions{workspace=\"w1\"}", 3.0),
          before.family("workspace_sessions", false));
      assertEquals(Map.of("workspace_agents{workspace=\"\"}", 1.0, "workspace_agents{workspace=\"w1\"}", 3.0),
          before.family("workspace_agents", false));
      assertTrue(before.samples.keySet().stream().anyMatch(k -> k.startsWith("vertx_http_server_")), "Vert.x meters");
      assertTrue(before.samples.containsKey("jvm_gc_pause_seconds_count")
          || before.samples.keySet().stream().anyMatch(k -> k.startsWith("jvm_gc_")), "GC meters");
      assertTrue(before.samples.containsKey("process_files_open_files"), "file descriptors");
      assertEquals("histogram", before.types.get("workspace_delivery_latency_seconds"));

      for (int i = 0; i < 5; i++) {
        await(b.workspace().channel("room").post("post " + i));
      }
      for (int i = 0; i < 3; i++) {
        await(a.workspace().agent("b").send("direct " + i));
      }
      for (int i = 0; i < 2; i++) {
        await(a.workspace().broadcast("all " + i));
      }
      ExecutionException refused = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
          () -> await(c.workspace().channel("elsewhere").post("not a member")));
      assertTrue(refused.getCause() instanceof WorkspaceException, refused.toString());
      CompletableFuture<Event> reply = a.workspace().agent("b").sendAndWait("do it", WAIT)
          .toCompletionStage().toCompletableFuture();

      List<Event> toA = take(aIn, named("channel.message.posted", "b"), named("channel.message.posted", "b"),
          named("channel.message.posted", "b"), named("channel.message.posted", "b"),
          named("channel.message.posted", "b"));
      List<Event> toD = take(dIn, named("channel.message.posted", "b"), named("channel.message.posted", "b"),
          named("channel.message.posted", "b"), named("channel.message.posted", "b"),
          named("channel.message.posted", "b"));
      List<Event> toB = take(bIn, named("agent.message", "a"), named("agent.message", "a"),
          named("agent.message", "a"), named(EventNames.AGENT_BROADCAST, "a"), named(EventNames.AGENT_BROADCAST, "a"),
          e -> e.requiresResponse());
      assertEquals(5, toA.size(), toA.toString());
      assertEquals(5, toD.size(), toD.toString());
      assertEquals(6, toB.size(), "3 direct, 2 broadcasts, 1 request: " + toB);
      Event request = toB.get(5);

      JsonObject open = Http.json(node.port, "/info");
      assertEquals(4, open.getInteger("sessions"));
      assertEquals(4, open.getInteger("agents"));
      assertEquals(2, open.getInteger("workspaces"));
      assertEquals(2, open.getInteger("channels"));
      assertEquals(1, open.getInteger("open_runs"), open.encode());

      await(b.respond(request, "done"));
      assertEquals("done", reply.get(60, TimeUnit.SECONDS).payload().path("text").asText());
      assertEquals(0, Http.json(node.port, "/info").getInteger("open_runs"));

      Map<String, Double> end = moving(scrape(node.port));
      Map<String, Double> moved = new TreeMap<>();
      end.forEach((k, v) -> {
        double delta = v - start.getOrDefault(k, 0.0);
        if (delta != 0) {
          moved.put(k, delta);
        }
      });
      Map<String, Double> expected = new TreeMap<>();
      expected.put("workspace_events_received_total{kind=\"channel\"}", 5.0);
      expected.put("workspace_events_received_total{kind=\"direct\"}", 5.0);
      expected.put("workspace_events_received_total{kind=\"broadcast\"}", 2.0);
      expected.put("workspace_events_delivered_total{kind=\"channel\"}", 10.0);
      expected.put("workspace_events_delivered_total{kind=\"direct\"}", 5.0);
      expected.put("workspace_events_delivered_total{kind=\"broadcast\"}", 4.0);
      // One observation per event and event loop: the node runs one, so 5 posts + 5 direct + 2 broadcasts.
      expected.put("workspace_delivery_latency_seconds_count", 12.0);
      expected.put("workspace_requests_total", 1.0);
      expected.put("workspace_runs_total{state=\"submitted\"}", 1.0);
      expected.put("workspace_runs_total{state=\"completed\"}", 1.0);
      expected.put("workspace_frames_rejected_total{code=\"not_member\"}", 1.0);
      assertEquals(expected, moved);
      assertEquals(List.of(), List.copyOf(cIn), "w2 got nothing of w1");

      for (AgentClient x : List.of(a, b, c, d)) {
        await(x.close());
      }
      node.signalTerm();
      assertEquals(0, node.waitFor(WAIT), node.stderrText());
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }
}
