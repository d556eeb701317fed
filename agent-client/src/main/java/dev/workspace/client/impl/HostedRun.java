package dev.workspace.client.impl;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.workspace.client.ApprovalScope;
import dev.workspace.client.FailureKind;
import dev.workspace.client.RunContext;
import dev.workspace.client.RunInput;
import dev.workspace.client.WorkspaceException;
import dev.workspace.model.Attachment;
import dev.workspace.model.Event;
import dev.workspace.model.FrameCodec;
import dev.workspace.model.RunNames;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/** A run this client hosts: the {@link RunContext} its {@link dev.workspace.client.RunHandler} drives. */
final class HostedRun implements RunContext {
  private final ClientRuns runs;
  private final Event request;
  private final String caller;
  private final String sessionId;
  private final boolean stream;
  private final List<Question> open = new ArrayList<>();
  private volatile boolean cancelRequested;
  private volatile Handler<String> cancelHandler;
  private boolean ended;
  private int thoughts;

  /** A question of this run that waits for its {@code run.input}. */
  final class Question {
    final String id = UUID.randomUUID().toString();
    final Promise<RunInput> promise = Promise.promise();
    final String tool;

    Question(String tool) {
      this.tool = tool;
    }

    void answer(Event input) {
      open.remove(this);
      RunInput answer = ClientRuns.parseInput(input.payload());
      if (tool != null && answer.isApproved() && answer.scope() == ApprovalScope.SESSION && sessionId != null) {
        runs.sessionApprovals.add(caller + '\t' + sessionId + '\t' + tool);
      }
      promise.tryComplete(answer);
    }
  }

  HostedRun(ClientRuns runs, Event request) {
    this.runs = runs;
    this.request = request;
    this.caller = request.sourceId();
    JsonNode s = request.metadata().get("session_id");
    this.sessionId = s != null && s.isTextual() ? s.asText() : null;
    this.stream = request.metadata().path("stream").asBoolean(false);
  }

  @Override
  public String runId() {
    return request.eventId();
  }

  @Override
  public String caller() {
    return caller;
  }

  @Override
  public String sessionId() {
    return sessionId;
  }

  @Override
  public Event request() {
    return request;
  }

  @Override
  public ObjectNode input() {
    return request.payload();
  }

  @Override
  public String text() {
    return request.payload().hasNonNull("text") ? request.payload().get("text").asText() : null;
  }

  @Override
  public List<Attachment> attachments() {
    return request.attachments();
  }

  @Override
  public Map<String, Object> session() {
    return runs.session(caller, sessionId);
  }

  private static ObjectNode object() {
    return FrameCodec.DEFAULT.mapper().createObjectNode();
  }

  private Future<Void> send(String name, ObjectNode payload, String eventId) {
    Event e = Event.of(name, "agent:" + caller).withResponseTo(request.eventId()).withPayload(payload);
    return runs.client.sendEvent(eventId == null ? e : e.withEventId(eventId)).mapEmpty();
  }

  private Future<Void> progress(String name, ObjectNode payload) {
    return runs.client.inContext(() -> {
      if (ended) {
        return Future.failedFuture(new WorkspaceException(FailureKind.INVALID, "run " + runId() + " already ended"));
      }
      return stream ? send(name, payload, null) : Future.succeededFuture();
    });
  }

  @Override
  public Future<Void> thinking(String text) {
    return progress(RunNames.THINKING, object().put("id", "thought-" + (++thoughts)).put("status", "done")
        .put("text", Objects.requireNonNull(text, "text")));
  }

  @Override
  public String toolCall(String name, JsonNode args) {
    String id = "call-" + UUID.randomUUID();
    ObjectNode p = object().put("tool_call_id", id).put("name", Objects.requireNonNull(name, "name"));
    p.set("args", args == null ? object() : args);
    progress(RunNames.TOOL_CALL, p);
    return id;
  }

  @Override
  public Future<Void> toolResult(String toolCallId, JsonNode result) {
    ObjectNode p = object().put("tool_call_id", Objects.requireNonNull(toolCallId, "toolCallId")).put("status", "done");
    p.set("result", result);
    return progress(RunNames.TOOL_RESULT, p);
  }

  @Override
  public Future<Void> text(String chunk) {
    return progress(RunNames.TEXT, object().put("text", Objects.requireNonNull(chunk, "chunk")).put("append", true));
  }

  private Future<RunInput> ask(ObjectNode payload, String tool) {
    return runs.client.inContext(() -> {
      if (ended || cancelRequested) {
        return Future.failedFuture(new WorkspaceException(FailureKind.CANCELED,
            "run " + runId() + (ended ? " already ended" : " is being canceled")));
      }
      Question q = new Question(tool);
      open.add(q);
      runs.questions.put(q.id, q);
      send(RunNames.INPUT_REQUIRED, payload, q.id).onFailure(e -> {
        runs.questions.remove(q.id);
        open.remove(q);
        q.promise.tryFail(e);
      });
      return q.promise.future();
    });
  }

  @Override
  public Future<RunInput> askUser(String question, List<String> options, boolean multiSelect) {
    ObjectNode p = object().put("kind", "ask_user").put("text", Objects.requireNonNull(question, "question"))
        .put("multi_select", multiSelect);
    (options == null ? List.<String>of() : options).forEach(p.putArray("options")::add);
    return ask(p, null);
  }

  @Override
  public Future<RunInput> requestApproval(String tool, JsonNode arguments) {
    Objects.requireNonNull(tool, "tool");
    if (sessionId != null && runs.sessionApprovals.contains(caller + '\t' + sessionId + '\t' + tool)) {
      return Future.succeededFuture(new RunInput(List.of(), true, ApprovalScope.SESSION, null,
          object().put("approved", true).put("scope", "session")));
    }
    ObjectNode p = object().put("kind", "approval").put("text", "approve calling " + tool + "?").put("tool", tool);
    p.set("arguments", arguments == null ? object() : arguments);
    p.putArray("options").add("once").add("session").add("reject");
    return ask(p, tool);
  }

  @Override
  public Future<RunInput> reviewPlan(String plan) {
    ObjectNode p = object().put("kind", "plan_review").put("text", "review this plan")
        .put("plan", Objects.requireNonNull(plan, "plan"));
    return ask(p, null);
  }

  @Override
  public RunContext onCancel(Handler<String> handler) {
    this.cancelHandler = handler;
    return this;
  }

  @Override
  public boolean isCancelRequested() {
    return cancelRequested;
  }

  void cancelRequested(String reason) {
    if (cancelRequested || ended) {
      return;
    }
    cancelRequested = true;
    for (Question q : List.copyOf(open)) {
      runs.questions.remove(q.id);
      q.promise.tryFail(new WorkspaceException(FailureKind.CANCELED, "run " + runId() + " was canceled"));
    }
    open.clear();
    Handler<String> h = cancelHandler;
    if (h != null) {
      h.handle(reason);
    }
  }

  private Future<Void> end(String name, ObjectNode payload) {
    return runs.client.inContext(() -> {
      if (ended) {
        return Future.failedFuture(new WorkspaceException(FailureKind.INVALID, "run " + runId() + " already ended"));
      }
      ended = true;
      runs.hosted.remove(runId(), this);
      for (Question q : List.copyOf(open)) {
        runs.questions.remove(q.id);
        q.promise.tryFail(new WorkspaceException(FailureKind.CANCELED, "run " + runId() + " ended"));
      }
      open.clear();
      return send(name, payload, null);
    });
  }

  @Override
  public Future<Void> complete(String text) {
    return complete(object().put("text", Objects.requireNonNull(text, "text")));
  }

  @Override
  public Future<Void> complete(ObjectNode payload) {
    return end(RunNames.COMPLETED, Objects.requireNonNull(payload, "payload"));
  }

  @Override
  public Future<Void> fail(String code, String message) {
    return end(RunNames.FAILED, object().put("code", Objects.requireNonNull(code, "code")).put("message", message));
  }

  @Override
  public Future<Void> canceled(String reason) {
    ObjectNode p = object();
    if (reason != null) {
      p.put("reason", reason);
    }
    return end(RunNames.CANCELED, p);
  }

  @Override
  public Future<Void> reject(String message) {
    return end(RunNames.REJECTED, object().put("message", message == null ? "" : message));
  }
}
