package dev.workspace.server.session;

import dev.workspace.model.FrameCodec;
import dev.workspace.server.ServerOptions;
import dev.workspace.server.core.DeliveryBatch;
import dev.workspace.server.core.SessionRef;
import dev.workspace.server.core.WorkspaceCore;
import dev.workspace.server.edge.Authenticator;
import dev.workspace.server.edge.ServerMetrics;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/**
 * The sessions of one event loop, whatever their transports: it opens them, hands each {@link DeliveryBatch} that
 * reaches its event-bus address, or that the node's fan-out hands it in place on this loop, to the sessions it
 * names (a closed session takes nothing), and closes them all
 * when the event loop stops. Every face on that event loop (the WebSocket
 * edge, a gateway without a socket) opens its sessions here.
 *
 * <p>Confined to its event loop: every method must be called on the context that called {@link #start(Vertx)}.
 */
public final class SessionHost {
  private final ServerOptions options;
  private final FrameCodec codec;
  private final WorkspaceCore core;
  private final ServerMetrics metrics;
  private final Access access;
  private final String address = "workspace.deliver." + UUID.randomUUID();
  private final Map<String, Session> sessions = new HashMap<>();
  private MessageConsumer<DeliveryBatch> consumer;

  /**
   * @param options the node's options (limits, timeouts, outbound bound)
   * @param codec the frame codec
   * @param core the routing core
   * @param metrics the node's metrics
   * @param authenticator checks tokens
   */
  public SessionHost(ServerOptions options, FrameCodec codec, WorkspaceCore core, ServerMetrics metrics,
      Authenticator authenticator) {
    this.options = options;
    this.codec = codec;
    this.core = core;
    this.metrics = metrics;
    this.access = new Access(authenticator);
  }

  /**
   * Starts receiving deliveries, on the calling event loop.
   *
   * @param vertx the Vert.x instance
   * @return completes when the consumer is registered
   */
  public Future<Void> start(Vertx vertx) {
    consumer = vertx.eventBus().localConsumer(address, msg -> deliver(msg.body()));
    io.vertx.core.Context here = Vertx.currentContext();
    if (here != null && here.isEventLoopContext()) {
      core.localSessions().host(address, here, this::deliver);
    }
    return consumer.completion();
  }

  /** Hands a batch to the sessions it names; on the host's event loop, from the event bus or in place. */
  private void deliver(DeliveryBatch batch) {
    int took = 0;
    for (SessionRef receiver : batch.receivers()) {
      if (receiver instanceof Session s) {
        s.deliver(batch);
        took++;
      }
    }
    if (took > 0) {
      metrics.delivered(batch.kind(), took, System.nanoTime() - batch.dispatchedNanos());
    }
  }

  /**
   * Opens a session on a transport; it waits for {@code connect} (closing after the handshake timeout).
   *
   * @param transport the transport, whose context must be this host's event loop
   * @param queryWorkspace the workspace the transport's URL named, or {@code null}
   * @param identity the identity proven before the session began (a token at the handshake), or {@code null}
   * @return the session
   */
  public Session open(Transport transport, String queryWorkspace, Authenticator.Identity identity) {
    Session s = new Session(this, transport, queryWorkspace, identity);
    sessions.put(s.sessionId(), s);
    s.start();
    return s;
  }

  /**
   * Closes every session.
   *
   * @param code the close code
   * @param reason why
   */
  public void closeAll(short code, String reason) {
    for (Session s : sessions.values().toArray(new Session[0])) {
      s.close(code, reason);
    }
  }

  /**
   * Drains every session (see {@link Session#drain}). Called on the host's event loop.
   *
   * @param nodeId this node's id
   * @param timeoutMs the longest wait per session, in milliseconds
   * @return completes when every session is closed
   */
  public Future<Void> drainAll(String nodeId, long timeoutMs) {
    java.util.List<Future<Void>> all = new java.util.ArrayList<>();
    for (Session s : sessions.values().toArray(new Session[0])) {
      all.add(s.drain(nodeId, timeoutMs));
    }
    return Future.join(all).mapEmpty();
  }

  /** @return completes when the delivery consumer is unregistered */
  public Future<Void> stop() {
    core.localSessions().unhost(address);
    return consumer == null ? Future.succeededFuture() : consumer.unregister();
  }

  /** @return the access rules, for faces that check callers themselves */
  public Access access() {
    return access;
  }

  void forget(Session s) {
    sessions.remove(s.sessionId());
  }

  String address() {
    return address;
  }

  ServerOptions options() {
    return options;
  }

  FrameCodec codec() {
    return codec;
  }

  WorkspaceCore core() {
    return core;
  }

  ServerMetrics metrics() {
    return metrics;
  }
}
