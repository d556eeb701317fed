package dev.workspace.server.mcp;

import dev.workspace.model.FrameCodec;
import dev.workspace.server.ServerOptions;
import dev.workspace.server.core.WorkspaceCore;
import dev.workspace.server.edge.Authenticator;
import dev.workspace.server.edge.FaceAccess;
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
 * The MCP face of a node: {@code POST|GET|DELETE /mcp} (MCP Streamable HTTP, JSON-RPC 2.0) on the node's HTTP port,
 * and the table of its MCP sessions. Each MCP session is one workspace {@link dev.workspace.server.session.Session}
 * with an {@link McpSession} as its transport; it lives on the event loop that initialized it, and ends on {@code DELETE}, after {@link McpOptions#getSessionTtl()} without a request,
 * when its token expires, or when the node stops. Thread-safe: every event loop's router uses the same face.
 */
public final class McpFace {
  private final Vertx vertx;
  private final ServerOptions options;
  private final McpOptions mcp;
  private final FrameCodec codec;
  private final WorkspaceCore core;
  private final Authenticator authenticator;
  private final FaceAccess access;
  private final Map<String, McpSession> sessions = new ConcurrentHashMap<>();
  private final Map<Context, SessionHost> hosts = new ConcurrentHashMap<>();
  private final McpEndpoint endpoint;
  private long sweeper = -1;

  /**
   * @param vertx the node's Vert.x instance
   * @param options the node's options ({@link ServerOptions#getMcp()} for the face's own)
   * @param codec the frame codec
   * @param core the routing core
   * @param authenticator checks bearer tokens in token mode
   * @param access the edge's access rules
   */
  public McpFace(Vertx vertx, ServerOptions options, FrameCodec codec, WorkspaceCore core,
      Authenticator authenticator, FaceAccess access) {
    this.vertx = vertx;
    this.options = options;
    this.mcp = new McpOptions(options.getMcp());
    this.codec = codec;
    this.core = core;
    this.authenticator = authenticator;
    this.access = access;
    this.endpoint = new McpEndpoint(this);
  }

  /**
   * Adds the {@code /mcp} routes, ahead of the router's other routes. Call on the router's event loop.
   *
   * @param router one event loop's router
   * @param host the session host of that event loop, where its MCP sessions open
   */
  public void mount(Router router, SessionHost host) {
    hosts.put(eventLoopContext(), host);
    endpoint.mount(router);
  }

  /** @return the MCP sessions this node holds */
  public int sessionCount() {
    return sessions.size();
  }

  /**
   * Ends every session (the agents are announced as gone) and stops the sweeper.
   *
   * @return completes when every session has closed
   */
  public Future<Void> close() {
    synchronized (sessions) {
      if (sweeper >= 0) {
        vertx.cancelTimer(sweeper);
        sweeper = -1;
      }
    }
    List<Future<Void>> closing = new ArrayList<>();
    for (McpSession s : sessions.values()) {
      Promise<Void> p = Promise.promise();
      s.context().runOnContext(v -> {
        s.close("server shutting down");
        p.complete();
      });
      closing.add(p.future());
    }
    return Future.join(closing).mapEmpty();
  }

  private void sweep() {
    long now = System.nanoTime();
    long ttl = mcp.getSessionTtl().toNanos();
    for (McpSession s : sessions.values()) {
      s.context().runOnContext(v -> {
        if (!s.isClosed() && s.expired(now, ttl)) {
          access.limitHit("mcp_session_ttl");
          s.close("idle for more than " + mcp.getSessionTtl().toMillis() + " ms");
        }
      });
    }
  }

  /** @return the calling event loop's own context (a request runs on a duplicate of it) */
  static Context eventLoopContext() {
    return FaceAccess.eventLoopContext();
  }

  /**
   * @return the session host of the calling event loop, where its MCP sessions are opened
   */
  SessionHost hostForCurrentContext() {
    SessionHost host = hosts.get(eventLoopContext());
    if (host == null) {
      throw new IllegalStateException("no session host on this event loop");
    }
    return host;
  }

  /**
   * @param session a new session
   * @return whether the table had room for it
   */
  boolean register(McpSession session) {
    synchronized (sessions) {
      if (sessions.size() >= mcp.getMaxSessions()) {
        return false;
      }
      sessions.put(session.mcpSessionId(), session);
      if (sweeper < 0) {
        long ttl = mcp.getSessionTtl().toMillis();
        sweeper = vertx.setPeriodic(Math.max(100, Math.min(30_000, ttl / 4)), t -> sweep());
      }
      return true;
    }
  }

  McpSession session(String id) {
    return id == null ? null : sessions.get(id);
  }

  void forget(McpSession session) {
    sessions.remove(session.mcpSessionId(), session);
  }

  Vertx vertx() {
    return vertx;
  }

  ServerOptions options() {
    return options;
  }

  McpOptions mcpOptions() {
    return mcp;
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
}
