package dev.workspace.server.edge;

import dev.workspace.model.CloseCodes;
import dev.workspace.server.ServerOptions;
import dev.workspace.server.logging.LogIds;
import dev.workspace.server.session.Session;
import dev.workspace.server.session.Transport;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.timeout.IdleStateHandler;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.WebSocketFrame;
import io.vertx.core.internal.http.WebSocketInternal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link Session}'s WebSocket: assembles and checks incoming frames (size, UTF-8, data type, reserved bits),
 * counts every frame, control frames included, against the session's frame budget, answers WebSocket pings,
 * writes outgoing frames as they are through its {@link FrameWriter} (the same bytes for every receiver of an
 * event, flushed once per event-loop turn) within the outbound bound, pings an open session and closes it when no
 * frame came back in time, and maps protocol violations to close codes. Lives on the socket's event loop.
 */
final class WebSocketTransport implements Transport {
  private static final Logger LOG = LoggerFactory.getLogger(WebSocketTransport.class);

  private final ServerOptions options;
  private final ServerMetrics metrics;
  private final ServerWebSocket socket;
  private final Context context;
  private final Vertx vertx;
  private final String remote;
  private final byte[] ping;
  private Session session;
  private MessageAssembler assembler;
  private final FrameWriter out;
  private final java.util.function.LongSupplier queued;
  private long lastSeen = System.nanoTime();
  private long pingTimer = -1;

  WebSocketTransport(ServerOptions options, byte[] ping, ServerMetrics metrics, ServerWebSocket socket,
      Context context) {
    this.options = options;
    this.metrics = metrics;
    this.socket = socket;
    this.context = context;
    this.vertx = context.owner();
    this.remote = String.valueOf(socket.remoteAddress());
    this.ping = ping;
    io.netty.channel.ChannelHandlerContext channel = ((WebSocketInternal) socket).channelHandlerContext();
    this.out = new FrameWriter(channel, options.getOutboundQueueBytes());
    this.queued = out::queuedBytes;
    // The HTTP server's idle timeout is for keep-alive connections; a WebSocket has the handshake timeout until
    // connect and pings after it, so its connection drops the idle timer (a handler and a task per connection).
    if (channel.pipeline().get(IdleStateHandler.class) != null) {
      channel.pipeline().remove(IdleStateHandler.class);
    }
  }

  /**
   * Starts reading the socket into the session.
   *
   * @param s the session this socket carries
   */
  void attach(Session s) {
    this.session = s;
    this.assembler = new MessageAssembler(options.getMaxMessageSize(), new MessageAssembler.Sink() {
      @Override
      public void message(String text, boolean admitted) {
        session.receive(text, admitted);
      }

      @Override
      public void violation(short code, String reason) {
        protocolViolation(code, reason);
      }
    });
    FrameGuard.install(socket, new FrameGuard.Listener() {
      @Override
      public void ping(Buffer payload) {
        onPing(payload);
      }

      @Override
      public void writable() {
        session.transportWritable();
      }

      @Override
      public void violation(short code, String reason) {
        protocolViolation(code, reason);
      }
    });
    socket.frameHandler(this::onFrame);
    socket.exceptionHandler(this::onSocketError);
    metrics.track(queued);
    socket.closeHandler(v -> {
      metrics.untrack(queued);
      stopPings();
      session.transportClosed();
    });
  }

  private void protocolViolation(short code, String reason) {
    metrics.limitHit("protocol_" + code);
    try (LogIds ids = session.logIds()) {
      LOG.warn("protocol violation session={} agent={} remote={}: {}", session.sessionId(), session.agentId(), remote,
          reason);
      session.close(code, reason);
    }
  }

  /** Every frame but a ping (see {@link #onPing}) and a close: each one counts against the frame budget. */
  private void onFrame(WebSocketFrame frame) {
    if (frame.isClose()) {
      return;
    }
    lastSeen = System.nanoTime();
    if (session.isClosed()) {
      return;
    }
    boolean admitted = session.admit();
    if (!session.isClosed()) {
      assembler.feed(frame, admitted);
    }
  }

  /** A WebSocket PING, before or after connect: answered with a PONG when within the frame budget. */
  private void onPing(Buffer payload) {
    lastSeen = System.nanoTime();
    if (session.isClosed() || !session.admit()) {
      return;
    }
    if (!out.writePong(payload.getBytes())) {
      session.slowConsumer();
    }
  }

  private void onSocketError(Throwable e) {
    if (e instanceof CorruptedWebSocketFrameException corrupted) {
      short code = (short) corrupted.closeStatus().code();
      metrics.limitHit("protocol_" + code);
      try (LogIds ids = session.logIds()) {
        LOG.warn("protocol violation session={} agent={} remote={}: {}", session.sessionId(), session.agentId(), remote,
            e.getMessage());
        session.close(code, code == CloseCodes.MESSAGE_TOO_BIG
            ? "frame larger than " + options.getMaxFrameSize() + " bytes" : "malformed WebSocket frame");
      }
      // Vert.x closes the channel as soon as this handler returns. When the bad frame came in the same read as an
      // earlier good one, the close frame is still waiting for the end-of-read flush and would be dropped, so the
      // peer would see 1006 instead of the code: push it out now.
      if (socket instanceof WebSocketInternal internal) {
        internal.channelHandlerContext().flush();
      }
    } else {
      LOG.debug("connection {} error: {}", session.sessionId(), e.toString());
    }
  }

  @Override
  public boolean writable() {
    return out.writable();
  }

  @Override
  public boolean write(byte[] frame) {
    if (!out.write(frame)) {
      LOG.debug("outbound queue of session {} full: {} bytes", session.sessionId(), out.queuedBytes());
      return false;
    }
    return true;
  }

  @Override
  public io.vertx.core.Future<Void> writeLast(byte[] frame, long timeoutMs) {
    io.vertx.core.Promise<Void> done = io.vertx.core.Promise.promise();
    long timer = context.owner().setTimer(timeoutMs, t -> done.tryComplete());
    out.writeLast(frame, () -> {
      context.owner().cancelTimer(timer);
      done.tryComplete();
    });
    return done.future();
  }

  @Override
  public void close(short code, String reason) {
    stopPings();
    out.flushNow();
    socket.close(code, reason);
  }

  @Override
  public void opened() {
    long interval = options.getPingInterval().toMillis();
    long timeout = options.getPingTimeout().toMillis();
    pingTimer = vertx.setPeriodic(interval, t -> {
      long sentAt = System.nanoTime();
      if (!write(ping)) {
        session.slowConsumer();
        return;
      }
      vertx.setTimer(timeout, t2 -> {
        if (session.isOpen() && lastSeen < sentAt) {
          session.close(CloseCodes.PING_TIMEOUT, "no pong within " + timeout + " ms");
        }
      });
    });
  }

  private void stopPings() {
    if (pingTimer >= 0) {
      vertx.cancelTimer(pingTimer);
      pingTimer = -1;
    }
  }

  @Override
  public Context context() {
    return context;
  }

  @Override
  public String remoteAddress() {
    return remote;
  }
}
