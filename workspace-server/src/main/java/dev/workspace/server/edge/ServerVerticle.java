package dev.workspace.server.edge;

import dev.workspace.model.CloseCodes;
import dev.workspace.model.ErrorCode;
import dev.workspace.model.Frame;
import dev.workspace.model.FrameCodec;
import dev.workspace.model.ProtocolException;
import dev.workspace.server.ServerOptions;
import dev.workspace.server.core.WorkspaceCore;
import dev.workspace.server.mcp.McpFace;
import dev.workspace.server.session.Access;
import dev.workspace.server.session.SessionHost;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.ServerWebSocketHandshake;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.Router;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One instance per event loop: an HTTP server (sharing the node's port with the other instances) serving the
 * WebSocket endpoint {@code /ws}, the REST API and the web console ({@link ConsolePage}), and the
 * {@link SessionHost} of the sessions it accepted, each carried by a {@link WebSocketTransport}. The WebSocket handshake is where a browser's {@code Origin} is checked
 * and a token given in the {@code Authorization} header or the {@code token} query parameter is verified, before
 * the upgrade.
 */
public final class ServerVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(ServerVerticle.class);

  private final ServerOptions options;
  private final FrameCodec codec;
  /** The ping frame every open session is sent, encoded once for all of them. */
  private final byte[] ping;
  private final WorkspaceCore core;
  private final ServerMetrics metrics;
  private final Authenticator authenticator;
  private final RestApi rest;
  private final OriginPolicy origins;
  private final NodeStatus status;
  private final HostPolicy hosts;
  private final SessionHost sessions;
  private final McpFace mcp;
  private dev.workspace.server.a2a.A2aFace a2a;
  private final Map<String, Long> requestless = new HashMap<>();
  private HttpServer server;

  /**
   * @param options the node's options; {@code port} is where this instance listens
   * @param codec the frame codec
   * @param core the routing core
   * @param metrics the node's metrics
   * @param authenticator checks tokens
   * @param rest the REST API
   * @param mcp the MCP face
   * @param status whether the node is draining: then new WebSocket handshakes are refused with HTTP 503
   */
  public ServerVerticle(ServerOptions options, FrameCodec codec, WorkspaceCore core, ServerMetrics metrics,
      Authenticator authenticator, RestApi rest, McpFace mcp, NodeStatus status) {
    this.status = status;
    this.mcp = mcp;
    this.options = options;
    this.codec = codec;
    this.ping = codec.encodeBytes(new Frame.Ping(null));
    this.core = core;
    this.metrics = metrics;
    this.authenticator = authenticator;
    this.rest = rest;
    this.origins = new OriginPolicy(options.getAllowedOrigins());
    this.hosts = new HostPolicy(!authenticator.required(), options.getAllowedHosts());
    this.sessions = new SessionHost(options, codec, core, metrics, authenticator);
  }

  /**
   * Adds the A2A face to the routes this instance serves.
   *
   * @param face the A2A face
   * @return this
   */
  public ServerVerticle a2a(dev.workspace.server.a2a.A2aFace face) {
    this.a2a = face;
    return this;
  }

  @Override
  public Future<?> start() {
    // A connection idle in both directions for this long is dropped: an open session is pinged well within it,
    // so this only ends HTTP keep-alive connections nobody uses.
    long idleMs = Math.max(options.getHandshakeTimeout().toMillis(),
        options.getPingInterval().toMillis() + options.getPingTimeout().toMillis()) + 5_000;
    HttpServerOptions http = new HttpServerOptions()
        .setPort(options.getPort())
        .setHost(options.getHost())
        .setMaxWebSocketFrameSize(options.getMaxFrameSize())
        .setMaxWebSocketMessageSize(options.getMaxMessageSize())
        .setIdleTimeout((int) Math.min(Integer.MAX_VALUE, idleMs))
        .setIdleTimeoutUnit(TimeUnit.MILLISECONDS)
        // HTTP/1.1 only: no cleartext HTTP/2, whose prior-knowledge detection would also delay the connection
        // handler that times out clients that never send a request.
        .setHttp2ClearTextEnabled(false)
        .setRegisterWebSocketWriteHandlers(false);
    Router router = rest.router(vertx);
    mcp.mount(router, sessions);
    if (a2a != null) {
      a2a.mount(router, sessions);
    }
    if (options.isConsole()) {
      new ConsolePage(authenticator).mount(router);
    }
    server = vertx.createHttpServer(http)
        .connectionHandler(this::onHttpConnection)
        .requestHandler(req -> {
          requestStarted(req.connection().remoteAddress());
          if (!hosts.allows(req.path(), req.getHeader("Host"))) {
            refuseHost(req.remoteAddress(), req.getHeader("Host"));
            String message = "Host not allowed in open mode (DNS rebinding)";
            boolean jsonRpc = req.path().equals("/mcp") || req.path().startsWith("/mcp/");
            req.response().setStatusCode(403).putHeader("content-type", "application/json")
                .end(jsonRpc ? "{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32000,\"message\":\""
                    + message + "\"}}" : "{\"code\":\"forbidden\",\"message\":\"" + message + "\"}");
            return;
          }
          router.handle(req);
        })
        .webSocketHandshakeHandler(this::handshake);
    return sessions.start(vertx)
        .compose(v -> options.isConsole() ? ConsolePage.load(vertx) : Future.succeededFuture())
        .compose(v -> server.listen());
  }

  /** Closes a TCP connection that has not sent a complete HTTP request within the handshake timeout. */
  private void onHttpConnection(HttpConnection conn) {
    String key = String.valueOf(conn.remoteAddress());
    long timeout = options.getHandshakeTimeout().toMillis();
    long timer = vertx.setTimer(timeout, t -> {
      if (requestless.remove(key) != null) {
        metrics.limitHit("handshake_timeout");
        LOG.info("closing connection remote={}: no complete HTTP request within {} ms", key, timeout);
        conn.close();
      }
    });
    requestless.put(key, timer);
    conn.closeHandler(v -> requestStarted(conn.remoteAddress()));
  }

  private void requestStarted(SocketAddress remote) {
    Long timer = requestless.remove(String.valueOf(remote));
    if (timer != null) {
      vertx.cancelTimer(timer);
    }
  }

  private void refuseHost(SocketAddress remote, String host) {
    metrics.limitHit("host");
    LOG.warn("refused Host remote={} host={}: not a loopback name nor an allowed host", remote,
        host == null ? "(none)" : printable(host));
  }

  private void handshake(ServerWebSocketHandshake h) {
    requestStarted(h.remoteAddress());
    if (!hosts.allows(h.path(), h.headers().get("Host"))) {
      metrics.handshakeRejected();
      refuseHost(h.remoteAddress(), h.headers().get("Host"));
      h.reject(403);
      return;
    }
    if (!"/ws".equals(h.path())) {
      metrics.handshakeRejected();
      h.reject(404);
      return;
    }
    if (status.draining()) {
      metrics.handshakeRejected();
      h.reject(503);
      return;
    }
    String origin = h.headers().get("Origin");
    if (!origins.allows(origin, h.headers().get("Host"))) {
      metrics.handshakeRejected();
      metrics.limitHit("origin");
      LOG.warn("refused origin remote={} origin={}", h.remoteAddress(), printable(origin));
      h.accept().onSuccess(ws -> ws.close(CloseCodes.POLICY_VIOLATION, "origin not allowed"));
      return;
    }
    String queryWorkspace;
    String token;
    try {
      queryWorkspace = queryParam(h.query(), "workspace");
      token = authenticator.required() ? handshakeToken(h) : null;
    } catch (ProtocolException e) {
      refuse(h, 401, e.getMessage());
      return;
    } catch (IllegalArgumentException e) {
      metrics.handshakeRejected();
      h.reject(400);
      return;
    }
    if (token == null) {
      accept(h, queryWorkspace, null);
      return;
    }
    authenticator.verify(token).onComplete(ar -> {
      if (ar.failed()) {
        refuse(h, 401, ar.cause() instanceof ProtocolException ? ar.cause().getMessage() : "token could not be checked");
      } else if (queryWorkspace != null && !queryWorkspace.equals(ar.result().workspace())) {
        refuse(h, 403, "token is for another workspace");
      } else {
        accept(h, queryWorkspace, ar.result());
      }
    });
  }

  private void accept(ServerWebSocketHandshake h, String queryWorkspace, Authenticator.Identity identity) {
    h.accept().onSuccess(ws -> {
      WebSocketTransport transport = new WebSocketTransport(options, ping, metrics, ws, context);
      transport.attach(sessions.open(transport, queryWorkspace, identity));
    });
  }

  private void refuse(ServerWebSocketHandshake h, int status, String reason) {
    metrics.handshakeRejected();
    metrics.authFailure();
    LOG.warn("authentication failed at handshake remote={} status={}: {}", h.remoteAddress(), status, reason);
    h.reject(status);
  }

  private static String handshakeToken(ServerWebSocketHandshake h) {
    String header = h.headers().get("Authorization");
    if (header != null) {
      return Access.bearer(header);
    }
    String token = queryParam(h.query(), "token");
    if (token != null && token.isEmpty()) {
      throw new ProtocolException(ErrorCode.UNAUTHORIZED, "the token query parameter is empty");
    }
    return token;
  }

  private static String printable(String s) {
    String p = s.replaceAll("[^\\x20-\\x7e]", "?");
    return p.length() <= 100 ? p : p.substring(0, 100) + "...";
  }

  /** @return the port this instance listens on */
  public int actualPort() {
    return server.actualPort();
  }

  /**
   * Tells every connection of this instance that the node is stopping and closes each with 4009 once what was
   * queued for it is written, or after the timeout.
   *
   * @param timeoutMs the longest wait per connection, in milliseconds
   * @return completes when every connection is closed
   */
  public Future<Void> drain(long timeoutMs) {
    io.vertx.core.Promise<Void> done = io.vertx.core.Promise.promise();
    context.runOnContext(v -> {
      sessions.drainAll(core.nodeId(), timeoutMs).onComplete(ar -> done.complete());
    });
    return done.future();
  }

  @Override
  public Future<?> stop() {
    sessions.closeAll(CloseCodes.GOING_AWAY, "server shutting down");
    requestless.values().forEach(vertx::cancelTimer);
    requestless.clear();
    return Future.all(sessions.stop(), server.close());
  }

  static String queryParam(String query, String name) {
    if (query == null) {
      return null;
    }
    for (String part : query.split("&")) {
      int eq = part.indexOf('=');
      String key = eq < 0 ? part : part.substring(0, eq);
      if (key.equals(name)) {
        return eq < 0 ? "" : URLDecoder.decode(part.substring(eq + 1), StandardCharsets.UTF_8);
      }
    }
    return null;
  }
}
