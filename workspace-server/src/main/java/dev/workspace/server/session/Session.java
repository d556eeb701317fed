package dev.workspace.server.session;

import dev.workspace.model.AckResult;
import dev.workspace.model.CloseCodes;
import dev.workspace.model.ErrorCode;
import dev.workspace.model.Frame;
import dev.workspace.model.ProtocolException;
import dev.workspace.server.core.DeliveryBatch;
import dev.workspace.server.core.Replay;
import dev.workspace.server.core.SessionRef;
import dev.workspace.server.core.StreamKey;
import dev.workspace.server.core.WorkspaceCore;
import dev.workspace.server.edge.Authenticator;
import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import java.util.Collection;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One agent's session, whatever carries it: the state machine ({@code connect} first, then requests, then
 * closed), who the agent is and what it may do ({@link Access}), its subscription patterns, its limits
 * ({@link SessionLimits}), its token's expiry, and the order of what it is sent ({@link StreamGate}). It knows
 * nothing of sockets: a {@link Transport} carries its frames, and {@link Requests} turns each request into a
 * core call and the core's typed result into an ack.
 *
 * <p>Thread rules. A session belongs to the event loop of its transport ({@link Transport#context()}).
 * {@link #admit()}, {@link #receive(String)}, {@link #deliver(DeliveryBatch)}, {@link #close(short, String)},
 * {@link #transportClosed()} and {@link #slowConsumer()} must be called on that event loop. The
 * {@link SessionRef} methods ({@link #sessionId()}, {@link #workspace()}, {@link #agentId()},
 * {@link #deliveryAddress()}, {@link #accepts(String)}, {@link #patterns()}, {@link #hold(String)},
 * {@link #mayUseChannel(String)}, {@link #replaced()}) and {@link #isOpen()}, {@link #isClosed()} may be called
 * from any thread; they touch only thread-safe state, and {@link #replaced()} hops to the event loop before it
 * closes. A transport without a socket (a gateway acting for an outside caller) follows the same rules: it opens
 * the session with {@link SessionHost#open}, hands it frames on the session's event loop, and receives every
 * answer and delivery through {@link Transport#write(byte[])}.
 */
public final class Session implements SessionRef {
  private static final Logger LOG = LoggerFactory.getLogger(Session.class);

  private enum State { NEW, CONNECTING, OPEN, CLOSED }

  final SessionHost host;
  private final Transport transport;
  private final Context context;
  private final String sessionId = UUID.randomUUID().toString();
  final StreamGate gate;
  final SessionLimits limits;
  private final Requests requests;
  private final Opening opening;
  private final ReplayFilter replays;
  final Subscriptions subscriptions;
  private volatile ChannelPermissions permissions = ChannelPermissions.ALL;
  private volatile boolean replacedByOther;
  private volatile String workspace;
  private volatile String agentId;
  private volatile State state = State.NEW;

  Session(SessionHost host, Transport transport, String queryWorkspace, Authenticator.Identity handshakeIdentity) {
    this.host = host;
    this.transport = transport;
    this.context = transport.context();
    this.gate = new StreamGate(host.options().getOutboundQueueBytes());
    this.limits = new SessionLimits(host.options(), host.metrics(),
        () -> "session=" + sessionId + " agent=" + agentId + " remote=" + transport.remoteAddress(), System.nanoTime());
    this.subscriptions = new Subscriptions(limits);
    this.requests = new Requests(this, host.core());
    this.opening = new Opening(this, host, queryWorkspace, handshakeIdentity);
    this.replays = new ReplayFilter(host.codec().mapper().getFactory());
  }

  void start() {
    opening.startTimer();
  }

  @Override
  public String sessionId() {
    return sessionId;
  }

  @Override
  public String workspace() {
    return workspace;
  }

  @Override
  public String agentId() {
    return agentId;
  }

  @Override
  public String deliveryAddress() {
    return host.address();
  }

  @Override
  public boolean accepts(String eventName) {
    return subscriptions.accepts(eventName);
  }

  @Override
  public Collection<String> patterns() {
    return subscriptions.patterns();
  }

  @Override
  public void hold(String stream) {
    gate.hold(stream);
  }

  @Override
  public boolean mayUseChannel(String channel) {
    return permissions.allows(channel);
  }

  @Override
  public void replaced() {
    replacedByOther = true;
    context.runOnContext(v -> close(CloseCodes.REPLACED, "another connection took over agent '" + agentId + "'"));
  }

  /** @return whether {@code connect} succeeded and the session is not closed; any thread */
  public boolean isOpen() {
    return state == State.OPEN;
  }

  /**
   * Takes one incoming frame from the frame budget. A transport whose frames are not whole messages (a WebSocket,
   * whose control and continuation frames count too) calls this per frame; a session that keeps sending past the
   * budget is closed with 4008.
   *
   * @return whether the frame is within the budget and may be processed
   */
  public boolean admit() {
    SessionLimits.Admission admission = limits.admit(System.nanoTime());
    if (admission == SessionLimits.Admission.FLOOD) {
      close(CloseCodes.FLOODING, limits.floodReason());
    }
    return admission == SessionLimits.Admission.HANDLE;
  }

  /**
   * Handles one client frame, counted against the frame budget here ({@link #receive(String, boolean)} for a
   * transport that counts its own frames).
   *
   * @param text the frame's JSON text
   */
  public void receive(String text) {
    if (state != State.CLOSED) {
      receive(text, admit());
    }
  }

  /**
   * Handles one client frame: decodes and answers it (every request gets an ack or an error, and a mistake counts
   * towards the errors in a row), or refuses it with {@code rate_limited} when it was beyond the frame budget.
   *
   * @param text the frame's JSON text
   * @param admitted whether {@link #admit()} let it through
   */
  public void receive(String text, boolean admitted) {
    if (state == State.CLOSED) {
      return;
    }
    if (!admitted) {
      error(Requests.peekId(host.codec(), text), ErrorCode.RATE_LIMITED, limits.rateMessage());
      return;
    }
    try {
      handle(text);
    } catch (RuntimeException e) {
      LOG.error("frame of session {} failed", sessionId, e);
      error(null, ErrorCode.INTERNAL, "the server could not complete this request");
    }
  }

  private void handle(String text) {
    Frame.ClientFrame frame;
    try {
      frame = host.codec().decodeClient(text);
    } catch (ProtocolException e) {
      error(e.requestId(), e.code(), e.getMessage());
      return;
    }
    if (frame instanceof Frame.Pong) {
      return;
    }
    if (frame instanceof Frame.Ping p) {
      limits.answered();
      write(host.codec().encodeBytes(new Frame.Pong(p.id())));
    } else if (frame instanceof Frame.Connect c) {
      if (state != State.NEW) {
        error(c.id(), ErrorCode.ALREADY_CONNECTED, "this connection already sent connect");
        return;
      }
      state = State.CONNECTING;
      opening.start(c);
    } else if (state != State.OPEN) {
      error(frame.id(), ErrorCode.NOT_CONNECTED, "send connect first");
    } else {
      try {
        requests.dispatch(frame);
      } catch (ProtocolException e) {
        error(frame.id(), e.code(), e.getMessage());
      }
    }
  }

  /** The core accepted {@code connect}: the session opens, answers, and sends what it held. */
  void opened(String id, WorkspaceCore.Outcome<AckResult.Connected> outcome, Authenticator.Identity identity) {
    state = State.OPEN;
    opening.armExpiry(identity);
    ack(id, outcome.result().withSession(host.options().getPingInterval().toMillis(),
        host.options().getPingTimeout().toMillis(), subscriptions.patterns()));
    outcome.replays().forEach(this::release);
    gate.open(this::write);
    transport.opened();
    LOG.info("connected agent={} workspace={} session={} remote={}{}", agentId, workspace, sessionId,
        transport.remoteAddress(), identity != null ? " (token)" : "");
  }

  /** @return whether the session has ended; any thread */
  public boolean isClosed() {
    return state == State.CLOSED;
  }

  /** The checks of {@code connect} refused it, or the core could not start: a new {@code connect} may follow. */
  void connectRefused() {
    state = State.NEW;
    gate.cancelAll();
  }

  /** The checks of {@code connect} passed: the session is the agent's while the core attaches it. */
  void identified(String ws, String agent, ChannelPermissions allowed, List<String> initialPatterns) {
    state = State.CONNECTING;
    workspace = ws;
    agentId = agent;
    permissions = allowed;
    subscriptions.set(initialPatterns);
  }

  /**
   * Takes an event batch that reached this session's event loop.
   *
   * @param batch the batch
   */
  public void deliver(DeliveryBatch batch) {
    if (state != State.CLOSED && !gate.deliver(batch.stream(), batch.offset(), batch.frame(), this::write)) {
      slowConsumer();
    }
  }

  void release(Replay replay) {
    StreamKey key = StreamKey.parse(replay.stream());
    gate.release(replay, frame -> replays.accepts(this, key, frame), this::write, transport::writable);
  }

  /** The transport takes frames again: goes on with the replays waiting for room. */
  public void transportWritable() {
    if (state != State.CLOSED) {
      gate.resume(this::write, transport::writable);
    }
  }

  private boolean write(byte[] frame) {
    if (state == State.CLOSED) {
      return false;
    }
    if (!transport.write(frame)) {
      slowConsumer();
      return false;
    }
    return true;
  }

  void ack(String id, AckResult result) {
    limits.answered();
    write(host.codec().encodeAck(id, result));
  }

  void error(String id, ErrorCode code, String message) {
    write(host.codec().encodeBytes(new Frame.ErrorFrame(id, code, message)));
    int inRow = limits.erred(code);
    if (inRow > 0 && state != State.CLOSED) {
      close(CloseCodes.FLOODING, inRow + " errors in a row");
    }
  }

  <T> void onContext(Future<T> future, Handler<AsyncResult<T>> handler) {
    future.onComplete(ar -> {
      if (Vertx.currentContext() == context) {
        handler.handle(ar);
      } else {
        context.runOnContext(v -> handler.handle(ar));
      }
    });
  }

  ChannelPermissions permissions() {
    return permissions;
  }

  String remoteAddress() {
    return transport.remoteAddress();
  }

  boolean gateway() {
    return transport.gateway();
  }

  Context context() {
    return context;
  }

  /** Closes the session because its outbound queue or held events passed their bound. */
  public void slowConsumer() {
    if (state == State.CLOSED) {
      return;
    }
    host.metrics().slowConsumer();
    LOG.warn("closing slow consumer agent={} session={} held={} bytes", agentId, sessionId, gate.heldBytes());
    close(CloseCodes.SLOW_CONSUMER, "outbound queue passed " + host.options().getOutboundQueueBytes() + " bytes");
  }

  /**
   * Closes the transport with a code and ends the session.
   *
   * @param code the close code
   * @param reason why, for people; clipped to 120 characters
   */
  public void close(short code, String reason) {
    if (state == State.CLOSED) {
      return;
    }
    LOG.info("closing session={} agent={} code={} reason={}", sessionId, agentId, code, reason);
    transport.close(code, reason.length() <= 120 ? reason : reason.substring(0, 120));
    transportClosed();
  }

  /**
   * Lame duck: sends a {@code server.draining} event after everything already queued, then closes with 4009 once the
   * transport has written it, or after {@code timeoutMs}.
   *
   * @param nodeId this node's id, named in the event
   * @param timeoutMs the longest wait, in milliseconds
   * @return completes when the session is closed
   */
  public Future<Void> drain(String nodeId, long timeoutMs) {
    if (state == State.CLOSED) {
      return Future.succeededFuture();
    }
    Future<Void> written = state == State.OPEN
        ? transport.writeLast(DrainNotice.encode(host.codec(), agentId, nodeId, timeoutMs), timeoutMs)
        : Future.succeededFuture();
    return written.transform(ar -> {
      close(CloseCodes.DRAINING, "node draining: reconnect now");
      return Future.<Void>succeededFuture();
    });
  }

  /** Ends the session because its transport closed: the agent leaves, if this was its current session. */
  public void transportClosed() {
    if (state == State.CLOSED) {
      return;
    }
    State was = state;
    state = State.CLOSED;
    opening.cancelTimers();
    host.forget(this);
    if (was == State.OPEN || was == State.CONNECTING) {
      host.core().disconnect(this)
          .onFailure(e -> LOG.warn("cleanup of session {} failed: {}", sessionId, e.toString()));
      LOG.info("disconnected agent={} workspace={} session={}{}", agentId, workspace, sessionId,
          replacedByOther ? " (replaced)" : "");
    }
  }
}
