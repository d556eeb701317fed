package dev.workspace.server.edge;

import dev.workspace.model.CloseCodes;
import dev.workspace.model.FrameCodec;
import dev.workspace.server.ServerOptions;
import dev.workspace.server.core.DeliveryBatch;
import dev.workspace.server.core.WorkspaceCore;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.ServerWebSocketHandshake;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/**
 * One instance per event loop: an HTTP server (sharing the node's port with the other instances) serving the
 * WebSocket endpoint {@code /ws} and the REST API, the connections it accepted, and the event-bus consumer that
 * writes each {@link DeliveryBatch} to them.
 */
public final class ServerVerticle extends VerticleBase implements EdgeContext {
  private final ServerOptions options;
  private final FrameCodec codec;
  private final WorkspaceCore core;
  private final ServerMetrics metrics;
  private final Authenticator authenticator;
  private final RestApi rest;
  private final Map<String, Connection> connections = new HashMap<>();
  private final String address = "workspace.deliver." + UUID.randomUUID();
  private HttpServer server;
  private MessageConsumer<DeliveryBatch> consumer;

  /**
   * @param options the node's options; {@code port} is where this instance listens
   * @param codec the frame codec
   * @param core the routing core
   * @param metrics the node's metrics
   * @param authenticator checks tokens
   * @param rest the REST API
   */
  public ServerVerticle(ServerOptions options, FrameCodec codec, WorkspaceCore core, ServerMetrics metrics,
      Authenticator authenticator, RestApi rest) {
    this.options = options;
    this.codec = codec;
    this.core = core;
    this.metrics = metrics;
    this.authenticator = authenticator;
    this.rest = rest;
  }

  @Override
  public Future<?> start() {
    consumer = vertx.eventBus().localConsumer(address, msg -> {
      DeliveryBatch batch = msg.body();
      for (String id : batch.sessionIds()) {
        Connection c = connections.get(id);
        if (c != null) {
          c.deliver(batch);
        }
      }
    });
    HttpServerOptions http = new HttpServerOptions()
        .setPort(options.getPort())
        .setHost(options.getHost())
        .setMaxWebSocketFrameSize(options.getMaxFrameSize())
        .setMaxWebSocketMessageSize(options.getMaxMessageSize())
        .setRegisterWebSocketWriteHandlers(false);
    server = vertx.createHttpServer(http)
        .requestHandler(rest.router(vertx))
        .webSocketHandshakeHandler(this::handshake)
        .webSocketHandler(ws -> {
          Connection c = new Connection(this, vertx, context, ws, address, queryParam(ws.query(), "workspace"), null);
          connections.put(c.sessionId(), c);
          c.start();
        });
    return server.listen();
  }

  private void handshake(ServerWebSocketHandshake h) {
    if (!"/ws".equals(h.path())) {
      metrics.handshakeRejected();
      h.reject(404);
      return;
    }
    h.accept();
  }

  /** @return the port this instance listens on */
  public int actualPort() {
    return server.actualPort();
  }

  @Override
  public Future<?> stop() {
    for (Connection c : connections.values().toArray(new Connection[0])) {
      c.close(CloseCodes.GOING_AWAY, "server shutting down");
    }
    return Future.all(consumer.unregister(), server.close());
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

  @Override
  public ServerOptions options() {
    return options;
  }

  @Override
  public FrameCodec codec() {
    return codec;
  }

  @Override
  public WorkspaceCore core() {
    return core;
  }

  @Override
  public ServerMetrics metrics() {
    return metrics;
  }

  @Override
  public void forget(Connection connection) {
    connections.remove(connection.sessionId());
  }
}
