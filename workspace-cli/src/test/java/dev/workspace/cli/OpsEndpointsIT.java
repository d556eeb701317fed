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
import java.util.HashMap;
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
      redis.kill();
      JsonObject down = new JsonObject(Http.until(node.port, "/ready", r -> r.statusCode() == 503, WAIT).body());
      assertEquals(List.of("redis_unreachable"), down.getJsonArray("reasons").getList());
      assertEquals(false, Http.json(node.port, "/info").getBoolean("ready"));
      redis.restart();
      Http.until(node.port, "/ready", r -> r.statusCode() == 200, WAIT);
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
      assertTrue(info.getLong("uptime_ms") > 0);

      Map<String, Double> samples = prometheus(Http.get(node.port, "/metrics").body());
      assertEquals(3.0, samples.get("workspace_sessions"));
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

  /** Parses Prometheus text: every sample line is {@code name{labels} value}; comments are # HELP and # TYPE. */
  static Map<String, Double> prometheus(String text) {
    Map<String, Double> out = new HashMap<>();
    for (String line : text.split("\n")) {
      if (line.isBlank()) {
        continue;
      }
      if (line.startsWith("#")) {
        assertTrue(line.startsWith("# HELP ") || line.startsWith("# TYPE "), line);
        continue;
      }
      int space = line.lastIndexOf(' ');
      String name = line.substring(0, space);
      assertTrue(name.matches("[a-zA-Z_:][a-zA-Z0-9_:]*(\\{.*})?"), line);
      out.put(name, Double.parseDouble(line.substring(space + 1)));
    }
    return out;
  }
}
