package dev.workspace.server.edge;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.workspace.model.FrameCodec;
import dev.workspace.server.cli.VersionProvider;
import dev.workspace.server.core.Broker;
import dev.workspace.server.core.LocalSessions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Map;

/**
 * The operator endpoints: {@code GET /health} (the process is up), {@code GET /ready} (serving: Redis reachable when
 * configured, not draining; with reasons), {@code GET /info} (version, node, uptime, mode, counts) and
 * {@code GET /metrics} (Prometheus text).
 */
public final class OpsApi {
  private final FrameCodec codec;
  private final String nodeId;
  private final boolean clustered;
  private final String redis;
  private final NodeStatus status;
  private final Broker broker;
  private final LocalSessions sessions;
  private final ServerMetrics metrics;

  /**
   * @param codec the codec whose mapper writes the answers
   * @param nodeId the node's id
   * @param redis how the node reaches Redis ({@code standalone}, {@code sentinel} or {@code cluster}, then where,
   *     without passwords), or {@code null} for a node alone in memory
   * @param status whether the node is draining, and since when it runs
   * @param broker asked whether Redis is reachable
   * @param sessions the node's sessions, counted
   * @param metrics the node's meters
   */
  public OpsApi(FrameCodec codec, String nodeId, String redis, NodeStatus status, Broker broker,
      LocalSessions sessions, ServerMetrics metrics) {
    this.codec = codec;
    this.nodeId = nodeId;
    this.clustered = redis != null;
    this.redis = redis;
    this.status = status;
    this.broker = broker;
    this.sessions = sessions;
    this.metrics = metrics;
  }

  /** @param router gets the four routes */
  public void mount(Router router) {
    router.get("/health").handler(ctx -> json(ctx, 200, codec.mapper().createObjectNode().put("status", "ok")
        .put("node_id", nodeId)));
    router.get("/ready").handler(this::ready);
    router.get("/info").handler(this::info);
    router.get("/metrics").handler(ctx -> ctx.response().putHeader("content-type", "text/plain; version=0.0.4")
        .end(metrics.scrape()));
  }

  private void ready(RoutingContext ctx) {
    ArrayNode reasons = codec.mapper().createArrayNode();
    if (status.draining()) {
      reasons.add("draining");
    }
    if (!broker.isReady()) {
      reasons.add(clustered ? "redis_unreachable" : "starting");
    }
    boolean ready = reasons.isEmpty();
    ObjectNode body = codec.mapper().createObjectNode().put("ready", ready).put("node_id", nodeId);
    body.set("reasons", reasons);
    json(ctx, ready ? 200 : 503, body);
  }

  private void info(RoutingContext ctx) {
    Map<String, Integer> byWorkspace = sessions.sessionsByWorkspace();
    ObjectNode body = codec.mapper().createObjectNode().put("version", VersionProvider.version())
        .put("node_id", nodeId).put("mode", clustered ? "redis" : "memory")
        .put("started_at", status.startedAtMillis()).put("uptime_ms", status.uptimeMillis())
        .put("draining", status.draining()).put("ready", !status.draining() && broker.isReady())
        .put("sessions", sessions.size()).put("workspaces", byWorkspace.size())
        .put("channels", sessions.channelCount());
    if (redis != null) {
      int space = redis.indexOf(' ');
      body.putObject("redis").put("mode", space < 0 ? redis : redis.substring(0, space)).put("endpoints", redis);
    }
    ObjectNode per = body.putObject("sessions_by_workspace");
    byWorkspace.forEach(per::put);
    json(ctx, 200, body);
  }

  private void json(RoutingContext ctx, int status, ObjectNode body) {
    ctx.response().setStatusCode(status).putHeader("content-type", "application/json").end(body.toString());
  }
}
