package dev.workspace.client.impl;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.workspace.client.AgentClient;
import dev.workspace.client.AgentClientOptions;
import dev.workspace.client.AgentInfo;
import dev.workspace.client.ChannelInfo;
import dev.workspace.client.FailureKind;
import dev.workspace.client.HistoryPage;
import dev.workspace.client.HistoryQuery;
import dev.workspace.client.LifecycleEvent;
import dev.workspace.client.PublishResult;
import dev.workspace.client.Registration;
import dev.workspace.client.SessionInfo;
import dev.workspace.client.Workspace;
import dev.workspace.client.WorkspaceException;
import dev.workspace.client.WorkspaceFiles;
import dev.workspace.model.CloseCodes;
import dev.workspace.model.Destination;
import dev.workspace.model.ErrorCode;
import dev.workspace.model.Event;
import dev.workspace.model.EventNames;
import dev.workspace.model.Frame;
import dev.workspace.model.FrameCodec;
import dev.workspace.model.Ids;
import dev.workspace.model.Patterns;
import dev.workspace.model.ProtocolException;
import dev.workspace.model.StreamPosition;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Queue;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * The {@link AgentClient} over one Vert.x WebSocket. Every mutable field is confined to {@link #context}, except the
 * event waiters, which {@link #waitEvent} registers from the calling thread.
 */
public final class AgentClientImpl implements AgentClient {
  private static final System.Logger LOG = System.getLogger(AgentClient.class.getName());
  /** Largest frame and message accepted from the server: history pages can be large. */
  private static final int MAX_MESSAGE_BYTES = 16 * 1024 * 1024;
  /** How long a close handshake may take before the socket is dropped, in seconds. */
  private static final int CLOSING_TIMEOUT_SECONDS = 2;
  /** The close code reported when a connection ended without a close frame, or was found dead. */
  private static final int ABNORMAL_CLOSURE = 1006;
  /** Close codes after which reconnecting cannot succeed. */
  private static final Set<Integer> NO_RECONNECT = Set.of((int) CloseCodes.UNAUTHORIZED,
      (int) CloseCodes.TOKEN_EXPIRED, (int) CloseCodes.REPLACED, (int) CloseCodes.FORBIDDEN_WORKSPACE,
      (int) CloseCodes.POLICY_VIOLATION);

  private enum State { IDLE, CONNECTING, OPEN, RECONNECTING, CLOSED }

  private record Target(ServerAddress address, String agentId, ObjectNode metadata, String workspace) {
    String describe() {
      return address + (agentId == null ? "" : " as " + agentId);
    }
  }

  private static final class Connection {
    final WebSocket ws;
    final String connectId;
    final boolean recovering;
    long connectTimer = -1;
    long livenessTimer = -1;
    long windowMs;
    long lastHeardNanos = System.nanoTime();
    boolean open;
    boolean lost;

    Connection(WebSocket ws, String connectId, boolean recovering) {
      this.ws = ws;
      this.connectId = connectId;
      this.recovering = recovering;
    }
  }

  private static final class PendingRequest {
    final Frame.ClientFrame frame;
    final String what;
    final Promise<ObjectNode> promise = Promise.promise();
    long timer;
    boolean sent;

    PendingRequest(Frame.ClientFrame frame, String what) {
      this.frame = frame;
      this.what = what;
    }
  }

  private static final class ReplyWaiter {
    final String target;
    final Promise<Event> promise = Promise.promise();
    long timer;

    ReplyWaiter(String target) {
      this.target = target;
    }
  }

  private static final class EventWaiter {
    final Predicate<Event> predicate;
    final long timeoutMs;
    final Promise<Event> promise = Promise.promise();
    volatile boolean settled;
    long timer = -1;

    EventWaiter(Predicate<Event> predicate, long timeoutMs) {
      this.predicate = predicate;
      this.timeoutMs = timeoutMs;
    }
  }

  private final class HandlerRegistration implements Registration {
    final EventHandlers.Entry entry;

    HandlerRegistration(EventHandlers.Entry entry) {
      this.entry = entry;
    }

    @Override
    public List<String> patterns() {
      return entry.patterns;
    }

    @Override
    public Future<Void> unregister() {
      if (closing.get()) {
        return Future.succeededFuture();
      }
      return onContext(() -> {
        if (!handlers.remove(entry)) {
          return Future.succeededFuture();
        }
        return changeSubscriptions(false, subscriptions.release(entry.patterns)).mapEmpty();
      });
    }
  }

  private final Vertx vertx;
  private final boolean ownsVertx;
  private final Context context;
  private final AgentClientOptions options;
  private final long requestTimeoutMs;
  private final FrameCodec codec = FrameCodec.DEFAULT;
  private final WebSocketClient webSocketClient;
  private final FilesImpl files;
  private final Backoff backoff;
  private final DedupeWindow dedupe;
  private final EventHandlers handlers = new EventHandlers();
  private final SubscriptionCounts subscriptions;
  private final StreamPositions positions = new StreamPositions();
  private final ChannelBackfill backfill = new ChannelBackfill(
      (channel, after, limit) -> history(channel, HistoryQuery.after(after, limit)),
      new ChannelBackfill.Sink() {
        @Override
        public void deliver(Event event) {
          dispatchEvent(event);
        }

        @Override
        public void gap(String stream, long missed) {
          emit(LifecycleEvent.gap(stream, missed));
        }
      });
  private final Map<String, PendingRequest> requests = new LinkedHashMap<>();
  private final Map<String, ReplyWaiter> replyWaiters = new HashMap<>();
  private final Queue<EventWaiter> eventWaiters = new ConcurrentLinkedQueue<>();
  private final AtomicInteger eventWaiterCount = new AtomicInteger();
  private final AtomicBoolean closing = new AtomicBoolean();
  private final Promise<Void> closed = Promise.promise();
  private final Workspace workspace = new WorkspaceImpl(this);
  private final ClientRuns runs;

  private volatile State state = State.IDLE;
  private volatile SessionInfo session;
  private volatile Handler<LifecycleEvent> lifecycleHandler;
  private Target target;
  private Connection connection;
  private Promise<SessionInfo> connectPromise;
  private long requestSeq;
  private int unsentRequests;
  private int reconnectAttempt;
  private ServerList servers;
  private long reconnectTimer = -1;

  private AgentClientImpl(Vertx vertx, boolean ownsVertx, AgentClientOptions options) {
    this.vertx = vertx;
    this.ownsVertx = ownsVertx;
    this.options = options;
    this.context = vertx.getOrCreateContext();
    this.requestTimeoutMs = options.getRequestTimeout().toMillis();
    this.files = new FilesImpl(vertx, this::filesEndpoint);
    this.webSocketClient = vertx.createWebSocketClient(new WebSocketClientOptions()
        .setMaxFrameSize(MAX_MESSAGE_BYTES)
        .setMaxMessageSize(MAX_MESSAGE_BYTES)
        .setClosingTimeout(CLOSING_TIMEOUT_SECONDS));
    this.backoff = new Backoff(options.getReconnectInitialDelay(), options.getReconnectMaxDelay(), new Random());
    this.dedupe = new DedupeWindow(options.getDedupeWindowSize());
    this.runs = new ClientRuns(this, vertx);
    this.subscriptions = new SubscriptionCounts(
        options.getSubscriptions() == null ? List.of(Patterns.ALL) : options.getSubscriptions());
  }

  /**
   * Creates a client.
   *
   * @param vertx the caller's Vert.x, or {@code null} for one the client creates and closes
   * @param options the options, copied
   * @return the client
   */
  public static AgentClient create(Vertx vertx, AgentClientOptions options) {
    AgentClientOptions copy = new AgentClientOptions(Objects.requireNonNull(options, "options"));
    return vertx == null ? new AgentClientImpl(Vertx.vertx(), true, copy) : new AgentClientImpl(vertx, false, copy);
  }

  // ------------------------------------------------------------------ connecting

  @Override
  public Future<SessionInfo> connectToServer(String host, int port, ObjectNode metadata) {
    return connectToServer(host, port, null, metadata);
  }

  @Override
  public Future<SessionInfo> connectToServer(String host, int port, Map<String, ?> metadata) {
    return connectToServer(host, port, null, metadata);
  }

  @Override
  public Future<SessionInfo> connectToServer(String host, int port, String agentId, Map<String, ?> metadata) {
    ObjectNode node;
    try {
      node = metadata == null ? null : codec.mapper().valueToTree(metadata);
    } catch (IllegalArgumentException e) {
      return invalid("connect failed: metadata cannot be converted to JSON: " + e.getMessage());
    }
    return connectToServer(host, port, agentId, node);
  }

  @Override
  public Future<SessionInfo> connectToServer(String host, int port, String agentId, ObjectNode metadata) {
    Objects.requireNonNull(host, "host");
    URI uri;
    try {
      uri = new URI("ws", null, host, port, ServerAddress.DEFAULT_PATH, null, null);
    } catch (URISyntaxException e) {
      return invalid("connect failed: bad server address " + host + ":" + port + ": " + e.getMessage());
    }
    return connect(uri, agentId, metadata);
  }

  @Override
  public Future<SessionInfo> connect(String uri) {
    Objects.requireNonNull(uri, "uri");
    try {
      return connect(new URI(uri));
    } catch (URISyntaxException e) {
      return invalid("connect failed: bad server URI: " + e.getMessage());
    }
  }

  @Override
  public Future<SessionInfo> connect(URI uri) {
    return connect(Objects.requireNonNull(uri, "uri"), null, null);
  }

  private Future<SessionInfo> connect(URI uri, String agentId, ObjectNode metadata) {
    ObjectNode meta = metadata != null ? metadata.deepCopy() : options.getMetadata();
    return onContext(() -> openSession(uri, agentId, meta));
  }

  private Future<SessionInfo> openSession(URI uri, String agentIdArg, ObjectNode metadata) {
    if (state != State.IDLE) {
      return invalid("connect failed: the client is already connected or connecting to " + target.describe()
          + "; create another client to open a second session");
    }
    ServerAddress address;
    try {
      address = ServerAddress.parse(uri);
    } catch (IllegalArgumentException e) {
      return invalid("connect failed: bad server URI '" + uri.getScheme() + "://" + uri.getAuthority() + "': "
          + e.getMessage());
    }
    String agentId = agentIdArg != null ? agentIdArg : options.getAgentId();
    if (agentId == null && options.getToken() == null) {
      return invalid("connect failed: no agent id: set it with AgentClientOptions.setAgentId, pass it to "
          + "connectToServer, or use a token that names the agent");
    }
    String ws = address.workspace() != null ? address.workspace() : options.getWorkspace();
    try {
      if (agentId != null) {
        Ids.requireAgentId(agentId);
      }
      Ids.requireWorkspace(ws);
    } catch (ProtocolException e) {
      return Future.failedFuture(refused("connect failed: ", e));
    }
    target = new Target(address, agentId, metadata, ws);
    servers = ServerList.of(address, options.getServers());
    positions.reset();
    connectPromise = Promise.promise();
    state = State.CONNECTING;
    openSocket();
    return connectPromise.future();
  }

  private void openSocket() {
    ServerAddress address = target.address();
    WebSocketConnectOptions connectOptions = new WebSocketConnectOptions()
        .setHost(address.host())
        .setPort(address.port())
        .setSsl(address.ssl())
        .setURI(address.requestUri())
        .setConnectTimeout(requestTimeoutMs)
        .setTimeout(requestTimeoutMs);
    if (options.getToken() != null) {
      connectOptions.putHeader("Authorization", "Bearer " + options.getToken());
    }
    boolean recovering = connectPromise == null;
    webSocketClient.connect(connectOptions).onComplete(ar -> {
      if (state == State.CLOSED) {
        if (ar.succeeded()) {
          ar.result().close();
        }
      } else if (ar.failed()) {
        attemptFailed(failureOf(ar.cause(), address));
      } else {
        startSession(ar.result(), recovering);
      }
    });
  }

  private static WorkspaceException failureOf(Throwable cause, ServerAddress address) {
    if (cause instanceof UpgradeRejectedException rejected) {
      int status = rejected.getStatus();
      FailureKind kind;
      if (status == 401) {
        kind = FailureKind.UNAUTHORIZED;
      } else if (status == 403 || status == 429) {
        kind = FailureKind.REJECTED;
      } else if (status >= 500) {
        kind = FailureKind.UNAVAILABLE;
      } else {
        kind = FailureKind.INVALID;
      }
      return new WorkspaceException(kind, "the server at " + address + " refused the WebSocket handshake with HTTP "
          + status);
    }
    return new WorkspaceException(FailureKind.UNAVAILABLE, "cannot reach " + address + ": " + cause.getMessage());
  }

  private void startSession(WebSocket ws, boolean recovering) {
    Connection c = new Connection(ws, nextRequestId(), recovering);
    connection = c;
    ws.textMessageHandler(text -> onText(c, text));
    ws.binaryMessageHandler(b -> LOG.log(System.Logger.Level.WARNING, "ignoring a binary message from the server"));
    ws.exceptionHandler(t -> LOG.log(System.Logger.Level.DEBUG, "WebSocket error", t));
    ws.closeHandler(v -> onSocketClosed(c));
    Target t = target;
    write(c, new Frame.Connect(c.connectId, t.workspace(), t.agentId(), null, t.metadata(), subscriptions.wanted(),
        recovering ? positions.recovery() : null));
    c.connectTimer = vertx.setTimer(requestTimeoutMs, id -> {
      c.connectTimer = -1;
      if (!c.lost && !c.open) {
        connectFailed(c, new WorkspaceException(FailureKind.TIMEOUT,
            "no ack to connect from " + t.describe() + " within " + requestTimeoutMs + " ms"));
      }
    });
  }

  private void sessionOpened(Connection c, ObjectNode result) {
    cancelTimer(c.connectTimer);
    c.connectTimer = -1;
    c.open = true;
    Target t = target;
    SessionInfo s = AckResults.session(result, t.agentId(), t.workspace());
    target = new Target(t.address(), s.agentId(), t.metadata(), s.workspace());
    session = s;
    state = State.OPEN;
    reconnectAttempt = 0;
    StreamPositions.Outcome outcome = positions.sessionOpened(AckResults.position(result.get("inbox")),
        AckResults.position(result.get("broadcast")), AckResults.channelPositions(result),
        c.recovering ? AckResults.recovery(result) : null);
    c.windowMs = s.pingInterval().toMillis() + s.pingTimeout().toMillis();
    armLiveness(c, c.windowMs);
    for (PendingRequest r : requests.values()) {
      if (!r.sent) {
        r.sent = true;
        write(c, r.frame);
      }
    }
    unsentRequests = 0;
    Promise<SessionInfo> p = connectPromise;
    connectPromise = null;
    if (p == null) {
      emit(LifecycleEvent.Type.RECONNECTED, -1, "session " + s.sessionId());
    } else {
      emit(LifecycleEvent.Type.CONNECTED, -1, "session " + s.sessionId());
    }
    if (outcome != null) {
      emit(new LifecycleEvent(LifecycleEvent.Type.RECOVERED, -1, "", outcome.channels(), outcome.inbox(),
          outcome.broadcast()));
      backfill.recovered(outcome);
    }
    if (p != null) {
      p.complete(s);
    }
  }

  /** The connection failed before its session opened. */
  private void connectFailed(Connection c, WorkspaceException failure) {
    abandon(c, "connect failed");
    attemptFailed(failure);
  }

  private void attemptFailed(WorkspaceException failure) {
    Promise<SessionInfo> p = connectPromise;
    if (p != null) {
      connectPromise = null;
      state = State.IDLE;
      List<PendingRequest> failed = takeRequests(false);
      failEach(failed, "failed: the connection could not be opened (" + failure.getMessage() + ")");
      p.fail(failure);
    } else if (failure.kind() == FailureKind.UNAVAILABLE || failure.kind() == FailureKind.TIMEOUT) {
      LOG.log(System.Logger.Level.DEBUG, "reconnect attempt failed: " + failure.getMessage());
      moveToNextServer();
      scheduleReconnect();
    } else {
      stop(-1, failure.getMessage(), false);
    }
  }

  private void scheduleReconnect() {
    state = State.RECONNECTING;
    long delay = backoff.delayMillis(reconnectAttempt);
    reconnectAttempt = Math.min(reconnectAttempt + 1, Long.SIZE);
    reconnectTimer = vertx.setTimer(Math.max(1, delay), id -> {
      reconnectTimer = -1;
      if (state == State.RECONNECTING) {
        openSocket();
      }
    });
  }

  /** After a node said it is stopping: at once, to the next server when there are several. */
  private void reconnectElsewhere() {
    moveToNextServer();
    state = State.RECONNECTING;
    reconnectTimer = vertx.setTimer(1, id -> {
      reconnectTimer = -1;
      if (state == State.RECONNECTING) {
        openSocket();
      }
    });
  }

  private void moveToNextServer() {
    ServerAddress next = servers.next(target.address());
    if (!next.equals(target.address())) {
      Target t = target;
      target = new Target(next, t.agentId(), t.metadata(), t.workspace());
    }
  }

  // ------------------------------------------------------------------ losing the connection

  private void onSocketClosed(Connection c) {
    if (c.lost) {
      return;
    }
    Short status = c.ws.closeStatusCode();
    int code = status == null ? ABNORMAL_CLOSURE : status;
    String reason = c.ws.closeReason() == null ? "" : c.ws.closeReason();
    if (c.open) {
      sessionLost(c, code, reason);
    } else {
      FailureKind kind;
      if (code == CloseCodes.UNAUTHORIZED || code == CloseCodes.TOKEN_EXPIRED) {
        kind = FailureKind.UNAUTHORIZED;
      } else if (NO_RECONNECT.contains(code)) {
        kind = FailureKind.REJECTED;
      } else {
        kind = FailureKind.UNAVAILABLE;
      }
      connectFailed(c, new WorkspaceException(kind, "the server at " + target.address()
          + " closed the connection before the session opened (" + describeClose(code, reason) + ")"));
    }
  }

  private void sessionLost(Connection c, int code, String reason) {
    abandon(c, "connection lost");
    if (!options.isReconnect() || NO_RECONNECT.contains(code)) {
      stop(code, reason, true);
      return;
    }
    List<PendingRequest> inFlight = takeRequests(true);
    reconnectAttempt = 0;
    if (code == CloseCodes.DRAINING) {
      reconnectElsewhere();
    } else {
      scheduleReconnect();
    }
    failEach(inFlight, "failed: the connection was lost before the ack (" + describeClose(code, reason)
        + "); it may or may not have taken effect");
    emit(LifecycleEvent.Type.DISCONNECTED, code, reason);
  }

  /**
   * Stops for good after the server ended the session, or refused to open a new one: every pending call fails. The
   * state changes before any callback runs, so callbacks see a client that is not connected.
   */
  private void stop(int code, String reason, boolean wasOpen) {
    state = State.IDLE;
    session = null;
    List<PendingRequest> pending = takeRequests(false);
    List<ReplyWaiter> replies = takeReplyWaiters();
    List<EventWaiter> waiters = takeEventWaiters();
    String why = "the connection ended (" + (code < 0 ? reason : describeClose(code, reason))
        + ") and the client does not reconnect";
    failEach(pending, "failed: " + why);
    WorkspaceException failure = new WorkspaceException(FailureKind.DISCONNECTED, why);
    replies.forEach(w -> w.promise.fail(failure));
    waiters.forEach(w -> w.promise.fail(failure));
    if (wasOpen) {
      emit(LifecycleEvent.Type.DISCONNECTED, code, reason);
    }
    emit(LifecycleEvent.Type.CLOSED, code, reason);
  }

  /** Drops a connection: later frames and its close are ignored. */
  private void abandon(Connection c, String reason) {
    c.lost = true;
    cancelTimer(c.connectTimer);
    cancelTimer(c.livenessTimer);
    if (connection == c) {
      connection = null;
      session = null;
    }
    c.ws.close(CloseCodes.NORMAL, reason);
  }

  private void armLiveness(Connection c, long delayMs) {
    c.livenessTimer = vertx.setTimer(Math.max(1, delayMs), id -> {
      c.livenessTimer = -1;
      if (c.lost) {
        return;
      }
      long silentMs = (System.nanoTime() - c.lastHeardNanos) / 1_000_000;
      if (silentMs >= c.windowMs) {
        sessionLost(c, ABNORMAL_CLOSURE,
            "no frame from the server for " + silentMs + " ms (limit " + c.windowMs + " ms)");
      } else {
        armLiveness(c, c.windowMs - silentMs);
      }
    });
  }

  private static String describeClose(int code, String reason) {
    return "close " + code + (reason.isEmpty() ? "" : " " + reason);
  }

  // ------------------------------------------------------------------ receiving

  private void onText(Connection c, String text) {
    if (c.lost) {
      return;
    }
    c.lastHeardNanos = System.nanoTime();
    Frame.ServerFrame frame;
    try {
      frame = codec.decodeServer(text);
    } catch (ProtocolException e) {
      LOG.log(System.Logger.Level.WARNING, "dropping an unreadable frame from the server: " + e.getMessage());
      return;
    }
    if (frame instanceof Frame.Deliver d) {
      onEvent(d.event());
    } else if (frame instanceof Frame.Ack a) {
      onAck(c, a);
    } else if (frame instanceof Frame.ErrorFrame e) {
      onError(c, e);
    } else if (frame instanceof Frame.Ping p) {
      write(c, new Frame.Pong(p.id()));
    }
  }

  private void onAck(Connection c, Frame.Ack ack) {
    if (!c.open) {
      if (c.connectId.equals(ack.id())) {
        sessionOpened(c, ack.result());
      }
      return;
    }
    PendingRequest r = ack.id() == null ? null : requests.remove(ack.id());
    if (r == null) {
      LOG.log(System.Logger.Level.DEBUG, "ack for no pending request: " + ack.id());
      return;
    }
    cancelTimer(r.timer);
    r.promise.complete(ack.result());
  }

  private void onError(Connection c, Frame.ErrorFrame error) {
    String detail = error.code().wireName() + (error.message() == null ? "" : ": " + error.message());
    if (!c.open && c.connectId.equals(error.id())) {
      connectFailed(c, WorkspaceException.fromServer(error.code(),
          "connect to " + target.describe() + " was refused: " + detail));
      return;
    }
    PendingRequest r = error.id() == null ? null : requests.remove(error.id());
    if (r == null) {
      LOG.log(System.Logger.Level.WARNING, "error from the server: " + detail);
      return;
    }
    cancelTimer(r.timer);
    r.promise.fail(WorkspaceException.fromServer(error.code(), r.what + " failed: " + detail));
  }

  private void onEvent(Event event) {
    if (!backfill.hold(event)) {
      dispatchEvent(event);
    }
  }

  private void dispatchEvent(Event event) {
    positions.delivered(event);
    if (event.eventId() != null && !dedupe.firstSeen(event.eventId())) {
      return;
    }
    if (runs.onEvent(event)) {
      return;
    }
    if (event.responseTo() != null) {
      if (dev.workspace.model.RunNames.isInterim(event.eventName()) && replyWaiters.containsKey(event.responseTo())) {
        return;
      }
      ReplyWaiter w = replyWaiters.remove(event.responseTo());
      if (w != null) {
        cancelTimer(w.timer);
        w.promise.complete(event);
        return;
      }
    }
    if (!eventWaiters.isEmpty()) {
      for (EventWaiter w : eventWaiters.toArray(new EventWaiter[0])) {
        boolean matches;
        try {
          matches = w.predicate.test(event);
        } catch (RuntimeException e) {
          if (claim(w)) {
            w.promise.fail(e);
          }
          continue;
        }
        if (matches && claim(w)) {
          w.promise.complete(event);
        }
      }
    }
    handlers.dispatch(event, this::reportFailure);
  }

  // ------------------------------------------------------------------ requests

  private String nextRequestId() {
    return "r" + (++requestSeq);
  }

  /**
   * Sends a request, or buffers it while a session is opening. Its timer runs from now; the first of ack, error,
   * timeout or connection loss settles it.
   */
  private Future<ObjectNode> request(Function<String, Frame.ClientFrame> build, String what) {
    if (state == State.CLOSED) {
      return disconnected(what + " failed: the client is closed");
    }
    if (state == State.IDLE) {
      return disconnected(what + " failed: not connected; call connect() first");
    }
    int max = options.getMaxPendingRequests();
    if (requests.size() >= max) {
      return rejected(what + " refused: " + max + " requests already await an ack");
    }
    boolean send = state == State.OPEN;
    if (!send && unsentRequests >= options.getReconnectBufferSize()) {
      return rejected(what + " refused: not connected and the reconnect buffer is full ("
          + options.getReconnectBufferSize() + " requests)");
    }
    String id = nextRequestId();
    PendingRequest r = new PendingRequest(build.apply(id), what);
    r.timer = vertx.setTimer(requestTimeoutMs, t -> requestTimedOut(id));
    requests.put(id, r);
    if (send) {
      r.sent = true;
      write(connection, r.frame);
    } else {
      unsentRequests++;
    }
    return r.promise.future();
  }

  private void requestTimedOut(String id) {
    PendingRequest r = requests.remove(id);
    if (r == null) {
      return;
    }
    String message;
    if (r.sent) {
      message = "no ack to " + r.what + " within " + requestTimeoutMs + " ms";
    } else {
      unsentRequests--;
      message = r.what + " was not sent: not connected within " + requestTimeoutMs + " ms";
    }
    r.promise.fail(new WorkspaceException(FailureKind.TIMEOUT, message));
  }

  private List<PendingRequest> takeRequests(boolean onlySent) {
    List<PendingRequest> taken = new ArrayList<>();
    Iterator<PendingRequest> it = requests.values().iterator();
    while (it.hasNext()) {
      PendingRequest r = it.next();
      if (onlySent && !r.sent) {
        continue;
      }
      it.remove();
      cancelTimer(r.timer);
      if (!r.sent) {
        unsentRequests--;
      }
      taken.add(r);
    }
    return taken;
  }

  private static void failEach(List<PendingRequest> taken, String suffix) {
    for (PendingRequest r : taken) {
      r.promise.fail(new WorkspaceException(FailureKind.DISCONNECTED, r.what + " " + suffix));
    }
  }

  private List<ReplyWaiter> takeReplyWaiters() {
    List<ReplyWaiter> taken = new ArrayList<>(replyWaiters.values());
    replyWaiters.clear();
    taken.forEach(w -> cancelTimer(w.timer));
    return taken;
  }

  private List<EventWaiter> takeEventWaiters() {
    List<EventWaiter> taken = new ArrayList<>();
    for (EventWaiter w : eventWaiters.toArray(new EventWaiter[0])) {
      if (claim(w)) {
        taken.add(w);
      }
    }
    return taken;
  }

  /** Takes a waiter out; exactly one caller succeeds, whatever the thread. */
  private boolean claim(EventWaiter w) {
    if (!eventWaiters.remove(w)) {
      return false;
    }
    eventWaiterCount.decrementAndGet();
    w.settled = true;
    cancelTimer(w.timer);
    return true;
  }

  private void write(Connection c, Frame frame) {
    c.ws.writeTextMessage(codec.encode(frame)).onFailure(t -> LOG.log(System.Logger.Level.DEBUG,
        "could not write a " + FrameCodec.typeOf(frame) + " frame: " + t.getMessage()));
  }

  private void cancelTimer(long id) {
    if (id >= 0) {
      vertx.cancelTimer(id);
    }
  }

  // ------------------------------------------------------------------ publishing

  @Override
  public Future<PublishResult> sendEvent(Event event) {
    Objects.requireNonNull(event, "event");
    return onContext(() -> publish(event));
  }

  private Future<PublishResult> publish(Event event) {
    Event e = event.eventId() == null ? event.withEventId(UUID.randomUUID().toString()) : event;
    String what = "publish " + e.eventName() + " to " + e.destinationId();
    try {
      EventNames.validate(e.eventName());
      Destination.parse(e.destinationId());
    } catch (ProtocolException ex) {
      return Future.failedFuture(refused(what + " failed: ", ex));
    }
    if (e.eventId().isEmpty() || e.eventId().length() > FrameCodec.MAX_ID_LENGTH) {
      return Future.failedFuture(new WorkspaceException(FailureKind.INVALID, ErrorCode.INVALID_EVENT,
          what + " failed: event_id must be 1-" + FrameCodec.MAX_ID_LENGTH + " characters"));
    }
    return request(id -> new Frame.Publish(id, e), what).map(r -> {
      PublishResult result = AckResults.publish(r, e.eventId());
      positions.acknowledged(e.destinationId(), result.offset());
      return result;
    });
  }

  @Override
  public Future<Event> sendAndWait(Event request, Duration timeout) {
    Objects.requireNonNull(request, "request");
    Objects.requireNonNull(timeout, "timeout");
    long timeoutMs = timeout.toMillis();
    if (timeoutMs < 1) {
      return invalid("sendAndWait failed: the timeout must be at least 1 ms, was " + timeoutMs + " ms");
    }
    return onContext(() -> {
      Event e = (request.eventId() == null ? request.withEventId(UUID.randomUUID().toString()) : request)
          .withRequiresResponse(true);
      String id = e.eventId();
      if (replyWaiters.containsKey(id)) {
        return invalid("sendAndWait failed: a request with event_id " + id + " already waits for its reply");
      }
      int max = options.getMaxPendingRequests();
      if (replyWaiters.size() >= max) {
        return rejected("sendAndWait to " + e.destinationId() + " refused: " + max + " requests already wait for "
            + "a reply");
      }
      ReplyWaiter w = new ReplyWaiter(e.destinationId());
      replyWaiters.put(id, w);
      w.timer = vertx.setTimer(timeoutMs, t -> {
        if (replyWaiters.remove(id, w)) {
          w.promise.fail(new WorkspaceException(FailureKind.TIMEOUT,
              "no reply from " + w.target + " within " + timeoutMs + " ms"));
        }
      });
      publish(e).onFailure(failure -> {
        if (replyWaiters.remove(id, w)) {
          cancelTimer(w.timer);
          w.promise.fail(failure);
        }
      });
      return w.promise.future();
    });
  }

  @Override
  public Future<PublishResult> reply(Event request, ObjectNode payload) {
    Objects.requireNonNull(request, "request");
    Objects.requireNonNull(payload, "payload");
    if (request.sourceId() == null || request.eventId() == null) {
      return invalid("reply failed: the request has no source_id or event_id to answer");
    }
    return sendEvent(Event.of(EventNames.AGENT_RESPONSE, "agent:" + request.sourceId())
        .withResponseTo(request.eventId())
        .withPayload(payload));
  }

  @Override
  public Future<PublishResult> respond(Event request, String text) {
    return reply(request, textPayload(text));
  }

  /** @return {@code {"text": text}} */
  static ObjectNode textPayload(String text) {
    return FrameCodec.DEFAULT.mapper().createObjectNode().put("text", Objects.requireNonNull(text, "text"));
  }

  // ------------------------------------------------------------------ subscriptions and handlers

  @Override
  public Future<Registration> registerEventHandler(Handler<Event> handler, String... patterns) {
    Objects.requireNonNull(handler, "handler");
    List<String> ps;
    try {
      ps = validPatterns(patterns);
    } catch (WorkspaceException e) {
      return Future.failedFuture(e);
    }
    return onContext(() -> {
      HandlerRegistration registration = new HandlerRegistration(handlers.add(handler, ps));
      return changeSubscriptions(true, subscriptions.acquire(ps))
          .<Registration>map(r -> registration)
          .recover(failure -> {
            handlers.remove(registration.entry);
            subscriptions.release(ps);
            return Future.failedFuture(failure);
          });
    });
  }

  @Override
  public Future<List<String>> subscribe(String... patterns) {
    List<String> ps;
    try {
      ps = validPatterns(patterns);
    } catch (WorkspaceException e) {
      return Future.failedFuture(e);
    }
    return onContext(() -> {
      List<String> fresh = subscriptions.pin(ps);
      return changeSubscriptions(true, fresh).recover(failure -> {
        subscriptions.unpin(fresh);
        return Future.failedFuture(failure);
      });
    });
  }

  @Override
  public Future<List<String>> unsubscribe(String... patterns) {
    List<String> ps;
    try {
      ps = validPatterns(patterns);
    } catch (WorkspaceException e) {
      return Future.failedFuture(e);
    }
    return onContext(() -> changeSubscriptions(false, subscriptions.unpin(ps)));
  }

  /**
   * Sends the patterns whose wanted state flipped. Before any session (or after the server ended it) nothing is sent:
   * the next {@code connect} carries the wanted set. While a session is opening the change is buffered, since the
   * {@code connect} frame may already have left.
   *
   * @return every pattern held afterwards
   */
  private Future<List<String>> changeSubscriptions(boolean add, List<String> changed) {
    if (changed.isEmpty() || state == State.IDLE) {
      return Future.succeededFuture(subscriptions.wanted());
    }
    String what = (add ? "subscribe " : "unsubscribe ") + changed;
    return request(id -> add ? new Frame.Subscribe(id, changed) : new Frame.Unsubscribe(id, changed), what)
        .map(AckResults::subscriptions);
  }

  private static List<String> validPatterns(String... patterns) {
    Objects.requireNonNull(patterns, "patterns");
    if (patterns.length == 0) {
      throw new WorkspaceException(FailureKind.INVALID, "at least one pattern is required");
    }
    Set<String> distinct = new LinkedHashSet<>(Arrays.asList(patterns));
    for (String p : distinct) {
      try {
        Patterns.validate(p);
      } catch (ProtocolException e) {
        throw refused("", e);
      }
    }
    return List.copyOf(distinct);
  }

  // ------------------------------------------------------------------ waiting

  @Override
  public Future<Event> waitEvent(Predicate<Event> predicate, Duration timeout) {
    Objects.requireNonNull(predicate, "predicate");
    Objects.requireNonNull(timeout, "timeout");
    long timeoutMs = timeout.toMillis();
    if (timeoutMs < 1) {
      return invalid("waitEvent failed: the timeout must be at least 1 ms, was " + timeoutMs + " ms");
    }
    int max = options.getMaxPendingRequests();
    if (eventWaiterCount.incrementAndGet() > max) {
      eventWaiterCount.decrementAndGet();
      return rejected("waitEvent refused: " + max + " waiters are already pending");
    }
    // Registered here, on the caller's thread, so no event dispatched after this line can be missed; only the
    // timer is set on the client's context.
    EventWaiter w = new EventWaiter(predicate, timeoutMs);
    eventWaiters.add(w);
    if (closing.get()) {
      if (claim(w)) {
        w.promise.fail(new WorkspaceException(FailureKind.DISCONNECTED, "waitEvent failed: the client is closed"));
      }
      return w.promise.future();
    }
    runOnContext(() -> {
      if (!w.settled) {
        w.timer = vertx.setTimer(w.timeoutMs, t -> {
          w.timer = -1;
          if (claim(w)) {
            w.promise.fail(new WorkspaceException(FailureKind.TIMEOUT,
                "no matching event within " + w.timeoutMs + " ms"));
          }
        });
      }
    });
    return w.promise.future();
  }

  // ------------------------------------------------------------------ discovery and channels

  @Override
  public Future<List<AgentInfo>> listAgents() {
    return listAgents(null);
  }

  @Override
  public Future<List<AgentInfo>> listAgents(String capability) {
    String what = capability == null ? "list_agents" : "list_agents with capability " + capability;
    return onContext(() -> request(id -> new Frame.ListAgents(id, capability), what).map(AckResults::agents));
  }

  Future<List<ChannelInfo>> listChannels() {
    return onContext(() -> request(Frame.ListChannels::new, "list_channels").map(AckResults::channels));
  }

  Future<ChannelInfo> join(String channel) {
    return onContext(() -> request(id -> new Frame.Join(id, channel, null), "join channel " + channel).map(r -> {
      ChannelInfo info = AckResults.joined(r, channel);
      positions.joined(channel, new StreamPosition(info.lastOffset(), info.epoch()));
      return info;
    }));
  }

  Future<Void> leave(String channel) {
    return onContext(() -> request(id -> new Frame.Leave(id, channel), "leave channel " + channel)
        .andThen(ar -> {
          if (ar.succeeded() || (ar.cause() instanceof WorkspaceException w && w.code() == ErrorCode.NOT_MEMBER)) {
            positions.left(channel);
          }
        })
        .mapEmpty());
  }

  Future<List<String>> members(String channel) {
    return onContext(() -> request(id -> new Frame.Members(id, channel), "members of channel " + channel)
        .map(AckResults::members));
  }

  Future<HistoryPage> history(String channel, HistoryQuery query) {
    return onContext(() -> request(id -> new Frame.History(id, channel, query.before(), query.after(), query.limit()),
        "history of channel " + channel).map(r -> AckResults.history(r, channel, codec)));
  }

  @Override
  public Workspace workspace() {
    return workspace;
  }

  @Override
  public dev.workspace.client.RemoteAgent remoteAgent(String agentId) {
    return runs.remote("agent:" + Ids.requireAgentId(Objects.requireNonNull(agentId, "agentId")));
  }

  @Override
  public dev.workspace.client.RemoteAgent pool(String capability) {
    Objects.requireNonNull(capability, "capability");
    try {
      return runs.remote("pool:" + capability);
    } catch (ProtocolException e) {
      throw refused("pool: ", e);
    }
  }

  @Override
  public Future<Void> host(dev.workspace.client.RunHandler handler) {
    Objects.requireNonNull(handler, "handler");
    return onContext(() -> {
      runs.host(handler);
      return subscribe(dev.workspace.model.RunNames.CANCEL).mapEmpty();
    });
  }

  @Override
  public Future<Void> updateMetadata(ObjectNode metadata) {
    Objects.requireNonNull(metadata, "metadata");
    ObjectNode copy = metadata.deepCopy();
    return onContext(() -> request(id -> new Frame.UpdateMetadata(id, copy), "update_metadata").map(r -> {
      Target t = target;
      if (t != null) {
        target = new Target(t.address(), t.agentId(), copy, t.workspace());
      }
      return (Void) null;
    }));
  }

  /** Sends a request frame (buffered while reconnecting), for the run classes of this package. */
  Future<ObjectNode> call(Function<String, Frame.ClientFrame> build, String what) {
    return onContext(() -> request(build, what));
  }

  /** Runs an action on the client's context, for the run classes of this package. */
  <T> Future<T> inContext(Supplier<Future<T>> action) {
    return onContext(action);
  }

  // ------------------------------------------------------------------ state and lifecycle

  @Override
  public WorkspaceFiles files() {
    return files;
  }

  private FilesImpl.Endpoint filesEndpoint() {
    Target t = target;
    if (t == null) {
      return null;
    }
    SessionInfo s = session;
    return new FilesImpl.Endpoint(t.address().host(), t.address().port(), t.address().ssl(),
        s != null ? s.agentId() : t.agentId(), s != null ? s.workspace() : t.workspace(), options.getToken());
  }

  @Override
  public SessionInfo session() {
    return session;
  }

  @Override
  public boolean isConnected() {
    return state == State.OPEN;
  }

  @Override
  public AgentClient lifecycleHandler(Handler<LifecycleEvent> handler) {
    this.lifecycleHandler = handler;
    return this;
  }

  private void emit(LifecycleEvent.Type type, int code, String reason) {
    emit(new LifecycleEvent(type, code, reason, Map.of(), false, false));
  }

  private void emit(LifecycleEvent event) {
    Handler<LifecycleEvent> h = lifecycleHandler;
    if (h != null) {
      try {
        h.handle(event);
      } catch (RuntimeException e) {
        reportFailure(e);
      }
    }
  }

  private void reportFailure(Throwable t) {
    Handler<Throwable> h = context.exceptionHandler();
    if (h != null) {
      h.handle(t);
    } else {
      LOG.log(System.Logger.Level.ERROR, "a handler of the agent client threw", t);
    }
  }

  @Override
  public Future<Void> disconnect() {
    if (closing.compareAndSet(false, true)) {
      runOnContext(this::shutdown);
    }
    return closed.future();
  }

  @Override
  public Future<Void> close() {
    return disconnect();
  }

  private void shutdown() {
    State before = state;
    state = State.CLOSED;
    session = null;
    cancelTimer(reconnectTimer);
    reconnectTimer = -1;
    Future<Void> socketClosed = Future.succeededFuture();
    Connection c = connection;
    if (c != null) {
      c.lost = true;
      connection = null;
      cancelTimer(c.connectTimer);
      cancelTimer(c.livenessTimer);
      socketClosed = c.ws.close(CloseCodes.NORMAL, "client disconnect");
    }
    Promise<SessionInfo> p = connectPromise;
    connectPromise = null;
    List<PendingRequest> pending = takeRequests(false);
    List<ReplyWaiter> replies = takeReplyWaiters();
    List<EventWaiter> waiters = takeEventWaiters();
    String why = "the client was disconnected";
    WorkspaceException failure = new WorkspaceException(FailureKind.DISCONNECTED, why);
    if (p != null) {
      p.fail(new WorkspaceException(FailureKind.DISCONNECTED, "connect to " + target.describe() + " failed: " + why));
    }
    failEach(pending, "failed: " + why);
    replies.forEach(w -> w.promise.fail(failure));
    waiters.forEach(w -> w.promise.fail(failure));
    if (before != State.IDLE) {
      emit(LifecycleEvent.Type.CLOSED, CloseCodes.NORMAL, "client disconnect");
    }
    // The future of vertx.close() has no context; chaining it onto a context-bound future would try to complete on
    // an event loop that is already shut down.
    socketClosed.otherwiseEmpty().compose(v -> webSocketClient.close()).transform(v -> files.close()).onComplete(ar -> {
      if (ownsVertx) {
        vertx.close().onComplete(closed);
      } else {
        closed.complete();
      }
    });
  }

  // ------------------------------------------------------------------ threading

  private void runOnContext(Runnable action) {
    if (Vertx.currentContext() == context) {
      action.run();
    } else {
      context.runOnContext(v -> action.run());
    }
  }

  /** Runs {@code action} on the client's context and passes on its outcome; an exception it throws fails it. */
  private <T> Future<T> onContext(Supplier<Future<T>> action) {
    if (closing.get()) {
      return disconnected("the client is closed");
    }
    if (Vertx.currentContext() == context) {
      return invoke(action);
    }
    Promise<T> p = Promise.promise();
    context.runOnContext(v -> invoke(action).onComplete(p));
    return p.future();
  }

  private static <T> Future<T> invoke(Supplier<Future<T>> action) {
    try {
      return action.get();
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
  }

  /** A mistake the client caught before sending, reported as the server would have refused it. */
  private static WorkspaceException refused(String prefix, ProtocolException e) {
    return WorkspaceException.fromServer(e.code(), prefix + e.getMessage());
  }

  private static <T> Future<T> invalid(String message) {
    return Future.failedFuture(new WorkspaceException(FailureKind.INVALID, message));
  }

  private static <T> Future<T> rejected(String message) {
    return Future.failedFuture(new WorkspaceException(FailureKind.REJECTED, message));
  }

  private static <T> Future<T> disconnected(String message) {
    return Future.failedFuture(new WorkspaceException(FailureKind.DISCONNECTED, message));
  }
}
