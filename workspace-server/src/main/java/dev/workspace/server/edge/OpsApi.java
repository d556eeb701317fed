package dev.workspace.server.edge;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.workspace.model.FrameCodec;
import dev.workspace.server.cli.VersionProvider;
import dev.workspace.server.core.Broker;
import dev.workspace.server.core.Directory;
import dev.workspace.server.core.LocalSessions;
import dev.workspace.server.core.RunTracker;
import io.vertx.core.Future;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The operator endpoints: {@code GET /health} (the process is up), {@code GET /ready} (serving: Redis reachable when
 * configured, not draining; with reasons), {@code GET /info} (version, node, uptime, mode, counts) and
 * {@code GET /metrics} (Prometheus text). The counts that live in the directory and the run tracker (agents, open
 * runs) cover the workspaces this node has sessions in, on every node; a node that cannot read them (Redis down)
 * answers {@code null} for them in {@code /info} and leaves them out of {@code /metrics}.
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
  private Directory directory;
  private RunTracker runs;

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

  /**
   * Where the agent and run counts are read; without it {@code /info} shows neither.
   *
   * @param directory counts the agents of a workspace
   * @param runs counts the open runs
   * @return this
   */
  public OpsApi counts(Directory directory, RunTracker runs) {
    this.directory = directory;
    this.runs = runs;
    return this;
  }

  /** @param router gets the four routes */
  public void mount(Router router) {
    router.get("/health").handler(ctx -> json(ctx, 200, codec.mapper().createObjectNode().put("status", "ok")
        .put("node_id", nodeId)));
    router.get("/ready").handler(this::ready);
    router.get("/info").handler(this::info);
    router.get("/metrics").handler(this::metrics);
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

  private void metrics(RoutingContext ctx) {
    Map<String, Integer> byWorkspace = sessions.sessionsByWorkspace();
    agents(byWorkspace.keySet()).onComplete(ar -> {
      metrics.workspaces(byWorkspace, ar.succeeded() ? ar.result() : Map.of());
      ctx.response().putHeader("content-type", "text/plain; version=0.0.4; charset=utf-8").end(metrics.scrape());
    });
  }

  /** The agents of each workspace, on every node; fails when one count cannot be read. */
  private Future<Map<String, Integer>> agents(Collection<String> workspaces) {
    if (directory == null) {
      return Future.failedFuture("no directory");
    }
    List<String> names = new ArrayList<>(workspaces);
    List<Future<Integer>> counts = new ArrayList<>();
    for (String w : names) {
      counts.add(directory.agentCount(w));
    }
    return Future.all(counts).map(all -> {
      Map<String, Integer> out = new TreeMap<>();
      for (int i = 0; i < names.size(); i++) {
        out.put(names.get(i), counts.get(i).result());
      }
      return out;
    });
  }

  private void info(RoutingContext ctx) {
    Map<String, Integer> byWorkspace = sessions.sessionsByWorkspace();
    Future<Map<String, Integer>> agents = agents(byWorkspace.keySet());
    Future<Integer> open = runs == null ? Future.failedFuture("no tracker") : runs.openRuns(byWorkspace.keySet());
    Future.join(agents, open).onComplete(ar -> info(ctx, byWorkspace, agents, open));
  }

  private void info(RoutingContext ctx, Map<String, Integer> byWorkspace, Future<Map<String, Integer>> agents,
      Future<Integer> open) {
    ObjectNode body = codec.mapper().createObjectNode().put("version", VersionProvider.version())
        .put("node_id", nodeId).put("mode", clustered ? "redis" : "memory")
        .put("started_at", status.startedAtMillis()).put("uptime_ms", status.uptimeMillis())
        .put("draining", status.draining()).put("ready", !status.draining() && broker.isReady())
        .put("sessions", sessions.size()).put("workspaces", byWorkspace.size())
        .put("channels", sessions.channelCount());
    if (agents.succeeded()) {
      body.put("agents", agents.result().values().stream().mapToInt(Integer::intValue).sum());
    } else {
      body.putNull("agents");
    }
    if (open.succeeded()) {
      body.put("open_runs", open.result());
    } else {
      body.putNull("open_runs");
    }
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
