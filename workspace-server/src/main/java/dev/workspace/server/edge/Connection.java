package dev.workspace.server.edge;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.workspace.model.CloseCodes;
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
import io.vertx.core.http.ServerWebSocket;
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
 * One WebSocket connection and the agent session on it. Everything here runs on the connection's event loop but
 * for the {@link SessionRef} methods the router calls from other threads, which touch only thread-safe state.
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
  private final String sessionId = UUID.randomUUID().toString();
  private final Set<String> channels = ConcurrentHashMap.newKeySet();
  private final Map<String, List<Held>> held = new ConcurrentHashMap<>();
  private final Map<String, Long> lastOffsets = new HashMap<>();
  private final Set<String> patterns = new LinkedHashSet<>();
  private final List<byte[]> beforeOpen = new ArrayList<>();
  private volatile SubscriptionTrie<Boolean> trie = new SubscriptionTrie<>();
  private volatile boolean replacedByOther;

  private State state = State.NEW;
  private String workspace;
  private String agentId;
  private long pendingBytes;
  private long heldBytes;
  private long lastSeen = System.nanoTime();
  private long handshakeTimer = -1;
  private long pingTimer = -1;

  private record Held(long offset, byte[] frame) {
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
  }

  void start() {
    socket.textMessageHandler(this::onText);
    socket.binaryMessageHandler(b -> close(CloseCodes.UNSUPPORTED_DATA, "binary frames are not accepted"));
    socket.exceptionHandler(e -> LOG.debug("connection {} error: {}", sessionId, e.toString()));
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
  public Set<String> channels() {
    return channels;
  }

  @Override
  public void hold(String stream) {
    held.putIfAbsent(stream, new ArrayList<>());
  }

  @Override
  public void replaced() {
    replacedByOther = true;
    context.runOnContext(v -> close(CloseCodes.REPLACED, "another connection took over agent '" + agentId + "'"));
  }

  // ------------------------------------------------------------------ inbound

  private void onText(String text) {
    lastSeen = System.nanoTime();
    if (state == State.CLOSED) {
      return;
    }
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
      answer(id, core.publish(this, p.event()));
    } else if (frame instanceof Frame.Subscribe s) {
      subscribe(id, s.patterns());
    } else if (frame instanceof Frame.Unsubscribe u) {
      unsubscribe(id, u.patterns());
    } else if (frame instanceof Frame.Join j) {
      Ids.requireChannel(j.channel());
      onContext(core.join(this, j.channel(), j.since()), ar -> {
        if (ar.succeeded()) {
          send(new Frame.Ack(id, ar.result().result()));
          ar.result().replays().forEach(this::release);
        } else {
          held.remove(dev.workspace.server.core.StreamKey.channel(j.channel()).toString());
          fail(id, ar.cause());
        }
      });
    } else if (frame instanceof Frame.Leave l) {
      answer(id, core.leave(this, l.channel()));
    } else if (frame instanceof Frame.History h) {
      answer(id, core.history(workspace, h.channel(), h.before(), h.after(), h.limit()));
    } else if (frame instanceof Frame.ListAgents a) {
      answer(id, core.agents(workspace, a.capability()));
    } else if (frame instanceof Frame.ListChannels) {
      answer(id, core.channels(workspace));
    } else if (frame instanceof Frame.Members m) {
      answer(id, core.members(workspace, m.channel()));
    } else {
      sendError(id, ErrorCode.UNKNOWN_TYPE, "unexpected frame");
    }
  }

  private void onConnect(Frame.Connect c) {
    String ws = c.workspace() != null ? c.workspace() : queryWorkspace != null ? queryWorkspace : Ids.DEFAULT_WORKSPACE;
    try {
      Ids.requireWorkspace(ws);
      if (c.workspace() != null && queryWorkspace != null && !c.workspace().equals(queryWorkspace)) {
        throw new ProtocolException(ErrorCode.INVALID_FRAME, "workspace in connect differs from the URL's");
      }
      if (c.agentId() == null) {
        throw new ProtocolException(ErrorCode.INVALID_FRAME, "agent_id is required");
      }
      Ids.requireAgentId(c.agentId());
      List<String> initial = c.subscriptions() == null ? List.of(Patterns.ALL) : c.subscriptions();
      checkPatterns(initial, initial.size());
      patterns.addAll(initial);
      trie = SubscriptionTrie.of(patterns);
    } catch (ProtocolException e) {
      sendError(c.id(), e.code(), e.getMessage());
      return;
    }
    state = State.CONNECTING;
    workspace = ws;
    agentId = c.agentId();
    Future<WorkspaceCore.Outcome> connected;
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
      ObjectNode result = ar.result().result();
      result.put("ping_interval_ms", edge.options().getPingInterval().toMillis());
      result.put("ping_timeout_ms", edge.options().getPingTimeout().toMillis());
      result.set("subscriptions", subscriptionsNode());
      send(new Frame.Ack(c.id(), result));
      ar.result().replays().forEach(this::release);
      for (byte[] frame : beforeOpen) {
        heldBytes -= frame.length;
        write(frame);
      }
      beforeOpen.clear();
      startPings();
      LOG.info("connected agent={} workspace={} session={}", agentId, workspace, sessionId);
    });
  }

  private void subscribe(String id, List<String> add) {
    Set<String> next = new LinkedHashSet<>(patterns);
    next.addAll(add);
    checkPatterns(add, next.size());
    patterns.clear();
    patterns.addAll(next);
    trie = SubscriptionTrie.of(patterns);
    send(new Frame.Ack(id, edge.codec().mapper().createObjectNode().set("subscriptions", subscriptionsNode())));
  }

  private void unsubscribe(String id, List<String> remove) {
    for (String p : remove) {
      Patterns.validate(p);
    }
    patterns.removeAll(remove);
    trie = SubscriptionTrie.of(patterns);
    send(new Frame.Ack(id, edge.codec().mapper().createObjectNode().set("subscriptions", subscriptionsNode())));
  }

  private void checkPatterns(List<String> list, int total) {
    for (String p : list) {
      Patterns.validate(p);
    }
    if (total > edge.options().getMaxSubscriptions()) {
      throw new ProtocolException(ErrorCode.LIMIT_EXCEEDED,
          "a connection holds at most " + edge.options().getMaxSubscriptions() + " patterns");
    }
  }

  private com.fasterxml.jackson.databind.node.ArrayNode subscriptionsNode() {
    com.fasterxml.jackson.databind.node.ArrayNode arr = edge.codec().mapper().createArrayNode();
    patterns.forEach(arr::add);
    return arr;
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

  private void release(Replay replay) {
    long last = lastOffsets.getOrDefault(replay.stream(), -1L);
    for (int i = 0; i < replay.frames().size(); i++) {
      long offset = replay.offsets().get(i);
      if (offset > last) {
        write(replay.frames().get(i));
        last = offset;
      }
    }
    last = Math.max(last, replay.position());
    List<Held> buffer = held.remove(replay.stream());
    if (buffer != null) {
      for (Held h : buffer) {
        heldBytes -= h.frame().length;
        if (h.offset() > last) {
          write(h.frame());
          last = h.offset();
        }
      }
    }
    lastOffsets.put(replay.stream(), last);
  }

  private void write(byte[] frame) {
    if (state == State.CLOSED) {
      return;
    }
    int size = frame.length;
    pendingBytes += size;
    if (pendingBytes > edge.options().getOutboundQueueBytes()) {
      slow();
      return;
    }
    socket.writeFrame(TextFrames.of(frame)).onComplete(ar -> pendingBytes -= size);
  }

  private void slow() {
    edge.metrics().slowConsumer();
    LOG.warn("closing slow consumer agent={} session={} queued={} bytes", agentId, sessionId, pendingBytes);
    close(CloseCodes.SLOW_CONSUMER, "outbound queue passed " + edge.options().getOutboundQueueBytes() + " bytes");
  }

  private void send(Frame.ServerFrame frame) {
    write(edge.codec().encodeBytes(frame));
  }

  private void sendError(String id, ErrorCode code, String message) {
    edge.metrics().error(code);
    send(new Frame.ErrorFrame(id, code, message));
  }

  private void answer(String id, Future<ObjectNode> result) {
    onContext(result, ar -> {
      if (ar.succeeded()) {
        send(new Frame.Ack(id, ar.result()));
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
    socket.close(code, reason);
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
    edge.forget(this);
    if (was == State.OPEN || was == State.CONNECTING) {
      edge.core().disconnect(this).onFailure(e -> LOG.warn("cleanup of session {} failed: {}", sessionId, e.toString()));
      LOG.info("disconnected agent={} workspace={} session={}{}", agentId, workspace, sessionId,
          replacedByOther ? " (replaced)" : "");
    }
  }
}
