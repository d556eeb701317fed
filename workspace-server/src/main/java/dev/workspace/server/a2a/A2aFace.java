package dev.workspace.server.a2a;

import dev.workspace.model.FrameCodec;
import dev.workspace.model.Ids;
import dev.workspace.server.ServerOptions;
import dev.workspace.server.core.WorkspaceCore;
import dev.workspace.server.edge.Authenticator;
import dev.workspace.server.edge.FaceAccess;
import dev.workspace.server.files.FileStore;
import dev.workspace.server.session.SessionHost;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The A2A face of a node: every connected workspace agent is an Agent2Agent agent at {@code /a2a/{agent}} (its
 * card at {@code /a2a/{agent}/.well-known/agent-card.json}; JSON-RPC and HTTP+JSON, v1.0 and v0.3), and the
 * workspace's card is at {@code /.well-known/agent-card.json}. A task is a run of the agent, asked by the node's
 * gateway ({@code a2a.<node id>}) on behalf of the caller; see {@code docs/A2A.md}. Thread-safe: every event
 * loop's router uses the same face; each workspace's gateway lives on the event loop that first needed it.
 */
public final class A2aFace {
  private final Vertx vertx;
  private final ServerOptions options;
  private final A2aOptions a2a;
  private final FrameCodec codec;
  private final WorkspaceCore core;
  private final Authenticator authenticator;
  private final FaceAccess access;
  private final FileStore files;
  private final String nodeId;
  private final String gatewayId;
  private final Map<Context, SessionHost> hosts = new ConcurrentHashMap<>();
  private final Map<String, A2aGateway> gateways = new ConcurrentHashMap<>();
  private final A2aEndpoint endpoint;

  /**
   * @param vertx the node's Vert.x instance
   * @param options the node's options ({@link ServerOptions#getA2a()} for the face's own)
   * @param codec the frame codec
   * @param core the routing core
   * @param authenticator checks bearer tokens in token mode
   * @param access the edge's access rules
   * @param files where inline file parts are stored as attachments
   * @param nodeId this node's id, from which the gateway's agent id is made
   */
  public A2aFace(Vertx vertx, ServerOptions options, FrameCodec codec, WorkspaceCore core,
      Authenticator authenticator, FaceAccess access, FileStore files, String nodeId) {
    this.vertx = vertx;
    this.options = options;
    this.a2a = new A2aOptions(options.getA2a());
    this.codec = codec;
    this.core = core;
    this.authenticator = authenticator;
    this.access = access;
    this.files = files;
    this.nodeId = nodeId;
    this.gatewayId = gatewayIdOf(nodeId);
    this.endpoint = new A2aEndpoint(this);
  }

  /**
   * @param nodeId a node id
   * @return the agent id of that node's A2A gateways: {@code a2a.} and the node id, cut to the id rules
   */
  public static String gatewayIdOf(String nodeId) {
    StringBuilder sb = new StringBuilder(Ids.GATEWAY_PREFIX);
    for (char c : nodeId.toCharArray()) {
      boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-'
          || c == '.';
      sb.append(ok ? c : '-');
      if (sb.length() >= Ids.MAX_LENGTH) {
        break;
      }
    }
    return sb.toString();
  }

  /**
   * Adds the routes, ahead of the router's other routes. Call on the router's event loop.
   *
   * @param router one event loop's router
   * @param host the session host of that event loop, where gateways started on it open their sessions
   */
  public void mount(Router router, SessionHost host) {
    hosts.put(eventLoopContext(), host);
    endpoint.mount(router);
  }

  /** @return this node's gateway agent id */
  public String gatewayId() {
    return gatewayId;
  }

  /**
   * Closes every gateway session.
   *
   * @return completes when they are closed
   */
  public Future<Void> close() {
    List<Future<Void>> closing = new ArrayList<>();
    for (A2aGateway g : gateways.values()) {
      Promise<Void> p = Promise.promise();
      g.context().runOnContext(v -> {
        g.shutdown();
        p.complete();
      });
      closing.add(p.future());
    }
    return Future.join(closing).mapEmpty();
  }

  /** @return the gateway of a workspace on this node, made on the calling event loop when there is none */
  A2aGateway gateway(String workspace) {
    return gateways.computeIfAbsent(workspace, w -> {
      Context ctx = eventLoopContext();
      SessionHost host = hosts.get(ctx);
      if (host == null) {
        throw new IllegalStateException("no session host on this event loop");
      }
      return new A2aGateway(this, ctx, host, w);
    });
  }

  static Context eventLoopContext() {
    return FaceAccess.eventLoopContext();
  }

  Vertx vertx() {
    return vertx;
  }

  ServerOptions serverOptions() {
    return options;
  }

  A2aOptions options() {
    return a2a;
  }

  FrameCodec codec() {
    return codec;
  }

  WorkspaceCore core() {
    return core;
  }

  Authenticator authenticator() {
    return authenticator;
  }

  FaceAccess access() {
    return access;
  }

  FileStore files() {
    return files;
  }

  String nodeId() {
    return nodeId;
  }
}
