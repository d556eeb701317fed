package dev.workspace.server.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.workspace.model.EventNames;
import dev.workspace.server.core.DeliveryBatch;
import dev.workspace.server.core.SessionRef;
import dev.workspace.server.edge.Authenticator;
import dev.workspace.server.edge.FaceAccess;
import io.vertx.core.Context;
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
 * One MCP session: one agent of the workspace, a full member like a WebSocket session, whose deliveries land in a
 * bounded {@link McpInbox} that tools read, or go to the {@code ask_agent} call waiting for them.
 *
 * <p>Threads: the {@link SessionRef} methods may be called from any thread and touch only thread-safe state;
 * everything else runs on the session's event loop ({@link #context()}).
 */
final class McpSession implements SessionRef {
  private static final Logger LOG = LoggerFactory.getLogger(McpSession.class);
  /** Presence events are not kept in the inbox: they would crowd out what an agent must read. */
  static final Set<String> PRESENCE = Set.of(EventNames.AGENT_JOINED, EventNames.AGENT_LEFT,
      EventNames.CHANNEL_JOINED, EventNames.CHANNEL_LEFT);
  /** Most runs a session remembers for {@code get_run}. */
  static final int MAX_RUNS = 100;
  static final List<String> LOG_LEVELS = List.of("debug", "info", "notice", "warning", "error", "critical", "alert",
      "emergency");

  private final McpFace face;
  private final Context context;
  private final String sessionId = UUID.randomUUID().toString();
  private final String address;
  private final String workspace;
  private final String agentId;
  private final Authenticator.Identity identity;
  private final FaceAccess.Channels permissions;
  private final String protocolVersion;
  private final McpInbox inbox;
  private final FaceAccess.Budget budget;
  private final Map<String, McpReply> inFlight = new HashMap<>();
  private final Map<String, Runnable> cancels = new HashMap<>();
  private final List<Runnable> inboxWaiters = new ArrayList<>();
  private final Map<String, Consumer<ObjectNode>> runListeners = new HashMap<>();
  private final LinkedHashMap<String, RunView> runs = new LinkedHashMap<>();
  private volatile boolean closed;
  private volatile long lastUsed = System.nanoTime();
  private boolean open;
  private boolean inboxSubscribed;
  private boolean dropWarned;
  private int logLevel = 1;
  private SseStream stream;
  private long expiryTimer = -1;

  McpSession(McpFace face, Context context, String address, String workspace, String agentId,
      Authenticator.Identity identity, String protocolVersion) {
    this.face = face;
    this.context = context;
    this.address = address;
    this.workspace = workspace;
    this.agentId = agentId;
    this.identity = identity;
    this.permissions = FaceAccess.channels(identity);
    this.protocolVersion = protocolVersion;
    this.inbox = new McpInbox(face.mcpOptions().getInboxEvents(), face.mcpOptions().getInboxBytes());
    this.budget = new FaceAccess.Budget(face.mcpOptions().getRequestsPerSecond(), face.mcpOptions().getRequestBurst());
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
    return !PRESENCE.contains(eventName);
  }

  /** @return the channels the session is in, as the core keeps them (a read-only, thread-safe view) */
  public Set<String> channels() {
    return face.core().channelsOf(this);
  }

  @Override
  public void hold(String stream) {
    // A session never recovers from an offset: every attach starts at the stream's head, so the core replays
    // nothing and there is nothing to hold back.
  }

  @Override
  public boolean mayUseChannel(String channel) {
    return permissions.allows(channel);
  }

  @Override
  public void replaced() {
    context.runOnContext(v -> close("another session took over agent '" + agentId + "'"));
  }

  // ------------------------------------------------------------------ state (event loop)

  Context context() {
    return context;
  }

  Authenticator.Identity identity() {
    return identity;
  }

  FaceAccess.Channels permissions() {
    return permissions;
  }

  String protocolVersion() {
    return protocolVersion;
  }

  McpInbox inbox() {
    return inbox;
  }

  /** Reads the inbox; a later overflow is warned about again. */
  McpInbox.Read read(Long after, Predicate<String> filter, int limit) {
    dropWarned = false;
    return inbox.read(after, filter, limit);
  }

  McpFace face() {
    return face;
  }

  boolean isClosed() {
    return closed;
  }

  void opened(long expiresAt) {
    open = true;
    if (expiresAt > 0) {
      expiryTimer = face.vertx().setTimer(Math.max(1, expiresAt - System.currentTimeMillis()), t -> {
        expiryTimer = -1;
        close("token expired");
      });
    }
  }

  /** Marks a request: the idle time to live counts from here. */
  void touch() {
    lastUsed = System.nanoTime();
  }

  /** @return whether the session has been idle past its time to live (an open stream or a call keeps it) */
  boolean expired(long now, long ttlNanos) {
    return (stream == null || !stream.isOpen()) && inFlight.isEmpty() && now - lastUsed > ttlNanos;
  }

  boolean tryTakeRequest() {
    return budget.tryTake();
  }

  /**
   * @param key the request id as text
   * @param reply its answer
   * @return whether it may start (false when the session has as many calls in flight as allowed)
   */
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
    SseStream s = new SseStream(response, sessionId, true);
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

  /** An event batch for this session reached its event loop. */
  void deliver(DeliveryBatch batch) {
    if (closed) {
      return;
    }
    ObjectNode event;
    try {
      JsonNode frame = face.codec().mapper().readTree(batch.frame());
      if (!(frame.get("event") instanceof ObjectNode e)) {
        return;
      }
      event = e;
    } catch (IOException e) {
      LOG.warn("undecodable delivery to MCP session {}: {}", sessionId, e.toString());
      return;
    }
    String name = event.path("event_name").asText();
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
    inbox.add(event.path("event_id").asText(null), name, event, batch.frame().length);
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

  /**
   * Runs {@code action} once when the next event lands in the inbox. Each waiter re-checks its own filter.
   *
   * @param action what to run
   */
  void onInboxEvent(Runnable action) {
    inboxWaiters.add(action);
  }

  void removeInboxWaiter(Runnable action) {
    inboxWaiters.remove(action);
  }

  // ------------------------------------------------------------------ runs

  /** Starts remembering a run this session asked for. */
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

  /**
   * Ends the session: the agent leaves the workspace, calls in flight end, the GET stream closes.
   *
   * @param reason why, for the log
   */
  void close(String reason) {
    if (closed) {
      return;
    }
    closed = true;
    if (expiryTimer >= 0) {
      face.vertx().cancelTimer(expiryTimer);
    }
    for (McpReply r : new ArrayList<>(inFlight.values())) {
      r.error(JsonRpc.SESSION_NOT_FOUND, "the session ended: " + reason);
    }
    inFlight.clear();
    cancels.clear();
    inboxWaiters.clear();
    runListeners.clear();
    if (stream != null) {
      stream.end();
      stream = null;
    }
    face.forget(this);
    if (open) {
      face.core().disconnect(this).onFailure(e -> LOG.warn("cleanup of MCP session {} failed: {}", sessionId,
          e.toString()));
    }
    LOG.info("MCP session closed agent={} workspace={} session={}: {}", agentId, workspace, sessionId, reason);
  }
}
