package dev.workspace.server.mcp;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.workspace.model.ErrorCode;
import dev.workspace.model.EventNames;
import dev.workspace.server.edge.Authenticator;
import dev.workspace.server.edge.JsonRpc;
import dev.workspace.server.edge.SseStream;
import dev.workspace.server.session.Session;
import dev.workspace.server.session.Transport;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.http.HttpServerResponse;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One MCP session: the {@link Transport} of one workspace {@link Session}, with no socket. Tools become the
 * session's own request frames ({@code join}, {@code publish}, {@code history}, ...), so the session applies every
 * rule it applies to a WebSocket (identity, channel permissions, limits); the acks come back to the waiting tool,
 * and the events it is sent land in a bounded {@link McpInbox} that {@code wait_for_events} reads, or go to the
 * {@code ask_agent} call waiting for them.
 *
 * <p>Threads: everything runs on the session's event loop ({@link #context()}) but {@link #isClosed()} and the ids.
 */
final class McpSession implements Transport {
  private static final Logger LOG = LoggerFactory.getLogger(McpSession.class);
  /** Presence events are not kept in the inbox: they would crowd out what an agent must read. */
  static final Set<String> PRESENCE = Set.of(EventNames.AGENT_JOINED, EventNames.AGENT_LEFT,
      EventNames.CHANNEL_JOINED, EventNames.CHANNEL_LEFT);
  /** Most runs a session follows for {@code answer} and {@code cancel_run}. */
  static final int MAX_RUNS = 100;
  static final List<String> LOG_LEVELS = List.of("debug", "info", "notice", "warning", "error", "critical", "alert",
      "emergency");

  private final McpFace face;
  private final Context context;
  private final String mcpSessionId = UUID.randomUUID().toString();
  private final String workspace;
  private final String agentId;
  private final Authenticator.Identity identity;
  private final String protocolVersion;
  private final String remote;
  private final McpInbox inbox;
  private final dev.workspace.server.session.FrameExchange exchange;
  private final Map<String, McpReply> inFlight = new HashMap<>();
  private final Map<String, Runnable> cancels = new HashMap<>();
  private final List<Runnable> inboxWaiters = new ArrayList<>();
  private final Map<String, Consumer<ObjectNode>> runListeners = new HashMap<>();
  private final LinkedHashMap<String, RunView> runs = new LinkedHashMap<>();
  private final java.util.Set<String> joined = new java.util.HashSet<>();
  private Session session;
  private volatile boolean closed;
  private volatile long lastUsed = System.nanoTime();
  private boolean inboxSubscribed;
  private boolean dropWarned;
  private int logLevel = 1;
  private SseStream stream;

  McpSession(McpFace face, Context context, String workspace, String agentId, Authenticator.Identity identity,
      String protocolVersion, String remote) {
    this.face = face;
    this.context = context;
    this.workspace = workspace;
    this.agentId = agentId;
    this.identity = identity;
    this.protocolVersion = protocolVersion;
    this.remote = remote;
    this.inbox = new McpInbox(face.mcpOptions().getInboxEvents(), face.mcpOptions().getInboxBytes());
    this.exchange = new dev.workspace.server.session.FrameExchange(face.codec().mapper(), "m");
  }

  // ------------------------------------------------------------------ Transport (event loop)

  @Override
  public boolean write(byte[] frame) {
    try {
      exchange.read(frame, this::received, e -> log("error", e.code().wireName() + ": " + e.getMessage()));
    } catch (IOException e) {
      LOG.warn("undecodable frame for MCP session {}: {}", mcpSessionId, e.toString());
    }
    return true;
  }

  @Override
  public void close(short code, String reason) {
    ended(reason);
  }

  @Override
  public Context context() {
    return context;
  }

  @Override
  public String remoteAddress() {
    return remote;
  }

  // ------------------------------------------------------------------ requests to the session

  void attach(Session session) {
    this.session = session;
  }

  /**
   * Sends one request frame to the session.
   *
   * @param frame the frame without its {@code id}
   * @return the ack's {@code result}, or a failure with the error's code and message
   */
  Future<ObjectNode> request(ObjectNode frame) {
    return exchange.request(closed ? null : session, frame);
  }

  /** @return a frame of this type, to fill in and pass to {@link #request} */
  static ObjectNode frame(String type) {
    return JsonRpc.JSON.objectNode().put("type", type);
  }

  /** Takes one request from the session's frame budget: the session's own rate limit. */
  boolean admit() {
    return session != null && session.admit();
  }

  // ------------------------------------------------------------------ state (event loop)

  String mcpSessionId() {
    return mcpSessionId;
  }

  String workspace() {
    return workspace;
  }

  String agentId() {
    return agentId;
  }

  Authenticator.Identity identity() {
    return identity;
  }

  String protocolVersion() {
    return protocolVersion;
  }

  McpInbox inbox() {
    return inbox;
  }

  McpFace face() {
    return face;
  }

  /** @return whether the session is over; any thread */
  boolean isClosed() {
    return closed;
  }

  /** @return the channels this session joined through its tools */
  java.util.Set<String> joined() {
    return joined;
  }

  /** Reads the inbox; a later overflow is warned about again. */
  McpInbox.Read read(Long after, Predicate<String> filter, int limit) {
    dropWarned = false;
    return inbox.read(after, filter, limit);
  }

  /** Marks a request: the idle time to live counts from here. */
  void touch() {
    lastUsed = System.nanoTime();
  }

  /** @return whether the session has been idle past its time to live (an open stream or a call keeps it) */
  boolean expired(long now, long ttlNanos) {
    return (stream == null || !stream.isOpen()) && inFlight.isEmpty() && now - lastUsed > ttlNanos;
  }

  boolean startCall(String key, McpReply reply) {
    if (inFlight.size() >= face.mcpOptions().getMaxCallsInFlight()) {
      return false;
    }
    inFlight.put(key, reply);
    return true;
  }

  void endCall(String key) {
    inFlight.remove(key);
    cancels.remove(key);
  }

  boolean inFlight(String key) {
    return inFlight.containsKey(key);
  }

  /** Registers what a {@code notifications/cancelled} for this request does. */
  void onCancel(String key, Runnable action) {
    if (inFlight.containsKey(key)) {
      cancels.put(key, action);
    }
  }

  /** The client cancelled a request: its cancel action runs and its answer ends without a result. */
  void cancel(String key) {
    Runnable action = cancels.remove(key);
    McpReply reply = inFlight.remove(key);
    if (action != null) {
      action.run();
    }
    if (reply != null) {
      reply.abandon();
    }
  }

  // ------------------------------------------------------------------ server-to-client stream

  /**
   * Opens the GET stream.
   *
   * @param response the GET's response
   * @return whether it opened (false when one is open already)
   */
  boolean openStream(HttpServerResponse response) {
    if (stream != null && stream.isOpen()) {
      return false;
    }
    SseStream s = new SseStream(response, java.util.Map.of(McpEndpoint.SESSION_HEADER, mcpSessionId), true, "message");
    stream = s;
    long timer = face.vertx().setPeriodic(face.mcpOptions().getKeepalive().toMillis(), t -> s.keepalive());
    response.closeHandler(v -> context.runOnContext(x -> {
      face.vertx().cancelTimer(timer);
      if (stream == s) {
        stream = null;
        touch();
      }
    }));
    return true;
  }

  /** Sends a notification on the GET stream, if one is open; dropped when the client does not read it. */
  void notifyClient(ObjectNode notification) {
    if (stream != null && stream.isOpen()) {
      stream.send(notification, true);
    }
  }

  void subscribeInbox(boolean on) {
    inboxSubscribed = on;
  }

  /**
   * @param level an MCP log level
   * @return whether it is one
   */
  boolean setLogLevel(String level) {
    int i = LOG_LEVELS.indexOf(level);
    if (i < 0) {
      return false;
    }
    logLevel = i;
    return true;
  }

  /** Sends {@code notifications/message} on the GET stream when the level is at or above the client's. */
  void log(String level, String message) {
    if (LOG_LEVELS.indexOf(level) >= logLevel) {
      ObjectNode params = JsonRpc.JSON.objectNode().put("level", level).put("logger", "workspace");
      params.put("data", message);
      notifyClient(JsonRpc.notification("notifications/message", params));
    }
  }

  // ------------------------------------------------------------------ deliveries

  private void received(ObjectNode event, int size) {
    String name = event.path("event_name").asText();
    if (PRESENCE.contains(name)) {
      return;
    }
    String responseTo = event.path("response_to").asText(null);
    if (responseTo != null) {
      RunView run = runs.get(responseTo);
      if (run != null) {
        run.record(event);
      }
      Consumer<ObjectNode> listener = runListeners.get(responseTo);
      if (listener != null) {
        listener.accept(event);
        return;
      }
    }
    long before = inbox.droppedTotal();
    inbox.add(event.path("event_id").asText(null), name, event, size);
    if (inbox.droppedTotal() > before && !dropWarned) {
      dropWarned = true;
      face.access().limitHit("mcp_inbox");
      log("warning", "the inbox is full (" + face.mcpOptions().getInboxEvents() + " events or "
          + face.mcpOptions().getInboxBytes() + " bytes): the oldest events are dropped; wait_for_events reports"
          + " how many");
    }
    if (!inboxWaiters.isEmpty()) {
      List<Runnable> ready = new ArrayList<>(inboxWaiters);
      inboxWaiters.clear();
      ready.forEach(Runnable::run);
    }
    if (inboxSubscribed) {
      notifyClient(JsonRpc.notification("notifications/resources/updated",
          JsonRpc.JSON.objectNode().put("uri", McpResources.INBOX_URI)));
    }
  }

  /** Runs {@code action} once when the next event lands in the inbox. */
  void onInboxEvent(Runnable action) {
    inboxWaiters.add(action);
  }

  void removeInboxWaiter(Runnable action) {
    inboxWaiters.remove(action);
  }

  // ------------------------------------------------------------------ runs

  /** Starts following a run this session asked for. */
  RunView track(String runId, String target) {
    RunView run = new RunView(runId, target);
    runs.put(runId, run);
    if (runs.size() > MAX_RUNS) {
      Iterator<RunView> it = runs.values().iterator();
      it.next();
      it.remove();
    }
    return run;
  }

  RunView run(String runId) {
    return runs.get(runId);
  }

  /** Sends the events answering a run to {@code listener} instead of the inbox, until {@link #unlisten}. */
  void listen(String runId, Consumer<ObjectNode> listener) {
    runListeners.put(runId, listener);
  }

  void unlisten(String runId) {
    runListeners.remove(runId);
  }

  // ------------------------------------------------------------------ closing

  /** Ends the session from the MCP side ({@code DELETE}, idle time to live, node stopping). */
  void close(String reason) {
    if (closed) {
      return;
    }
    if (session != null) {
      session.close(dev.workspace.model.CloseCodes.GOING_AWAY, reason);
    }
    ended(reason);
  }

  /** The session ended, for whatever reason: calls in flight end, the GET stream closes, the table forgets it. */
  private void ended(String reason) {
    if (closed) {
      return;
    }
    closed = true;
    for (McpReply r : new ArrayList<>(inFlight.values())) {
      r.error(McpEndpoint.SESSION_NOT_FOUND, "the session ended: " + reason);
    }
    inFlight.clear();
    cancels.clear();
    exchange.failAll(ErrorCode.NOT_CONNECTED, "the session ended: " + reason);
    inboxWaiters.clear();
    runListeners.clear();
    if (stream != null) {
      stream.end();
      stream = null;
    }
    face.forget(this);
    LOG.info("MCP session closed agent={} workspace={} session={}: {}", agentId, workspace, mcpSessionId, reason);
  }
}
