package dev.workspace.server.edge;

import com.fasterxml.jackson.databind.JsonNode;
import dev.workspace.model.AckResult;
import dev.workspace.model.CloseCodes;
import dev.workspace.model.Destination;
import dev.workspace.model.ErrorCode;
import dev.workspace.model.Frame;
import dev.workspace.model.Ids;
import dev.workspace.model.Patterns;
import dev.workspace.model.ProtocolException;
import dev.workspace.model.SubscriptionTrie;
import dev.workspace.server.core.DeliveryBatch;
import dev.workspace.server.core.Replay;
import dev.workspace.server.core.SessionRef;
import dev.workspace.server.core.WorkspaceCore;
import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.internal.http.WebSocketInternal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One WebSocket connection and the agent session on it: who it is (authentication), what it may do (channel
 * permissions, limits), and the translation between frames and the router. Everything here runs on the
 * connection's event loop but for the {@link SessionRef} methods the router calls from other threads, which touch
 * only thread-safe state.
 */
final class Connection implements SessionRef {
  private static final Logger LOG = LoggerFactory.getLogger(Connection.class);

  private enum State { NEW, CONNECTING, OPEN, CLOSED }

  private final EdgeContext edge;
  private final Vertx vertx;
  private final Context context;
  private final ServerWebSocket socket;
  private final String address;
  private final String queryWorkspace;
  private final Authenticator.Identity handshakeIdentity;
  private final String remote;
  private final MessageAssembler assembler;
  private final ReplayFilter replayFilter;
  private final TokenBucket frameBudget;
  private final TokenBucket refusedBudget;
  private final Set<String> joining = new java.util.HashSet<>();
  private final String sessionId = UUID.randomUUID().toString();
  private final Set<String> channels = ConcurrentHashMap.newKeySet();
  private final Map<String, List<Held>> held = new ConcurrentHashMap<>();
  private final Map<String, Long> lastOffsets = new HashMap<>();
  private final Set<String> patterns = new LinkedHashSet<>();
  private final List<byte[]> beforeOpen = new ArrayList<>();
  private final java.util.ArrayDeque<ReplayCursor> replays = new java.util.ArrayDeque<>();
  private boolean pumping;
  private volatile SubscriptionTrie<Boolean> trie = new SubscriptionTrie<>();
  private volatile boolean replacedByOther;

  private State state = State.NEW;
  private String workspace;
  private String agentId;
  private FrameWriter out;
  private long heldBytes;
  private long lastSeen = System.nanoTime();
  private long handshakeTimer = -1;
  private long pingTimer = -1;
  private long expiryTimer = -1;
  private volatile ChannelPermissions permissions = ChannelPermissions.ALL;
  private int errorsInRow;
  private boolean rateLimited;

  private record Held(long offset, byte[] frame) {
  }

  /** A replay being written: the next frame to consider and the last offset sent or skipped. */
  private static final class ReplayCursor {
    final Replay replay;
    final dev.workspace.server.core.StreamKey key;
    int next;
    long last;

    ReplayCursor(Replay replay, dev.workspace.server.core.StreamKey key, long last) {
      this.replay = replay;
      this.key = key;
      this.last = last;
    }
  }

  Connection(EdgeContext edge, Vertx vertx, Context context, ServerWebSocket socket, String address,
      String queryWorkspace, Authenticator.Identity handshakeIdentity) {
    this.edge = edge;
    this.vertx = vertx;
    this.context = context;
    this.socket = socket;
    this.address = address;
    this.queryWorkspace = queryWorkspace;
    this.handshakeIdentity = handshakeIdentity;
    this.remote = String.valueOf(socket.remoteAddress());
    this.replayFilter = new ReplayFilter(edge.codec().mapper().getFactory());
    this.assembler = new MessageAssembler(edge.options().getMaxMessageSize(), new MessageAssembler.Sink() {
      @Override
      public void message(String text, boolean admitted) {
        onText(text, admitted);
      }

      @Override
      public void violation(short code, String reason) {
        edge.metrics().limitHit("protocol_" + code);
        LOG.warn("protocol violation session={} agent={} remote={}: {}", sessionId, agentId, remote, reason);
        close(code, reason);
      }
    });
    int rate = edge.options().getMaxFramesPerSecond();
    long now = System.nanoTime();
    this.frameBudget = rate == 0 ? null : new TokenBucket(rate, edge.options().getFrameBurst(), now);
    this.refusedBudget = rate == 0 ? null : new TokenBucket(rate, edge.options().getFrameBurst(), now);
  }

  void start() {
    out = new FrameWriter(((WebSocketInternal) socket).channelHandlerContext(), edge.options().getOutboundQueueBytes());
    FrameGuard.install(socket, new FrameGuard.Listener() {
      @Override
      public void ping(io.vertx.core.buffer.Buffer payload) {
        onPing(payload);
      }

      @Override
      public void writable() {
        if (!replays.isEmpty()) {
          pumpReplays();
        }
      }

      @Override
      public void violation(short code, String reason) {
        edge.metrics().limitHit("protocol_" + code);
        LOG.warn("protocol violation session={} agent={} remote={}: {}", sessionId, agentId, remote, reason);
        close(code, reason);
      }
    });
    socket.frameHandler(this::onFrame);
    socket.exceptionHandler(this::onSocketError);
    socket.closeHandler(v -> onClosed());
    handshakeTimer = vertx.setTimer(edge.options().getHandshakeTimeout().toMillis(), t -> {
      handshakeTimer = -1;
      if (state == State.NEW || state == State.CONNECTING) {
        close(CloseCodes.HANDSHAKE_TIMEOUT, "no connect within " + edge.options().getHandshakeTimeout().toMillis() + " ms");
      }
    });
  }

  // ------------------------------------------------------------------ SessionRef (any thread)

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
    return address;
  }

  @Override
  public boolean accepts(String eventName) {
    return trie.matches(eventName);
  }

  @Override
  public java.util.Collection<String> patterns() {
    return List.copyOf(patterns);
  }

  @Override
  public Set<String> channels() {
    return channels;
  }

  @Override
  public void hold(String stream) {
    held.putIfAbsent(stream, new ArrayList<>());
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

  // ------------------------------------------------------------------ inbound

  private void onSocketError(Throwable e) {
    if (e instanceof CorruptedWebSocketFrameException corrupted) {
      short code = (short) corrupted.closeStatus().code();
      edge.metrics().limitHit("protocol_" + code);
      LOG.warn("protocol violation session={} agent={} remote={}: {}", sessionId, agentId, remote, e.getMessage());
      close(code, code == CloseCodes.MESSAGE_TOO_BIG
          ? "frame larger than " + edge.options().getMaxFrameSize() + " bytes" : "malformed WebSocket frame");
      // Vert.x closes the channel as soon as this handler returns. When the bad frame came in the same read as an
      // earlier good one, the close frame is still waiting for the end-of-read flush and would be dropped, so the
      // peer would see 1006 instead of the code: push it out now.
      if (socket instanceof WebSocketInternal internal) {
        internal.channelHandlerContext().flush();
      }
    } else {
      LOG.debug("connection {} error: {}", sessionId, e.toString());
    }
  }

  /** Every frame but a ping (see {@link #onPing}) and a close: each one counts against the frame budget. */
  private void onFrame(io.vertx.core.http.WebSocketFrame frame) {
    if (frame.isClose()) {
      return;
    }
    lastSeen = System.nanoTime();
    if (state == State.CLOSED) {
      return;
    }
    boolean admitted = admit(lastSeen);
    if (state != State.CLOSED) {
      assembler.feed(frame, admitted);
    }
  }

  /** A WebSocket PING, before or after connect: answered with a PONG when within the frame budget. */
  private void onPing(io.vertx.core.buffer.Buffer payload) {
    lastSeen = System.nanoTime();
    if (state == State.CLOSED || !admit(lastSeen)) {
      return;
    }
    if (!out.writePong(payload.getBytes())) {
      slow();
    }
  }

  /**
   * Takes one frame from the budget. A frame beyond it draws on the refused budget, and a connection that
   * exhausts that too is closed with 4008.
   *
   * @return whether the frame may be processed
   */
  private boolean admit(long now) {
    if (frameBudget == null || frameBudget.tryTake(now)) {
      rateLimited = false;
      return true;
    }
    int rate = edge.options().getMaxFramesPerSecond();
    if (!refusedBudget.tryTake(now)) {
      edge.metrics().limitHit("flood");
      LOG.warn("closing flooding connection session={} agent={} remote={}: kept sending past {} frames per second",
          sessionId, agentId, remote, rate);
      close(CloseCodes.FLOODING, "flooding: kept sending past " + rate + " frames per second");
      return false;
    }
    if (!rateLimited) {
      rateLimited = true;
      edge.metrics().limitHit("rate");
      LOG.info("rate limit reached session={} agent={} remote={} limit={}/s burst={}", sessionId, agentId, remote,
          rate, edge.options().getFrameBurst());
    }
    return false;
  }

  private void onText(String text, boolean admitted) {
    if (state == State.CLOSED) {
      return;
    }
    if (!admitted) {
      int rate = edge.options().getMaxFramesPerSecond();
      sendError(peekId(text), ErrorCode.RATE_LIMITED, "more than " + rate + " frames per second (burst "
          + edge.options().getFrameBurst() + "); this frame was not processed");
      return;
    }
    try {
      handle(text);
    } catch (RuntimeException e) {
      LOG.error("frame of session {} failed", sessionId, e);
      sendError(null, ErrorCode.INTERNAL, "the server could not complete this request");
    }
  }

  private String peekId(String text) {
    try {
      JsonNode id = edge.codec().parseObject(text).get("id");
      return id != null && id.isTextual() && !id.asText().isEmpty()
          && id.asText().length() <= dev.workspace.model.FrameCodec.MAX_ID_LENGTH ? id.asText() : null;
    } catch (ProtocolException e) {
      return null;
    }
  }

  private void handle(String text) {
    Frame.ClientFrame frame;
    try {
      frame = edge.codec().decodeClient(text);
    } catch (ProtocolException e) {
      sendError(e.requestId(), e.code(), e.getMessage());
      return;
    }
    if (frame instanceof Frame.Pong) {
      return;
    }
    if (frame instanceof Frame.Ping p) {
      send(new Frame.Pong(p.id()));
      return;
    }
    if (frame instanceof Frame.Connect c) {
      if (state != State.NEW) {
        sendError(c.id(), ErrorCode.ALREADY_CONNECTED, "this connection already sent connect");
        return;
      }
      onConnect(c);
      return;
    }
    if (state != State.OPEN) {
      sendError(frame.id(), ErrorCode.NOT_CONNECTED, "send connect first");
      return;
    }
    try {
      dispatch(frame);
    } catch (ProtocolException e) {
      sendError(frame.id(), e.code(), e.getMessage());
    }
  }

  private void dispatch(Frame.ClientFrame frame) {
    WorkspaceCore core = edge.core();
    String id = frame.id();
    if (frame instanceof Frame.Publish p) {
      publish(id, p);
    } else if (frame instanceof Frame.Subscribe s) {
      subscribe(id, s.patterns());
    } else if (frame instanceof Frame.Unsubscribe u) {
      unsubscribe(id, u.patterns());
    } else if (frame instanceof Frame.Join j) {
      join(id, j);
    } else if (frame instanceof Frame.Leave l) {
      answer(id, core.leave(this, l.channel()));
    } else if (frame instanceof Frame.History h) {
      requireAllowed(h.channel());
      answer(id, core.history(workspace, h.channel(), h.before(), h.after(), h.limit()));
    } else if (frame instanceof Frame.ListAgents a) {
      answer(id, core.agents(workspace, a.capability()));
    } else if (frame instanceof Frame.ListChannels) {
      ChannelPermissions allowed = permissions;
      answer(id, core.channels(workspace).map(allowed::filterChannelList));
    } else if (frame instanceof Frame.Members m) {
      requireAllowed(m.channel());
      answer(id, core.members(workspace, m.channel()));
    } else if (frame instanceof Frame.GetRun r) {
      answer(id, core.getRun(this, r.runId(), r.afterSeq()));
    } else if (frame instanceof Frame.UpdateMetadata u) {
      answer(id, core.updateMetadata(this, u.metadata()));
    } else {
      sendError(id, ErrorCode.UNKNOWN_TYPE, "unexpected frame");
    }
  }

  private void publish(String id, Frame.Publish p) {
    Destination destination = p.event().destination();
    if (destination.kind() == Destination.Kind.CHANNEL && !permissions.allows(destination.name())) {
      refuseEvent(id, p, new ProtocolException(ErrorCode.FORBIDDEN,
          "the token does not allow channel '" + destination.name() + "'"));
      return;
    }
    onContext(edge.core().publish(this, p.event()), ar -> {
      if (ar.succeeded()) {
        sendAck(id, ar.result());
      } else if (ar.cause() instanceof ProtocolException pe && pe.code() == ErrorCode.FORBIDDEN) {
        refuseEvent(id, p, pe);
      } else {
        fail(id, ar.cause());
      }
    });
  }

  private void refuseEvent(String id, Frame.Publish p, ProtocolException e) {
    edge.metrics().refusedEvent();
    LOG.info("refused event session={} agent={} name={} destination={}: {}", sessionId, agentId,
        p.event().eventName(), p.event().destinationId(), e.getMessage());
    sendError(id, e.code(), e.getMessage());
  }

  private void join(String id, Frame.Join j) {
    String channel = Ids.requireChannel(j.channel());
    requireAllowed(channel);
    if (!channels.contains(channel) && !joining.contains(channel)) {
      int max = edge.options().getMaxChannelsPerConnection();
      long pending = joining.stream().filter(c -> !channels.contains(c)).count();
      if (channels.size() + pending >= max) {
        edge.metrics().limitHit("channels");
        throw new ProtocolException(ErrorCode.LIMIT_EXCEEDED, "a connection may be in at most " + max + " channels");
      }
    }
    joining.add(channel);
    onContext(edge.core().join(this, channel, j.since()), ar -> {
      joining.remove(channel);
      if (ar.succeeded()) {
        sendAck(id, ar.result().result());
        ar.result().replays().forEach(this::release);
      } else {
        held.remove(dev.workspace.server.core.StreamKey.channel(channel).toString());
        fail(id, ar.cause());
      }
    });
  }

  private void requireAllowed(String channel) {
    Ids.requireChannel(channel);
    if (!permissions.allows(channel)) {
      LOG.info("refused channel session={} agent={} channel={}", sessionId, agentId, channel);
      throw new ProtocolException(ErrorCode.FORBIDDEN, "the token does not allow channel '" + channel + "'");
    }
  }

  private void onConnect(Frame.Connect c) {
    Authenticator auth = edge.authenticator();
    if (!auth.required()) {
      open(c, null);
    } else if (c.token() != null) {
      state = State.CONNECTING;
      onContext(auth.verify(c.token()), ar -> {
        if (state == State.CLOSED) {
          return;
        }
        state = State.NEW;
        if (ar.failed()) {
          refuseCredentials(c.id(), ar.cause());
        } else if (handshakeIdentity != null && (!handshakeIdentity.agentId().equals(ar.result().agentId())
            || !handshakeIdentity.workspace().equals(ar.result().workspace()))) {
          refuseCredentials(c.id(), new ProtocolException(ErrorCode.UNAUTHORIZED,
              "the token in connect differs from the one given at the handshake"));
        } else {
          open(c, ar.result());
        }
      });
    } else if (handshakeIdentity != null) {
      open(c, handshakeIdentity);
    } else {
      refuseCredentials(c.id(), new ProtocolException(ErrorCode.UNAUTHORIZED, "this server requires a token: "
          + "send it as Authorization: Bearer, as the token query parameter, or in connect's token field"));
    }
  }

  private void refuseCredentials(String id, Throwable cause) {
    edge.metrics().authFailure();
    String reason;
    if (cause instanceof ProtocolException pe) {
      reason = pe.getMessage();
    } else {
      LOG.error("checking the token of session {} failed", sessionId, cause);
      reason = "the token could not be checked";
    }
    LOG.warn("authentication failed session={} remote={}: {}", sessionId, remote, reason);
    sendError(id, ErrorCode.UNAUTHORIZED, reason);
    close(CloseCodes.UNAUTHORIZED, "unauthorized");
  }

  private void open(Frame.Connect c, Authenticator.Identity identity) {
    String ws = c.workspace() != null ? c.workspace() : queryWorkspace != null ? queryWorkspace
        : identity != null ? identity.workspace() : Ids.DEFAULT_WORKSPACE;
    ChannelPermissions allowed = ChannelPermissions.of(identity == null ? null : identity.channelPatterns());
    String agent;
    try {
      Ids.requireWorkspace(ws);
      if (c.workspace() != null && queryWorkspace != null && !c.workspace().equals(queryWorkspace)) {
        throw new ProtocolException(ErrorCode.INVALID_FRAME, "workspace in connect differs from the URL's");
      }
      if (identity != null && !ws.equals(identity.workspace())) {
        edge.metrics().authFailure();
        LOG.warn("refused workspace session={} agent={} remote={}: token is for another workspace", sessionId,
            identity.agentId(), remote);
        sendError(c.id(), ErrorCode.FORBIDDEN, "the token does not allow workspace '" + ws + "'");
        close(CloseCodes.FORBIDDEN_WORKSPACE, "workspace not allowed");
        return;
      }
      agent = c.agentId() != null ? c.agentId() : identity != null ? identity.agentId() : null;
      if (agent == null) {
        throw new ProtocolException(ErrorCode.INVALID_FRAME, "agent_id is required");
      }
      Ids.requireAgentId(agent);
      if (identity != null && !agent.equals(identity.agentId())) {
        LOG.warn("refused agent_id session={} remote={}: token names another agent", sessionId, remote);
        throw new ProtocolException(ErrorCode.FORBIDDEN, "agent_id '" + agent + "' is not the token's agent");
      }
      if (c.recover() != null) {
        for (String ch : c.recover().channels().keySet()) {
          Ids.requireChannel(ch);
          if (!allowed.allows(ch)) {
            throw new ProtocolException(ErrorCode.FORBIDDEN, "the token does not allow channel '" + ch + "'");
          }
        }
        int max = edge.options().getMaxChannelsPerConnection();
        if (c.recover().channels().size() > max) {
          throw new ProtocolException(ErrorCode.LIMIT_EXCEEDED, "a connection may be in at most " + max + " channels");
        }
      }
      List<String> initial = c.subscriptions() == null ? List.of(Patterns.ALL) : c.subscriptions();
      checkPatterns(initial, new LinkedHashSet<>(initial).size());
      patterns.clear();
      patterns.addAll(initial);
      trie = SubscriptionTrie.of(patterns);
    } catch (ProtocolException e) {
      sendError(c.id(), e.code(), e.getMessage());
      return;
    }
    state = State.CONNECTING;
    workspace = ws;
    agentId = agent;
    permissions = allowed;
    long expiresAt = identity == null ? 0 : identity.expiresAt();
    Future<WorkspaceCore.Outcome<AckResult.Connected>> connected;
    try {
      connected = edge.core().connect(this, c.metadata(), c.recover());
    } catch (ProtocolException e) {
      state = State.NEW;
      held.clear();
      sendError(c.id(), e.code(), e.getMessage());
      return;
    }
    onContext(connected, ar -> {
      if (state == State.CLOSED) {
        return;
      }
      if (ar.failed()) {
        edge.core().disconnect(this);
        state = State.NEW;
        held.clear();
        channels.clear();
        fail(c.id(), ar.cause());
        return;
      }
      state = State.OPEN;
      cancelHandshakeTimer();
      if (expiresAt > 0) {
        expiryTimer = vertx.setTimer(Math.max(1, expiresAt - System.currentTimeMillis()), t -> {
          expiryTimer = -1;
          LOG.info("token expired session={} agent={} workspace={}", sessionId, agentId, workspace);
          close(CloseCodes.TOKEN_EXPIRED, "token expired");
        });
      }
      sendAck(c.id(), ar.result().result().withSession(edge.options().getPingInterval().toMillis(),
          edge.options().getPingTimeout().toMillis(), List.copyOf(patterns)));
      ar.result().replays().forEach(this::release);
      for (byte[] frame : beforeOpen) {
        heldBytes -= frame.length;
        write(frame);
      }
      beforeOpen.clear();
      startPings();
      LOG.info("connected agent={} workspace={} session={} remote={}{}", agentId, workspace, sessionId, remote,
          identity != null ? " (token)" : "");
    });
  }

  private void subscribe(String id, List<String> add) {
    Set<String> next = new LinkedHashSet<>(patterns);
    next.addAll(add);
    checkPatterns(add, next.size());
    patterns.clear();
    patterns.addAll(next);
    trie = SubscriptionTrie.of(patterns);
    edge.core().subscriptionsChanged(this);
    sendAck(id, new AckResult.Subscriptions(List.copyOf(patterns)));
  }

  private void unsubscribe(String id, List<String> remove) {
    for (String p : remove) {
      checkPattern(p);
    }
    patterns.removeAll(remove);
    trie = SubscriptionTrie.of(patterns);
    edge.core().subscriptionsChanged(this);
    sendAck(id, new AckResult.Subscriptions(List.copyOf(patterns)));
  }

  private void checkPatterns(List<String> list, int total) {
    for (String p : list) {
      checkPattern(p);
    }
    if (total > edge.options().getMaxSubscriptions()) {
      edge.metrics().limitHit("subscriptions");
      throw new ProtocolException(ErrorCode.LIMIT_EXCEEDED,
          "a connection holds at most " + edge.options().getMaxSubscriptions() + " patterns");
    }
  }

  private void checkPattern(String p) {
    int maxLength = edge.options().getMaxPatternLength();
    int maxSegments = edge.options().getMaxPatternSegments();
    if (p != null && p.length() > maxLength) {
      edge.metrics().limitHit("pattern_length");
      throw new ProtocolException(ErrorCode.LIMIT_EXCEEDED,
          "pattern is " + p.length() + " characters, the limit is " + maxLength);
    }
    if (p != null) {
      int segments = 1;
      for (int i = 0; i < p.length(); i++) {
        if (p.charAt(i) == '.') {
          segments++;
        }
      }
      if (segments > maxSegments) {
        edge.metrics().limitHit("pattern_segments");
        throw new ProtocolException(ErrorCode.LIMIT_EXCEEDED,
            "pattern has " + segments + " segments, the limit is " + maxSegments);
      }
    }
    Patterns.validate(p, Integer.MAX_VALUE, Integer.MAX_VALUE);
  }

  // ------------------------------------------------------------------ outbound

  /** Writes an event batch that reached this connection's event loop. */
  void deliver(DeliveryBatch batch) {
    if (state == State.CLOSED) {
      return;
    }
    String stream = batch.stream();
    if (stream == null && state != State.OPEN) {
      beforeOpen.add(batch.frame());
      heldBytes += batch.frame().length;
      if (heldBytes > edge.options().getOutboundQueueBytes()) {
        slow();
      }
      return;
    }
    if (stream != null) {
      List<Held> buffer = held.get(stream);
      if (buffer != null) {
        buffer.add(new Held(batch.offset(), batch.frame()));
        heldBytes += batch.frame().length;
        if (heldBytes > edge.options().getOutboundQueueBytes()) {
          slow();
        }
        return;
      }
      Long last = lastOffsets.get(stream);
      if (last != null && batch.offset() <= last) {
        return;
      }
      lastOffsets.put(stream, batch.offset());
    }
    write(batch.frame());
  }

  /**
   * Queues a stream's replay. Replays are written one stream after another, each frame only while the channel is
   * writable (what waits for the socket is under Netty's high-water mark, far below the outbound bound), and resumed
   * when it becomes writable again: a reader that keeps up receives every missed event, however many. Live events
   * of the stream stay held until its replay ends.
   */
  private void release(Replay replay) {
    replays.add(new ReplayCursor(replay, dev.workspace.server.core.StreamKey.parse(replay.stream()),
        lastOffsets.getOrDefault(replay.stream(), -1L)));
    pumpReplays();
  }

  private void pumpReplays() {
    if (pumping) {
      return;
    }
    pumping = true;
    try {
      ReplayCursor r;
      while ((r = replays.peek()) != null && state != State.CLOSED) {
        List<byte[]> frames = r.replay.frames();
        while (r.next < frames.size()) {
          if (!out.writable()) {
            return;
          }
          int i = r.next++;
          long offset = r.replay.offsets().get(i);
          if (offset > r.last) {
            if (replayFilter.accepts(this, r.key, frames.get(i))) {
              write(frames.get(i));
            }
            r.last = offset;
          }
        }
        replays.poll();
        finishReplay(r.replay.stream(), Math.max(r.last, r.replay.position()));
      }
    } finally {
      pumping = false;
    }
  }

  private void finishReplay(String stream, long replayed) {
    long last = replayed;
    List<Held> buffer = held.remove(stream);
    if (buffer != null) {
      for (Held h : buffer) {
        heldBytes -= h.frame().length;
        if (h.offset() > last) {
          write(h.frame());
          last = h.offset();
        }
      }
    }
    lastOffsets.put(stream, last);
  }

  private void write(byte[] frame) {
    if (state == State.CLOSED) {
      return;
    }
    if (!out.write(frame)) {
      slow();
    }
  }

  private void slow() {
    edge.metrics().slowConsumer();
    LOG.warn("closing slow consumer agent={} session={} queued={} bytes", agentId, sessionId, out.queuedBytes());
    close(CloseCodes.SLOW_CONSUMER, "outbound queue passed " + edge.options().getOutboundQueueBytes() + " bytes");
  }

  private void sendAck(String id, AckResult result) {
    errorsInRow = 0;
    write(edge.codec().encodeAck(id, result));
  }

  private void send(Frame.ServerFrame frame) {
    if (frame instanceof Frame.Ack || frame instanceof Frame.Pong) {
      errorsInRow = 0;
    }
    write(edge.codec().encodeBytes(frame));
  }

  private void sendError(String id, ErrorCode code, String message) {
    edge.metrics().error(code);
    send(new Frame.ErrorFrame(id, code, message));
    if (isMistake(code) && ++errorsInRow >= edge.options().getMaxErrorsInRow() && state != State.CLOSED) {
      edge.metrics().limitHit("errors_in_row");
      LOG.warn("closing session={} agent={} remote={}: {} errors in a row", sessionId, agentId, remote, errorsInRow);
      close(CloseCodes.FLOODING, errorsInRow + " errors in a row");
    }
  }

  /** Errors that say the client did something wrong, as opposed to the state of the world or the server. */
  private static boolean isMistake(ErrorCode code) {
    return code != ErrorCode.NOT_FOUND && code != ErrorCode.RATE_LIMITED && code != ErrorCode.UNAVAILABLE
        && code != ErrorCode.INTERNAL;
  }

  private void answer(String id, Future<? extends AckResult> result) {
    onContext(result, ar -> {
      if (ar.succeeded()) {
        sendAck(id, ar.result());
      } else {
        fail(id, ar.cause());
      }
    });
  }

  private void fail(String id, Throwable cause) {
    if (cause instanceof ProtocolException pe) {
      sendError(id, pe.code(), pe.getMessage());
    } else {
      LOG.error("request {} of session {} failed", id, sessionId, cause);
      sendError(id, ErrorCode.INTERNAL, "the server could not complete this request");
    }
  }

  private <T> void onContext(Future<T> future, Handler<AsyncResult<T>> handler) {
    future.onComplete(ar -> {
      if (Vertx.currentContext() == context) {
        handler.handle(ar);
      } else {
        context.runOnContext(v -> handler.handle(ar));
      }
    });
  }

  // ------------------------------------------------------------------ keep-alive and closing

  private void startPings() {
    long interval = edge.options().getPingInterval().toMillis();
    long timeout = edge.options().getPingTimeout().toMillis();
    pingTimer = vertx.setPeriodic(interval, t -> {
      long sentAt = System.nanoTime();
      send(new Frame.Ping(null));
      vertx.setTimer(timeout, t2 -> {
        if (state == State.OPEN && lastSeen < sentAt) {
          close(CloseCodes.PING_TIMEOUT, "no pong within " + timeout + " ms");
        }
      });
    });
  }

  private void cancelHandshakeTimer() {
    if (handshakeTimer >= 0) {
      vertx.cancelTimer(handshakeTimer);
      handshakeTimer = -1;
    }
  }

  void close(short code, String reason) {
    if (state == State.CLOSED) {
      return;
    }
    LOG.info("closing session={} agent={} code={} reason={}", sessionId, agentId, code, reason);
    socket.close(code, reason.length() <= 120 ? reason : reason.substring(0, 120));
    onClosed();
  }

  private void onClosed() {
    if (state == State.CLOSED) {
      return;
    }
    State was = state;
    state = State.CLOSED;
    cancelHandshakeTimer();
    if (pingTimer >= 0) {
      vertx.cancelTimer(pingTimer);
    }
    if (expiryTimer >= 0) {
      vertx.cancelTimer(expiryTimer);
    }
    edge.forget(this);
    if (was == State.OPEN || was == State.CONNECTING) {
      edge.core().disconnect(this).onFailure(e -> LOG.warn("cleanup of session {} failed: {}", sessionId, e.toString()));
      LOG.info("disconnected agent={} workspace={} session={}{}", agentId, workspace, sessionId,
          replacedByOther ? " (replaced)" : "");
    }
  }
}
