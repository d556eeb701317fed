package dev.workspace.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.workspace.client.AgentClient;
import dev.workspace.client.AgentClientOptions;
import dev.workspace.server.testing.RedisProcess;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** /ready, /info and /metrics of a node process. */
class OpsEndpointsIT {
  private static final Duration WAIT = Duration.ofSeconds(60);

  private static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
  }

  @Test
  void readyTurnsFalseWhileRedisIsDownAndBackAfter() throws Exception {
    try (RedisProcess redis = RedisProcess.start();
        Proc node = Proc.server(Map.of(), "--redis", redis.uri(), "--node-id", "node-r",
            "--redis-command-timeout", "1s", "--cluster-heartbeat-interval", "500ms")) {
      JsonObject ready = Http.json(node.port, "/ready");
      assertEquals(true, ready.getBoolean("ready"));
      assertEquals(List.of(), ready.getJsonArray("reasons").getList());
      PrometheusText up = PrometheusText.parse(Http.get(node.port, "/metrics").body());
      assertEquals(Map.of("workspace_redis_link{state=\"closed\"}", 0.0, "workspace_redis_link{state=\"down\"}", 0.0,
          "workspace_redis_link{state=\"ready\"}", 1.0, "workspace_redis_link{state=\"recovering\"}", 0.0),
          up.family("workspace_redis_link", false));
      assertEquals(0.0, up.value("workspace_redis_reconnects_total"));
      assertTrue(up.value("workspace_redis_commands_total") > 0);
      redis.kill();
      JsonObject down = new JsonObject(Http.until(node.port, "/ready", r -> r.statusCode() == 503, WAIT).body());
      assertEquals(List.of("redis_unreachable"), down.getJsonArray("reasons").getList());
      assertEquals(false, Http.json(node.port, "/info").getBoolean("ready"));
      assertEquals(0.0, PrometheusText.parse(Http.get(node.port, "/metrics").body())
          .value("workspace_redis_link", "state", "ready"));
      redis.restart();
      Http.until(node.port, "/ready", r -> r.statusCode() == 200, WAIT);
      PrometheusText back = PrometheusText.parse(Http.get(node.port, "/metrics").body());
      assertEquals(1.0, back.value("workspace_redis_reconnects_total"));
      assertEquals(1.0, back.value("workspace_redis_link", "state", "ready"));
      node.signalTerm();
      assertEquals(0, node.waitFor(WAIT), node.stderrText());
    }
  }

  @Test
  void infoCountsWhatIsConnectedAndMetricsParseAsPrometheusText() throws Exception {
    Vertx vertx = Vertx.vertx();
    try (Proc node = Proc.server(Map.of(), "--node-id", "node-i")) {
      JsonObject empty = Http.json(node.port, "/info");
      assertEquals("node-i", empty.getString("node_id"));
      assertEquals("memory", empty.getString("mode"));
      assertEquals(0, empty.getInteger("sessions"));
      assertTrue(empty.getString("version").matches("\\d+\\.\\d+\\.\\d+.*"));
      AgentClient a = AgentClient.create(vertx, new AgentClientOptions().setAgentId("a").setWorkspace("w1"));
      AgentClient b = AgentClient.create(vertx, new AgentClientOptions().setAgentId("b").setWorkspace("w1"));
      AgentClient c = AgentClient.create(vertx, new AgentClientOptions().setAgentId("c").setWorkspace("w2"));
      for (AgentClient x : List.of(a, b, c)) {
        await(x.connect(node.wsUrl()));
      }
      await(a.workspace().channel("general").join());
      await(c.workspace().channel("general").join());
      await(c.workspace().channel("ops").join());
      JsonObject info = Http.json(node.port, "/info");
      assertEquals(3, info.getInteger("sessions"));
      assertEquals(2, info.getInteger("workspaces"));
      assertEquals(3, info.getInteger("channels"), "general in w1, general and ops in w2");
      assertEquals(new JsonObject().put("w1", 2).put("w2", 1), info.getJsonObject("sessions_by_workspace"));
      assertEquals(3, info.getInteger("agents"));
      assertEquals(0, info.getInteger("open_runs"));
      assertTrue(info.getLong("uptime_ms") > 0);

      PrometheusText metrics = PrometheusText.parse(Http.get(node.port, "/metrics").body());
      assertEquals(Map.of("workspace_sessions{workspace=\"w1\"}", 2.0, "workspace_sessions{workspace=\"w2\"}", 1.0),
          metrics.family("workspace_sessions", false));
      Map<String, Double> samples = metrics.samples;
      assertTrue(samples.keySet().stream().anyMatch(k -> k.startsWith("jvm_memory_used_bytes{")), "heap");
      assertTrue(samples.keySet().stream().anyMatch(k -> k.startsWith("jvm_threads_live_threads")), "threads");
      assertTrue(samples.containsKey("process_files_open_files"), "file descriptors");
      await(c.close());
      Http.until(node.port, "/info", r -> new JsonObject(r.body()).getInteger("sessions") == 2, WAIT);
      await(a.close());
      await(b.close());
      node.signalTerm();
      assertEquals(0, node.waitFor(WAIT), node.stderrText());
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }
}
