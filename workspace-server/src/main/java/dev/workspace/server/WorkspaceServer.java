package dev.workspace.server;

import dev.workspace.model.FrameCodec;
import dev.workspace.server.core.AttachmentCheck;
import dev.workspace.server.core.Broker;
import dev.workspace.server.core.Directory;
import dev.workspace.server.core.LocalSessions;
import dev.workspace.server.core.MemoryBroker;
import dev.workspace.server.core.MemoryDirectory;
import dev.workspace.server.core.WorkspaceCore;
import dev.workspace.server.edge.Authenticator;
import dev.workspace.server.edge.DeliveryBatchCodec;
import dev.workspace.server.edge.FaceAccess;
import dev.workspace.server.edge.FilesApi;
import dev.workspace.server.edge.NodeStatus;
import dev.workspace.server.edge.OpsApi;
import dev.workspace.server.edge.RestApi;
import dev.workspace.server.edge.ServerMetrics;
import dev.workspace.server.edge.ServerVerticle;
import dev.workspace.server.files.DiskFileStore;
import dev.workspace.server.files.FileStore;
import dev.workspace.server.files.RedisFileStore;
import dev.workspace.server.a2a.A2aFace;
import dev.workspace.server.mcp.McpFace;
import dev.workspace.server.redis.RedisCluster;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.micrometer.MetricsDomain;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running workspace server node: {@link ServerOptions#getInstances()} server verticles (one per event loop)
 * sharing one port, over one routing core.
 */
public final class WorkspaceServer {
  private static final Logger LOG = LoggerFactory.getLogger(WorkspaceServer.class);

  private final Vertx vertx;
  private final boolean ownsVertx;
  private final String nodeId;
  private final Broker broker;
  private final Directory directory;
  private FileStore files;
  private final List<String> deployments = new ArrayList<>();
  private final List<Long> timers = new ArrayList<>();
  private WorkspaceCore core;
  private ServerOptions options;
  private LocalSessions sessions;
  private final NodeStatus status = new NodeStatus();
  private final List<ServerVerticle> verticles = new ArrayList<>();
  private McpFace mcp;
  private A2aFace a2a;
  private int port;

  private WorkspaceServer(Vertx vertx, boolean ownsVertx, String nodeId, Broker broker, Directory directory) {
    this.vertx = vertx;
    this.ownsVertx = ownsVertx;
    this.nodeId = nodeId;
    this.broker = broker;
    this.directory = directory;
  }

  /**
   * Starts a node on its own Vert.x instance, closed with the node.
   *
   * @param options the options
   * @return the running node
   */
  public static Future<WorkspaceServer> start(ServerOptions options) {
    ServerMetrics metrics = new ServerMetrics();
    // Event-bus meters would cost a tagged lookup per delivery batch; the node counts deliveries itself. As many
    // event loops as server verticles: the Redis link's loop then hosts sessions too, which take its pushes in place.
    Vertx vertx = Vertx.builder()
        .with(new VertxOptions().setEventLoopPoolSize(options.getInstances())
            .setPreferNativeTransport(options.isNativeTransport())
            .setMetricsOptions(new MicrometerMetricsOptions().setEnabled(true)
                .addDisabledMetricsCategory(MetricsDomain.EVENT_BUS)))
        .withMetrics(new MicrometerMetricsFactory(metrics.registry()))
        .build();
    return start(vertx, options, true, metrics).onFailure(e -> vertx.close());
  }

  /**
   * Starts a node on a Vert.x instance the caller owns.
   *
   * @param vertx the Vert.x instance
   * @param options the options
   * @return the running node
   */
  public static Future<WorkspaceServer> start(Vertx vertx, ServerOptions options) {
    return start(vertx, options, false, new ServerMetrics());
  }

  private static Future<WorkspaceServer> start(Vertx vertx, ServerOptions given, boolean ownsVertx,
      ServerMetrics metrics) {
    ServerOptions options = new ServerOptions(given);
    if (options.getPort() == 0) {
      // Each event loop binds the same port; Vert.x shares a bound port between them, but port 0 would give each
      // its own, so a free port is chosen first.
      options.setPort(freePort(options.getHost()));
    }
    String nodeId = options.getNodeId() != null ? options.getNodeId() : "node-" + UUID.randomUUID().toString().substring(0, 8);
    FrameCodec codec = new FrameCodec(options.getMaxJsonDepth());
    Authenticator auth;
    try {
      auth = Authenticator.create(vertx, options);
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(e);
    }
    try {
      vertx.eventBus().registerCodec(new DeliveryBatchCodec());
    } catch (IllegalStateException alreadyRegistered) {
      // Another node shares this Vert.x instance and registered the same local codec.
    }
    Broker broker;
    Directory directory;
    dev.workspace.server.core.RunTracker runTracker;
    long inboxSweep = -1;
    if (options.getRedisUri() != null) {
      RedisCluster cluster;
      try {
        cluster = RedisCluster.create(vertx, options, nodeId, codec);
      } catch (IllegalArgumentException e) {
        return Future.failedFuture(e);
      }
      cluster.meter(metrics);
      broker = cluster.broker();
      directory = cluster.directory();
      runTracker = cluster.runs();
    } else {
      MemoryBroker memoryBroker = new MemoryBroker(codec, options.getHistorySize(), options.getInboxSize());
      MemoryDirectory memoryDirectory = new MemoryDirectory(options.getInboxRetention());
      broker = memoryBroker;
      directory = memoryDirectory;
      runTracker = new dev.workspace.server.core.MemoryRunTracker(codec, options.getRunLimits());
      long sweepMs = Math.max(1000, Math.min(60_000, options.getInboxRetention().toMillis() / 2));
      inboxSweep = vertx.setPeriodic(sweepMs, t -> memoryDirectory.expire(
          (ws, agent) -> memoryBroker.drop(ws, dev.workspace.server.core.StreamKey.inbox(agent))));
    }
    FileStore files = options.getRedisUri() != null
        ? new RedisFileStore(vertx, options.getRedisUri(), options.getFiles())
        : new DiskFileStore(vertx, options.getFiles());
    LocalSessions sessions = new LocalSessions(vertx.eventBus());
    sessions.broker(broker);
    WorkspaceCore core = new WorkspaceCore(nodeId, broker, directory, sessions, ServerOptions.DEFAULT_HISTORY_PAGE,
        ServerOptions.MAX_HISTORY_PAGE, options.getOutboundQueueBytes() / 2);
    core.runTracker(runTracker);
    core.meters(metrics);
    directory.departures(core::departed);
    core.checkAttachments(new AttachmentCheck(files, directory, options.getFiles().getMaxAttachments()));
    metrics.bind(sessions, options.getMetrics().getWorkspaceLabelLimit());
    RestApi rest = new RestApi(options, codec, core, broker, metrics, auth)
        .files(new FilesApi(files, options.getFiles(), metrics));
    McpFace mcp = new McpFace(vertx, options, codec, core, auth, new FaceAccess(options, metrics));
    A2aFace a2a = new A2aFace(vertx, options, codec, core, auth, new FaceAccess(options, metrics), files, nodeId);
    WorkspaceServer node = new WorkspaceServer(vertx, ownsVertx, nodeId, broker, directory);
    node.core = core;
    node.files = files;
    node.options = options;
    node.sessions = sessions;
    String redis = options.getRedisUri() == null ? null
        : dev.workspace.server.redis.RedisEndpoints.parse(options.getRedisUri()).describe();
    rest.operations(new OpsApi(codec, nodeId, redis, node.status, broker, sessions, metrics)
        .counts(directory, runTracker));
    node.mcp = mcp;
    node.a2a = a2a;
    if (inboxSweep >= 0) {
      node.timers.add(inboxSweep);
    }
    node.timers.add(vertx.setPeriodic(60_000, t -> runTracker.sweep()));
    List<ServerVerticle> verticles = new ArrayList<>();
    return broker.start(sessions)
        .compose(v -> files.start())
        .compose(v -> vertx.deployVerticle(() -> {
          ServerVerticle verticle = new ServerVerticle(options, codec, core, metrics, auth, rest, mcp, node.status)
              .a2a(a2a);
          synchronized (verticles) {
            verticles.add(verticle);
          }
          return verticle;
        }, new DeploymentOptions().setInstances(options.getInstances())))
        .map(id -> {
          node.deployments.add(id);
          node.verticles.addAll(verticles);
          node.port = verticles.get(0).actualPort();
          for (ServerVerticle v : verticles) {
            if (v.actualPort() != node.port) {
              throw new IllegalStateException("event loops listen on different ports");
            }
          }
          return null;
        })
        .map(v -> {
          LOG.info("node {} listening on {}:{} with {} event loops on the {} transport, {} state", nodeId,
              options.getHost(), node.port, options.getInstances(),
              vertx.isNativeTransportEnabled() ? "native" : "Java NIO",
              options.getRedisUri() == null ? "in-memory" : "Redis");
          if (ownsVertx && options.isNativeTransport() && !vertx.isNativeTransportEnabled()) {
            Throwable cause = vertx.unavailableNativeTransportCause();
            LOG.warn("node {} runs on Java NIO: the native transport did not load ({})", nodeId,
                cause == null ? "not available on this platform" : cause.toString());
          }
          if (auth.required()) {
            LOG.info("node {} requires {} tokens", nodeId, options.getJwtAlgorithm());
          } else {
            LOG.warn("AUTHENTICATION IS OFF (auth mode none): anyone who can reach {}:{} can connect as any agent of"
                + " any workspace. Keep it on loopback, or set WORKSPACE_AUTH=token with WORKSPACE_JWT_SECRET.",
                options.getHost(), node.port);
          }
          return node;
        });
  }

  private static int freePort(String host) {
    try (java.net.ServerSocket probe = new java.net.ServerSocket()) {
      probe.setReuseAddress(true);
      probe.bind(new java.net.InetSocketAddress(host, 0));
      return probe.getLocalPort();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException("no free port on " + host, e);
    }
  }

  /** @return the port the node listens on */
  public int port() {
    return port;
  }

  /** @return the node's id */
  public String nodeId() {
    return nodeId;
  }

  /** @return the Vert.x instance the node runs on */
  public Vertx vertx() {
    return vertx;
  }

  /**
   * Stops the node gracefully, as on SIGTERM: {@code /ready} answers 503 at once and new WebSocket connections are
   * refused with 503; every connected agent gets a {@code server.draining} event after what was already queued for
   * it, and is closed with 4009 once its queue is written, or after {@link ShutdownOptions#getDrainTimeout()}; its
   * departure is announced at once; then the node leaves the cluster and stops.
   *
   * @return completes when stopped
   */
  public Future<Void> shutdown() {
    status.startDraining();
    long timeoutMs = options.getShutdown().getDrainTimeout().toMillis();
    LOG.info("node {} draining: {} sessions, at most {} ms", nodeId, sessions.size(), timeoutMs);
    List<Future<Void>> drains = new ArrayList<>();
    for (ServerVerticle v : verticles) {
      drains.add(v.drain(timeoutMs));
    }
    return Future.join(drains).transform(ar -> close());
  }

  /** @return whether the node is draining: {@link #shutdown()} has begun */
  public boolean draining() {
    return status.draining();
  }

  /**
   * Stops the node: closes every connection with 1001, then the broker.
   *
   * @return completes when stopped
   */
  public Future<Void> close() {
    timers.forEach(vertx::cancelTimer);
    List<Future<?>> undeploys = new ArrayList<>();
    Future<Void> done = (mcp == null ? Future.<Void>succeededFuture() : mcp.close())
        .compose(v -> a2a == null ? Future.<Void>succeededFuture() : a2a.close())
        .transform(ar -> {
          for (String id : deployments) {
            undeploys.add(vertx.undeploy(id));
          }
          return Future.join(undeploys);
        })
        .transform(ar -> core == null ? Future.succeededFuture() : core.departuresDone())
        .transform(ar -> files == null ? Future.succeededFuture() : files.close())
        .transform(ar -> broker.close())
        .transform(ar -> directory.close());
    return ownsVertx ? done.transform(ar -> vertx.close()) : done;
  }
}
