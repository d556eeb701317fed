package dev.workspace.client.impl;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.workspace.client.AgentInfo;
import dev.workspace.client.ApprovalScope;
import dev.workspace.client.FailureKind;
import dev.workspace.client.FileInput;
import dev.workspace.client.RemoteAgent;
import dev.workspace.client.Run;
import dev.workspace.client.RunHandler;
import dev.workspace.client.RunInput;
import dev.workspace.client.RunResult;
import dev.workspace.client.RunState;
import dev.workspace.client.WorkspaceException;
import dev.workspace.model.Accepts;
import dev.workspace.model.AckResult;
import dev.workspace.model.Attachment;
import dev.workspace.model.Destination;
import dev.workspace.model.Frame;
import dev.workspace.model.Event;
import dev.workspace.model.EventNames;
import dev.workspace.model.FrameCodec;
import dev.workspace.model.RunNames;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.file.FileProps;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The runs of one client, both ways: runs it started as a caller ({@link Run}s, fed by the events that answer
 * them) and runs it hosts ({@link HostedRun}s, fed by {@code run.input} and {@code run.cancel}), plus the cache of
 * remote agents' cards. Everything here runs on the client's context.
 */
final class ClientRuns {
  /** Most events a run buffers before its handler is set. */
  static final int MAX_BUFFERED = 10_000;
  /** Most conversations a host keeps memory for. */
  static final int MAX_SESSIONS = 1_000;

  final AgentClientImpl client;
  final Vertx vertx;
  private final Map<String, CallerRun> started = new HashMap<>();
  final Map<String, HostedRun> hosted = new HashMap<>();
  final Map<String, HostedRun.Question> questions = new HashMap<>();
  final Set<String> sessionApprovals = ConcurrentHashMap.newKeySet();
  private final Map<String, Map<String, Object>> sessions = new LinkedHashMap<>(16, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Map<String, Object>> eldest) {
      return size() > MAX_SESSIONS;
    }
  };
  private final Map<String, CachedCard> cards = new HashMap<>();
  private volatile RunHandler host;

  private record CachedCard(AgentInfo info, long fetchedAtNanos) {
  }

  ClientRuns(AgentClientImpl client, Vertx vertx) {
    this.client = client;
    this.vertx = vertx;
  }

  /**
   * Takes the events that belong to runs.
   *
   * @return whether the event was consumed here (not to be passed to reply waiters or handlers)
   */
  boolean onEvent(Event e) {
    String name = e.eventName();
    if (name.equals(EventNames.AGENT_UPDATED) || name.equals(EventNames.AGENT_LEFT)) {
      JsonNode id = e.payload().get("agent_id");
      if (id != null) {
        cards.remove(id.asText());
      }
      return false;
    }
    if (e.responseTo() != null) {
      CallerRun run = started.get(e.responseTo());
      if (run != null) {
        run.onAnswer(e);
        return true;
      }
      if (name.equals(RunNames.INPUT)) {
        HostedRun.Question q = questions.remove(e.responseTo());
        if (q != null) {
          q.answer(e);
          return true;
        }
      }
      return false;
    }
    if (name.equals(RunNames.CANCEL)) {
      HostedRun run = hosted.get(e.payload().path("run_id").asText(""));
      if (run != null && run.caller().equals(e.sourceId())) {
        run.cancelRequested(e.payload().path("reason").asText(null));
      }
      return run != null || host != null;
    }
    RunHandler h = host;
    if (h != null && e.requiresResponse() && !name.startsWith("run.") && e.sourceId() != null) {
      HostedRun run = new HostedRun(this, e);
      hosted.put(run.runId(), run);
      try {
        h.handle(run);
      } catch (RuntimeException ex) {
        run.fail("handler_error", String.valueOf(ex.getMessage()));
      }
      return true;
    }
    return false;
  }

  void host(RunHandler handler) {
    this.host = handler;
  }

  Map<String, Object> session(String caller, String sessionId) {
    if (sessionId == null) {
      return new HashMap<>();
    }
    return sessions.computeIfAbsent(caller + '\t' + sessionId, k -> new ConcurrentHashMap<>());
  }

  RemoteAgent remote(String destination) {
    Destination.parse(destination);
    return new Remote(destination, null, RemoteAgent.DEFAULT_TIMEOUT, RemoteAgent.DEFAULT_CONFIG_TTL);
  }

  // ------------------------------------------------------------------ caller side

  private final class Remote implements RemoteAgent {
    final String destination;
    final String sessionId;
    final Duration timeout;
    final Duration configTtl;

    Remote(String destination, String sessionId, Duration timeout, Duration configTtl) {
      this.destination = destination;
      this.sessionId = sessionId;
      this.timeout = timeout;
      this.configTtl = configTtl;
    }

    @Override
    public String destination() {
      return destination;
    }

    @Override
    public String sessionId() {
      return sessionId;
    }

    @Override
    public RemoteAgent session(String id) {
      return new Remote(destination, Objects.requireNonNull(id, "sessionId"), timeout, configTtl);
    }

    @Override
    public RemoteAgent timeout(Duration t) {
      if (Objects.requireNonNull(t, "timeout").toMillis() < 1) {
        throw new IllegalArgumentException("the timeout must be at least 1 ms, was " + t);
      }
      return new Remote(destination, sessionId, t, configTtl);
    }

    @Override
    public RemoteAgent configTtl(Duration ttl) {
      if (Objects.requireNonNull(ttl, "ttl").isNegative()) {
        throw new IllegalArgumentException("the config TTL must not be negative, was " + ttl);
      }
      return new Remote(destination, sessionId, timeout, ttl);
    }

    @Override
    public Future<RunResult> input(String text) {
      return input(AgentClientImpl.textPayload(text));
    }

    @Override
    public Future<RunResult> input(ObjectNode payload) {
      return begin(payload, false).result();
    }

    @Override
    public Run start(String text) {
      return start(AgentClientImpl.textPayload(text));
    }

    @Override
    public Run start(ObjectNode payload) {
      return begin(payload, true);
    }

    @Override
    public Future<RunResult> input(String text, List<FileInput> files) {
      return withFiles(text, files).compose(payload -> begin(payload, false).result());
    }

    @Override
    public Future<Run> start(String text, List<FileInput> files) {
      return withFiles(text, files).map(payload -> begin(payload, true));
    }

    private Future<ObjectNode> withFiles(String text, List<FileInput> files) {
      List<FileInput> given = List.copyOf(files);
      Future<Accepts> accepts = destination.startsWith("agent:")
          ? config().map(AgentInfo::accepts) : Future.succeededFuture(Accepts.ANY);
      return accepts.compose(limits -> {
        String refusal = limits.refusesCount(given.size(), agentName());
        if (refusal != null) {
          return Future.failedFuture(new WorkspaceException(FailureKind.REJECTED, refusal));
        }
        List<Future<Long>> sizes = new ArrayList<>(given.size());
        for (FileInput f : given) {
          sizes.add(sizeOf(f));
        }
        return Future.all(sizes).compose(v -> {
          for (int i = 0; i < given.size(); i++) {
            FileInput f = given.get(i);
            String why = limits.refusesFile(f.name(), f.mediaType(), sizes.get(i).result(), agentName());
            if (why != null) {
              return Future.failedFuture(new WorkspaceException(FailureKind.REJECTED, why));
            }
          }
          return uploadAll(given);
        });
      }).map(attachments -> Attachment.putAll(AgentClientImpl.textPayload(text), attachments));
    }

    private Future<Long> sizeOf(FileInput f) {
      if (f instanceof FileInput.OnDisk d) {
        return vertx.fileSystem().props(d.file().toString()).map(FileProps::size);
      }
      if (f instanceof FileInput.InMemory m) {
        return Future.succeededFuture((long) m.bytes().length());
      }
      return Future.succeededFuture(((FileInput.Uploaded) f).attachment().size());
    }

    private Future<List<Attachment>> uploadAll(List<FileInput> given) {
      List<Attachment> done = new ArrayList<>(given.size());
      List<Attachment> uploadedHere = new ArrayList<>();
      Future<Void> chain = Future.succeededFuture();
      for (FileInput f : given) {
        chain = chain.compose(v -> upload(f, uploadedHere)).map(a -> {
          done.add(a);
          return null;
        });
      }
      return chain.<List<Attachment>>map(v -> List.copyOf(done)).recover(failure -> {
        List<Future<Void>> deletes = new ArrayList<>();
        for (Attachment a : uploadedHere) {
          deletes.add(client.files().delete(a));
        }
        return Future.join(deletes).transform(ignored -> Future.failedFuture(failure));
      });
    }

    private Future<Attachment> upload(FileInput f, List<Attachment> uploadedHere) {
      Future<Attachment> up;
      if (f instanceof FileInput.OnDisk d) {
        up = client.files().upload(d.file(), d.given(), d.mediaType());
      } else if (f instanceof FileInput.InMemory m) {
        up = client.files().upload(m.bytes(), m.name(), m.mediaType());
      } else {
        return Future.succeededFuture(((FileInput.Uploaded) f).attachment());
      }
      return up.map(a -> {
        uploadedHere.add(a);
        return a;
      });
    }

    private CallerRun begin(ObjectNode payload, boolean stream) {
      Objects.requireNonNull(payload, "payload");
      ObjectNode metadata = FrameCodec.DEFAULT.mapper().createObjectNode();
      if (stream) {
        metadata.put("stream", true);
      }
      if (sessionId != null) {
        metadata.put("session_id", sessionId);
      }
      Event request = Event.of("agent.task", destination).withEventId(UUID.randomUUID().toString())
          .withPayload(payload.deepCopy()).withMetadata(metadata).withRequiresResponse(true);
      CallerRun run = new CallerRun(request, timeout.toMillis());
      client.inContext(() -> {
        run.send();
        return Future.succeededFuture();
      });
      return run;
    }

    @Override
    public Future<AgentInfo> config() {
      return client.inContext(() -> {
        CachedCard c = cards.get(agentName());
        if (c != null && System.nanoTime() - c.fetchedAtNanos() < configTtl.toNanos()) {
          return Future.succeededFuture(c.info());
        }
        return refreshConfig();
      });
    }

    @Override
    public Future<AgentInfo> refreshConfig() {
      if (!destination.startsWith("agent:")) {
        return Future.failedFuture(new WorkspaceException(FailureKind.INVALID,
            "a pool (" + destination + ") has no card; ask one of its members"));
      }
      String id = agentName();
      return client.listAgents().compose(list -> {
        for (AgentInfo a : list) {
          if (a.agentId().equals(id)) {
            return client.inContext(() -> {
              cards.put(id, new CachedCard(a, System.nanoTime()));
              return Future.succeededFuture(a);
            });
          }
        }
        return Future.failedFuture(new WorkspaceException(FailureKind.NOT_FOUND, "agent '" + id + "' is not connected"));
      });
    }

    private String agentName() {
      return destination.startsWith("agent:") ? destination.substring(6) : destination;
    }
  }

  private final class CallerRun implements Run {
    final Event request;
    final long timeoutMs;
    final Promise<String> accepted = Promise.promise();
    final Promise<RunResult> result = Promise.promise();
    final ArrayDeque<Event> buffer = new ArrayDeque<>();
    Handler<Event> handler;
    volatile RunState state = RunState.SUBMITTED;
    volatile Event pending;
    final boolean stream;
    final java.util.TreeMap<Long, Event> early = new java.util.TreeMap<>();
    long nextSeq = 1;
    String agentId;
    long timer = -1;

    CallerRun(Event request, long timeoutMs) {
      this.request = request;
      this.timeoutMs = timeoutMs;
      this.stream = request.metadata().path("stream").asBoolean(false);
    }

    void send() {
      started.put(request.eventId(), this);
      arm();
      client.sendEvent(request).onComplete(ar -> {
        if (ar.failed() && ar.cause() instanceof WorkspaceException w && w.kind() == FailureKind.DISCONNECTED
            && client.session() == null) {
          confirm(w);
          return;
        }
        if (ar.failed()) {
          end(ar.cause(), null);
          accepted.tryFail(ar.cause());
          return;
        }
        String chosen = ar.result().agentId();
        if (agentId == null) {
          agentId = chosen != null ? chosen : Destination.parse(request.destinationId()).name();
        }
        accepted.tryComplete(agentId);
      });
    }

    /**
     * The ack of the request was lost with the connection: the request may or may not have been taken. Once the
     * client is connected again, the tracker says which; if it was, the run goes on and its events are recovered.
     */
    private void confirm(WorkspaceException lost) {
      client.call(id -> new Frame.GetRun(id, request.eventId(), Long.MAX_VALUE), "get_run " + request.eventId())
          .onComplete(ar -> {
            if (ar.succeeded()) {
              AckResult.Run found = FrameCodec.DEFAULT.decodeResult(AckResult.Run.class, ar.result());
              if (agentId == null) {
                agentId = found.target();
              }
              accepted.tryComplete(agentId);
            } else {
              end(lost, null);
              accepted.tryFail(lost);
            }
          });
    }

    private void arm() {
      if (timer >= 0) {
        vertx.cancelTimer(timer);
      }
      timer = vertx.setTimer(timeoutMs, t -> {
        timer = -1;
        while (!early.isEmpty() && started.get(request.eventId()) == this) {
          take(early.pollFirstEntry().getValue());
        }
        if (started.get(request.eventId()) != this) {
          return;
        }
        end(new WorkspaceException(FailureKind.TIMEOUT,
            "no event of run " + request.eventId() + " from " + request.destinationId() + " within " + timeoutMs
                + " ms"), null);
      });
    }

    /**
     * Hands the run's events on in {@code seq} order: in a cluster two answers of one responder may reach the
     * requester in the other order. A streamed run numbers every answer from 1 without gaps, so a later one waits
     * for the earlier ones (at most the run's timeout).
     */
    void onAnswer(Event e) {
      JsonNode seqNode = e.payload().get("seq");
      if (!stream || seqNode == null || !seqNode.isIntegralNumber()) {
        take(e);
        return;
      }
      long seq = seqNode.asLong();
      if (seq < nextSeq) {
        return;
      }
      if (seq > nextSeq) {
        if (early.size() >= MAX_BUFFERED) {
          end(new WorkspaceException(FailureKind.REJECTED, "run " + request.eventId() + " holds " + MAX_BUFFERED
              + " events waiting for event " + nextSeq), null);
          return;
        }
        early.put(seq, e);
        return;
      }
      take(e);
      nextSeq++;
      while (!early.isEmpty() && early.firstKey() == nextSeq && started.get(request.eventId()) == this) {
        take(early.pollFirstEntry().getValue());
        nextSeq++;
      }
    }

    private void take(Event e) {
      if (agentId == null && !"system".equals(e.sourceId())) {
        agentId = e.sourceId();
      }
      String name = e.eventName();
      if (RunNames.isInterim(name)) {
        arm();
        if (name.equals(RunNames.INPUT_REQUIRED)) {
          state = RunState.INPUT_REQUIRED;
          pending = e;
        } else {
          state = RunState.WORKING;
        }
        if (handler != null) {
          handler.handle(e);
        } else if (buffer.size() < MAX_BUFFERED) {
          buffer.add(e);
        } else {
          end(new WorkspaceException(FailureKind.REJECTED, "run " + request.eventId() + " buffered "
              + MAX_BUFFERED + " events without a handler"), null);
        }
        return;
      }
      String who = agentId == null ? request.destinationId() : "agent " + agentId;
      switch (name) {
        case RunNames.FAILED -> {
          String code = e.payload().path("code").asText("failed");
          FailureKind kind = RunNames.AGENT_DISCONNECTED.equals(code) ? FailureKind.UNAVAILABLE : FailureKind.FAILED;
          end(new WorkspaceException(kind, "run " + request.eventId() + " of " + who + " failed: " + code + ": "
              + e.payload().path("message").asText("")), RunState.FAILED);
        }
        case RunNames.CANCELED -> end(new WorkspaceException(FailureKind.CANCELED, "run " + request.eventId()
            + " of " + who + " was canceled" + reason(e, "reason")), RunState.CANCELED);
        case RunNames.REJECTED -> end(new WorkspaceException(FailureKind.REJECTED, "run " + request.eventId()
            + " was rejected by " + who + reason(e, "message")), RunState.REJECTED);
        default -> {
          finish();
          state = RunState.COMPLETED;
          result.tryComplete(new RunResult(request.eventId(), agentId, e.payload(), e));
        }
      }
    }

    private String reason(Event e, String field) {
      String r = e.payload().path(field).asText("");
      return r.isEmpty() ? "" : ": " + r;
    }

    private void finish() {
      started.remove(request.eventId(), this);
      pending = null;
      if (timer >= 0) {
        vertx.cancelTimer(timer);
        timer = -1;
      }
    }

    private void end(Throwable failure, RunState finalState) {
      finish();
      state = finalState == null ? RunState.FAILED : finalState;
      result.tryFail(failure);
    }

    @Override
    public String id() {
      return request.eventId();
    }

    @Override
    public Future<String> accepted() {
      return accepted.future();
    }

    @Override
    public Run handler(Handler<Event> h) {
      Objects.requireNonNull(h, "handler");
      client.inContext(() -> {
        handler = h;
        while (!buffer.isEmpty()) {
          h.handle(buffer.poll());
        }
        return Future.succeededFuture();
      });
      return this;
    }

    @Override
    public RunState state() {
      return state;
    }

    @Override
    public Event pendingInput() {
      return pending;
    }

    @Override
    public Future<Void> respond(String answer) {
      return answer(FrameCodec.DEFAULT.mapper().createObjectNode().put("answer", Objects.requireNonNull(answer)));
    }

    @Override
    public Future<Void> respond(List<String> answers) {
      ObjectNode p = FrameCodec.DEFAULT.mapper().createObjectNode();
      answers.forEach(p.putArray("answers")::add);
      return answer(p);
    }

    @Override
    public Future<Void> approve(ApprovalScope scope) {
      return answer(FrameCodec.DEFAULT.mapper().createObjectNode().put("approved", true)
          .put("scope", Objects.requireNonNull(scope, "scope").wireName()));
    }

    @Override
    public Future<Void> reject(String feedback) {
      ObjectNode p = FrameCodec.DEFAULT.mapper().createObjectNode().put("approved", false);
      if (feedback != null) {
        p.put("feedback", feedback);
      }
      return answer(p);
    }

    private Future<Void> answer(ObjectNode payload) {
      return client.inContext(() -> {
        Event q = pending;
        if (q == null) {
          return Future.failedFuture(new WorkspaceException(FailureKind.INVALID,
              "run " + request.eventId() + " has no question waiting for an answer"));
        }
        pending = null;
        state = RunState.WORKING;
        return client.sendEvent(Event.of(RunNames.INPUT, "agent:" + q.sourceId()).withResponseTo(q.eventId())
            .withPayload(payload)).mapEmpty();
      });
    }

    @Override
    public Future<Boolean> cancel() {
      return accepted.future().compose(target -> client.sendEvent(Event.of(RunNames.CANCEL, "agent:" + target)
          .withPayload(FrameCodec.DEFAULT.mapper().createObjectNode().put("run_id", request.eventId())
              .put("reason", "canceled by the caller"))))
          .transform(sent -> result.future().transform(ar -> Future.succeededFuture(
              ar.failed() && ar.cause() instanceof WorkspaceException w && w.kind() == FailureKind.CANCELED)));
    }

    @Override
    public Future<RunResult> result() {
      return result.future();
    }
  }

  static RunInput parseInput(ObjectNode p) {
    List<String> answers = new ArrayList<>();
    if (p.path("answer").isTextual()) {
      answers.add(p.get("answer").asText());
    }
    for (JsonNode a : p.path("answers")) {
      if (a.isTextual()) {
        answers.add(a.asText());
      }
    }
    Boolean approved = p.path("approved").isBoolean() ? p.get("approved").asBoolean() : null;
    ApprovalScope scope = null;
    if (p.path("scope").isTextual()) {
      scope = "session".equals(p.get("scope").asText()) ? ApprovalScope.SESSION : ApprovalScope.ONCE;
    }
    return new RunInput(List.copyOf(answers), approved, scope, p.path("feedback").asText(null), p);
  }
}
