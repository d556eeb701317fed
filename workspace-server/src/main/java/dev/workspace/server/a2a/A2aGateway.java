package dev.workspace.server.a2a;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.workspace.model.ErrorCode;
import dev.workspace.model.Event;
import dev.workspace.model.ProtocolException;
import dev.workspace.model.RunNames;
import dev.workspace.server.core.RunRecord;
import dev.workspace.server.edge.Authenticator;
import dev.workspace.server.session.FrameExchange;
import dev.workspace.server.session.Session;
import dev.workspace.server.session.SessionHost;
import dev.workspace.server.session.Transport;
import io.vertx.core.Context;
import io.vertx.core.Future;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway of one workspace on one node: the {@link Transport} of a workspace {@link Session} under the node's
 * gateway identity ({@code a2a.<node id>}, an id no client may take), from which every A2A caller's runs go out.
 * Requests go in as the session's own frames, so the session's and the core's rules apply to them as to any
 * agent's; the run events come back to it ({@code response_to} = run id) and move the {@link A2aTask}s on. It
 * remembers the tasks it started (the newest {@link A2aOptions#getMaxTasks()}); any other is read from the run
 * tracker, on any node. When its session ends it opens a new one on the next call.
 *
 * <p>Confined to its event loop ({@link #context()}).
 */
final class A2aGateway implements Transport {
  private static final Logger LOG = LoggerFactory.getLogger(A2aGateway.class);

  private final A2aFace face;
  private final Context context;
  private final SessionHost host;
  private final String workspace;
  private final String agentId;
  private final FrameExchange exchange;
  private final LinkedHashMap<String, A2aTask> tasks = new LinkedHashMap<>();
  private final Map<String, java.util.Set<String>> openByCaller = new HashMap<>();
  private final Map<String, Integer> streamsByCaller = new HashMap<>();
  private Session session;
  private Future<Void> connecting;

  A2aGateway(A2aFace face, Context context, SessionHost host, String workspace) {
    this.face = face;
    this.context = context;
    this.host = host;
    this.workspace = workspace;
    this.agentId = face.gatewayId();
    this.exchange = new FrameExchange(face.codec().mapper(), "g");
  }

  String workspace() {
    return workspace;
  }

  String agentId() {
    return agentId;
  }

  // ------------------------------------------------------------------ Transport

  @Override
  public boolean write(byte[] frame) {
    try {
      exchange.read(frame, (event, size) -> received(event),
          e -> LOG.warn("A2A gateway of {}: {}", workspace, e.getMessage()));
    } catch (IOException e) {
      LOG.warn("undecodable frame for the A2A gateway of {}: {}", workspace, e.toString());
    }
    return true;
  }

  @Override
  public void close(short code, String reason) {
    LOG.info("A2A gateway session of workspace {} closed ({}): {}", workspace, code, reason);
    session = null;
    connecting = null;
    exchange.failAll(ErrorCode.UNAVAILABLE, "the gateway session ended: " + reason);
  }

  @Override
  public boolean gateway() {
    return true;
  }

  @Override
  public Context context() {
    return context;
  }

  @Override
  public String remoteAddress() {
    return "a2a-gateway";
  }

  // ------------------------------------------------------------------ the session

  /** @return completes once the gateway's session is open (opening it when there is none) */
  Future<Void> ready() {
    if (session != null && session.isOpen()) {
      return Future.succeededFuture();
    }
    if (connecting != null) {
      return connecting;
    }
    Authenticator.Identity identity = face.authenticator().required()
        ? new Authenticator.Identity(workspace, agentId, 0, null) : null;
    session = host.open(this, workspace, identity);
    ObjectNode connect = A2aWire.JSON.objectNode().put("type", "connect").put("agent_id", agentId)
        .put("workspace", workspace);
    connect.putArray("subscriptions");
    connect.putObject("metadata").put("name", "A2A gateway").put("role", "gateway").put("client", "a2a")
        .put("description", "runs tasks of outside A2A callers; node " + face.nodeId());
    Future<Void> f = request(connect).<Void>mapEmpty().onFailure(e -> {
      LOG.warn("A2A gateway of workspace {} could not connect: {}", workspace, e.getMessage());
      connecting = null;
    }).onSuccess(v -> connecting = null);
    connecting = f;
    return f;
  }

  Future<ObjectNode> request(ObjectNode frame) {
    return exchange.request(session, frame).recover(e -> Future.failedFuture(e instanceof ProtocolException pe
        && pe.code() == ErrorCode.NOT_CONNECTED ? new ProtocolException(ErrorCode.UNAVAILABLE,
        "the gateway session is closed") : e));
  }

  /** Publishes an event from the gateway; its id is the one given. */
  Future<ObjectNode> publish(Event event) {
    ObjectNode f = A2aWire.JSON.objectNode().put("type", "publish");
    f.set("event", face.codec().parseObject(face.codec().encodeEvent(event)));
    return ready().compose(v -> request(f));
  }

  // ------------------------------------------------------------------ tasks

  private void received(ObjectNode event) {
    String runId = event.path("response_to").asText(null);
    A2aTask task = runId == null ? null : tasks.get(runId);
    if (task == null) {
      return;
    }
    boolean open = !task.ended();
    task.apply(event);
    if (open && task.ended()) {
      ended(task);
    }
  }

  /** Keeps a new task, forgetting the oldest ended ones beyond the bound. */
  void add(A2aTask task) {
    tasks.put(task.id(), task);
    if (!task.ended()) {
      openByCaller.computeIfAbsent(task.caller(), k -> new java.util.HashSet<>()).add(task.id());
    }
    if (tasks.size() > face.options().getMaxTasks()) {
      Iterator<A2aTask> it = tasks.values().iterator();
      while (it.hasNext() && tasks.size() > face.options().getMaxTasks()) {
        A2aTask t = it.next();
        if (t.ended()) {
          it.remove();
        }
      }
    }
  }

  /** Drops a task that never reached its agent: it is neither kept nor counted. */
  void forget(A2aTask task) {
    tasks.remove(task.id());
    ended(task);
  }

  /** A task ended: it no longer counts against its caller. May be called more than once for a task. */
  void ended(A2aTask task) {
    java.util.Set<String> open = openByCaller.get(task.caller());
    if (open != null && open.remove(task.id()) && open.isEmpty()) {
      openByCaller.remove(task.caller());
    }
  }

  A2aTask local(String taskId) {
    return tasks.get(taskId);
  }

  int openTasks(String caller) {
    java.util.Set<String> open = openByCaller.get(caller);
    return open == null ? 0 : open.size();
  }

  /** @return whether the caller may open one more stream (and counts it) */
  boolean openStream(String caller) {
    int n = streamsByCaller.getOrDefault(caller, 0);
    if (n >= face.options().getMaxStreamsPerCaller()) {
      return false;
    }
    streamsByCaller.put(caller, n + 1);
    return true;
  }

  void closeStream(String caller) {
    streamsByCaller.computeIfPresent(caller, (k, n) -> n <= 1 ? null : n - 1);
  }

  /**
   * Finds a task of the caller: one this node runs, else the run tracker's (a task started on another node or
   * forgotten here).
   *
   * @return the task; fails {@link A2aError.Kind#TASK_NOT_FOUND} when it is unknown or another caller's
   */
  Future<A2aTask> find(String caller, String taskId) {
    A2aTask local = tasks.get(taskId);
    if (local != null) {
      return local.caller().equals(caller) ? Future.succeededFuture(local)
          : Future.failedFuture(A2aError.taskNotFound(taskId));
    }
    return face.core().runs().tracker().get(workspace, taskId, 0).map(run -> {
      A2aTask t = run == null ? null : fromRun(run, caller);
      if (t == null) {
        throw A2aError.taskNotFound(taskId);
      }
      return t;
    });
  }

  /** @return the task a tracked run stands for, or {@code null} when it is not an A2A task of this caller */
  static A2aTask fromRun(RunRecord run, String caller) {
    String session = run.sessionId();
    if (!dev.workspace.model.Ids.isGateway(run.requester()) || session == null
        || !session.startsWith(caller + "/")) {
      return null;
    }
    List<ObjectNode> events = new ArrayList<>();
    for (Event e : run.events()) {
      events.add(A2aWire.JSON.objectNode().put("event_id", e.eventId()).put("event_name", e.eventName())
          .set("payload", e.payload()));
    }
    return A2aTask.fromRun(run.runId(), session.substring(caller.length() + 1), caller, run.target(), run.state(),
        events);
  }

  /** @return the id of a new task */
  static String newTaskId() {
    return UUID.randomUUID().toString();
  }

  /** Closes the gateway's session (the node stops). */
  void shutdown() {
    if (session != null) {
      session.close(dev.workspace.model.CloseCodes.GOING_AWAY, "server shutting down");
    }
  }

  /** Sends {@code run.cancel} for a task to its agent. */
  Future<ObjectNode> cancel(A2aTask task, String reason) {
    ObjectNode payload = A2aWire.JSON.objectNode().put("run_id", task.id()).put("reason", reason);
    return publish(Event.create(UUID.randomUUID().toString(), RunNames.CANCEL, null, "agent:" + task.target(),
        payload, null, 0, null, false, -1));
  }
}
