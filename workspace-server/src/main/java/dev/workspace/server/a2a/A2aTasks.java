package dev.workspace.server.a2a;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.workspace.model.Event;
import dev.workspace.model.EventNames;
import dev.workspace.model.RunNames;
import dev.workspace.server.files.FileNames;
import dev.workspace.server.files.StoredFile;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The A2A operations, whatever the binding: a message becomes a run of the agent (or answers the question of a
 * paused one), a task is read, listed, followed or canceled. Everything runs on the workspace gateway's event loop.
 */
final class A2aTasks {
  private static final Logger LOG = LoggerFactory.getLogger(A2aTasks.class);

  private final A2aFace face;

  A2aTasks(A2aFace face) {
    this.face = face;
  }

  private void onGateway(A2aCall call, Consumer<A2aGateway> action) {
    A2aGateway g;
    try {
      g = face.gateway(call.workspace);
    } catch (RuntimeException e) {
      call.error(A2aError.of(e));
      return;
    }
    g.context().runOnContext(v -> {
      try {
        action.accept(g);
      } catch (A2aError e) {
        call.error(e);
      } catch (RuntimeException e) {
        LOG.error("A2A call failed", e);
        call.error(A2aError.of(e));
      }
    });
  }

  private static void requireId(String taskId) {
    if (taskId == null || taskId.isBlank()) {
      throw A2aError.invalidParams("the task id is required");
    }
  }

  private static void sameAgent(A2aTask t, String agent) {
    if (!t.target().equals(agent)) {
      throw A2aError.taskNotFound(t.id());
    }
  }

  // ------------------------------------------------------------------ SendMessage

  void send(A2aCall call, String agent, ObjectNode params, boolean stream) {
    ObjectNode message = A2aWire.parseMessage(params.get("message"), call.dialect);
    JsonNode conf = params.path("configuration");
    boolean blocking = call.dialect == A2aWire.Dialect.V1 ? !conf.path("returnImmediately").asBoolean(false)
        : conf.path("blocking").asBoolean(true);
    int history = conf.path("historyLength").isInt() ? conf.get("historyLength").asInt() : -1;
    onGateway(call, g -> {
      String taskId = A2aWire.text(message, "taskId");
      if (taskId != null) {
        continueTask(call, g, agent, taskId, message, stream, blocking, history);
      } else {
        newTask(call, g, agent, message, stream, blocking, history);
      }
    });
  }

  private void newTask(A2aCall call, A2aGateway g, String agent, ObjectNode message, boolean stream,
      boolean blocking, int history) {
    if (g.openTasks(call.caller) >= face.options().getMaxOpenTasksPerCaller()) {
      face.access().limitHit("a2a_open_tasks");
      throw new A2aError(A2aError.Kind.LIMIT, "caller '" + call.caller + "' has "
          + face.options().getMaxOpenTasksPerCaller() + " open tasks on this node, the limit"
          + " (a2a-max-open-tasks-per-caller)");
    }
    if (stream && !g.openStream(call.caller)) {
      throw streamLimit(call.caller);
    }
    String contextId = A2aWire.text(message, "contextId");
    if (contextId == null) {
      contextId = UUID.randomUUID().toString();
    }
    String taskId = A2aGateway.newTaskId();
    A2aTask task = new A2aTask(taskId, contextId, call.caller, agent);
    task.userMessage(message);
    Future<ObjectNode> payload;
    try {
      payload = payload(g, message);
    } catch (A2aError e) {
      if (stream) {
        g.closeStream(call.caller);
      }
      throw e;
    }
    if (stream) {
      openStream(call, g, task);
    }
    g.add(task);
    payload.compose(p -> {
      ObjectNode metadata = A2aWire.JSON.objectNode().put("stream", true)
          .put("session_id", call.caller + "/" + task.contextId()).put("on_behalf_of", call.caller)
          .put("a2a_message_id", message.path("messageId").asText());
      if (message.get("metadata") instanceof ObjectNode md) {
        metadata.set("a2a_metadata", md);
      }
      Event request = Event.create(taskId, EventNames.AGENT_MESSAGE, null, "agent:" + agent, p, metadata, 0, null,
          true, -1);
      int size = face.codec().encodeEvent(request).length();
      int max = face.serverOptions().getMaxMessageSize();
      if (size > max) {
        face.access().limitHit("a2a_event_size");
        return Future.failedFuture(new A2aError(A2aError.Kind.TOO_LARGE, "the message makes an event of " + size
            + " bytes, the limit is " + max + " (max-message-size); send large content as file or url parts"));
      }
      return g.publish(request);
    }).onComplete(ar -> g.context().runOnContext(v -> {
      if (ar.failed()) {
        if (!A2aError.notConnected(ar.cause()) && !stream) {
          g.forget(task);
          call.error(A2aError.of(ar.cause()));
          return;
        }
        g.ended(task);
        task.end(A2aError.notConnected(ar.cause()) ? A2aWire.REJECTED : A2aWire.FAILED,
            ar.cause().getMessage());
        if (!stream) {
          call.result(A2aWire.sendResult(task.toJson(history), call.dialect));
        }
        return;
      }
      LOG.debug("A2A task {} of caller {} to {} in {}", taskId, call.caller, agent, call.workspace);
      if (!stream) {
        answerWhenSettled(call, g, task, blocking, history);
      }
    }));
  }

  private void continueTask(A2aCall call, A2aGateway g, String agent, String taskId, ObjectNode message,
      boolean stream, boolean blocking, int history) {
    A2aTask task = g.local(taskId);
    if (task == null || !task.caller().equals(call.caller) || !task.target().equals(agent)) {
      g.find(call.caller, taskId).onComplete(ar -> g.context().runOnContext(v -> call.error(ar.failed()
          ? A2aError.of(ar.cause()) : new A2aError(A2aError.Kind.UNSUPPORTED, "task '" + taskId
          + "' is followed by another node; send its next message there"))));
      return;
    }
    String ctx = A2aWire.text(message, "contextId");
    if (ctx != null && !ctx.equals(task.contextId())) {
      throw A2aError.invalidParams("task '" + taskId + "' belongs to context '" + task.contextId() + "', not '"
          + ctx + "'");
    }
    if (task.ended()) {
      throw new A2aError(A2aError.Kind.UNSUPPORTED, "task '" + taskId + "' is " + task.state()
          + " and takes no more messages; send a new message (no taskId) in context '" + task.contextId() + "'");
    }
    if (task.pendingInput() == null) {
      throw new A2aError(A2aError.Kind.UNSUPPORTED, "task '" + taskId + "' is " + task.state()
          + ": it asks for no input now");
    }
    if (stream && !g.openStream(call.caller)) {
      throw streamLimit(call.caller);
    }
    ObjectNode answer = A2aWire.JSON.objectNode().put("run_id", taskId);
    StringBuilder text = new StringBuilder();
    for (JsonNode part : message.path("parts")) {
      if (part.path("text").isTextual()) {
        text.append(text.length() > 0 ? "\n" : "").append(part.get("text").asText());
      } else if (part.get("data") instanceof ObjectNode data) {
        data.fields().forEachRemaining(f -> {
          if (!f.getKey().equals("run_id")) {
            answer.set(f.getKey(), f.getValue());
          }
        });
      }
    }
    if (text.length() > 0 && !answer.has("answer")) {
      answer.put("answer", text.toString());
    }
    Event input = Event.create(UUID.randomUUID().toString(), RunNames.INPUT, null, "agent:" + task.target(),
        answer, null, 0, task.pendingInput(), false, -1);
    task.userMessage(message);
    task.answered();
    if (stream) {
      openStream(call, g, task);
    }
    g.publish(input).onComplete(ar -> g.context().runOnContext(v -> {
      if (ar.failed()) {
        g.ended(task);
        task.end(A2aWire.FAILED, "the answer could not be sent: " + ar.cause().getMessage());
      }
      if (!stream) {
        answerWhenSettled(call, g, task, blocking, history);
      }
    }));
  }

  /** Answers a blocking send when the task ends or asks for input (or after the wait); a non-blocking one now. */
  private void answerWhenSettled(A2aCall call, A2aGateway g, A2aTask task, boolean blocking, int history) {
    if (!blocking || task.ended() || task.state().equals(A2aWire.INPUT_REQUIRED)) {
      call.result(A2aWire.sendResult(task.toJson(history), call.dialect));
      return;
    }
    long[] timer = {-1};
    Consumer<A2aTask.Update> f = new Consumer<>() {
      @Override
      public void accept(A2aTask.Update u) {
        if (u.last()) {
          task.unfollow(this);
          face.vertx().cancelTimer(timer[0]);
          if (task.ended()) {
            g.ended(task);
          }
          call.result(A2aWire.sendResult(task.toJson(history), call.dialect));
        }
      }
    };
    task.follow(f);
    timer[0] = face.vertx().setTimer(face.options().getBlockingWait().toMillis(), t -> g.context().runOnContext(
        v -> {
          task.unfollow(f);
          call.result(A2aWire.sendResult(task.toJson(history), call.dialect));
        }));
    call.response.closeHandler(v -> g.context().runOnContext(x -> {
      task.unfollow(f);
      face.vertx().cancelTimer(timer[0]);
    }));
  }

  /** Streams a task: its snapshot, then every update until it ends or asks for input. */
  private void openStream(A2aCall call, A2aGateway g, A2aTask task) {
    Consumer<A2aTask.Update> f = new Consumer<>() {
      @Override
      public void accept(A2aTask.Update u) {
        if (u.last()) {
          task.unfollow(this);
          if (task.ended()) {
            g.ended(task);
          }
        }
        call.event(u.event(), u.last());
      }
    };
    call.openStream(face.vertx(), face.options().getKeepalive().toMillis(), () -> g.context().runOnContext(v -> {
      task.unfollow(f);
      g.closeStream(call.caller);
    }));
    call.event(task.taskEvent(), false);
    task.follow(f);
  }

  /** The run's payload: the text parts as {@code text}, data parts as {@code data}, files as attachments. */
  private Future<ObjectNode> payload(A2aGateway g, ObjectNode message) {
    ObjectNode p = A2aWire.JSON.objectNode();
    StringBuilder text = new StringBuilder();
    ArrayNode data = A2aWire.JSON.arrayNode();
    ArrayNode refs = A2aWire.JSON.arrayNode();
    List<ObjectNode> inline = new ArrayList<>();
    long maxFile = face.serverOptions().getFiles().getMaxFileSize();
    for (JsonNode part : message.path("parts")) {
      if (part.path("text").isTextual()) {
        text.append(text.length() > 0 ? "\n" : "").append(part.get("text").asText());
      } else if (part.has("data")) {
        data.add(part.get("data"));
      } else if (part.path("url").isTextual()) {
        ObjectNode r = refs.addObject().put("url", part.get("url").asText());
        if (part.path("filename").isTextual()) {
          r.put("name", part.get("filename").asText());
        }
        if (part.path("mediaType").isTextual()) {
          r.put("media_type", part.get("mediaType").asText());
        }
      } else if (part.path("raw").isTextual()) {
        long approx = part.get("raw").asText().length() / 4L * 3;
        if (approx > maxFile + 3) {
          face.access().limitHit("a2a_file_size");
          throw new A2aError(A2aError.Kind.TOO_LARGE, "file part '" + part.path("filename").asText("file")
              + "' is about " + approx + " bytes, the limit is " + maxFile + " (files-max-file-size); send it as a"
              + " url part");
        }
        inline.add((ObjectNode) part);
      }
    }
    int maxFiles = face.serverOptions().getFiles().getMaxAttachments();
    if (inline.size() > maxFiles) {
      throw new A2aError(A2aError.Kind.LIMIT, "the message has " + inline.size() + " file parts, the limit is "
          + maxFiles);
    }
    if (text.length() > 0) {
      p.put("text", text.toString());
    }
    if (data.size() == 1) {
      p.set("data", data.get(0));
    } else if (data.size() > 1) {
      p.set("data", data);
    }
    if (!refs.isEmpty()) {
      p.set("references", refs);
    }
    if (inline.isEmpty()) {
      return Future.succeededFuture(p);
    }
    List<Future<StoredFile>> uploads = new ArrayList<>();
    for (ObjectNode part : inline) {
      byte[] bytes;
      try {
        bytes = Base64.getDecoder().decode(part.get("raw").asText());
      } catch (IllegalArgumentException e) {
        throw A2aError.invalidParams("a raw part is not base64: " + e.getMessage());
      }
      uploads.add(face.files().put(g.workspace(), g.agentId(),
          FileNames.safeName(part.path("filename").asText(null)),
          FileNames.mediaType(part.path("mediaType").asText(null)), new BufferReadStream(
              io.vertx.core.buffer.Buffer.buffer(bytes), g.context())));
    }
    return Future.all(uploads).map(all -> {
      ArrayNode atts = p.putArray("attachments");
      for (Future<StoredFile> u : uploads) {
        StoredFile f = u.result();
        atts.addObject().put("file_id", f.fileId()).put("name", f.name()).put("media_type", f.mediaType())
            .put("size", f.size()).put("sha256", f.sha256());
      }
      return p;
    });
  }

  // ------------------------------------------------------------------ GetTask, ListTasks, SubscribeToTask

  /** Finds the caller's task of this agent, then runs {@code action} on the gateway's event loop. */
  private void withTask(A2aCall call, String agent, String taskId,
      java.util.function.BiConsumer<A2aGateway, A2aTask> action) {
    requireId(taskId);
    onGateway(call, g -> g.find(call.caller, taskId).onComplete(ar -> g.context().runOnContext(v -> {
      try {
        if (ar.failed()) {
          throw A2aError.of(ar.cause());
        }
        sameAgent(ar.result(), agent);
        action.accept(g, ar.result());
      } catch (A2aError e) {
        call.error(e);
      }
    })));
  }

  private A2aError streamLimit(String caller) {
    face.access().limitHit("a2a_streams");
    return new A2aError(A2aError.Kind.LIMIT, "caller '" + caller + "' has "
        + face.options().getMaxStreamsPerCaller() + " open streams on this node, the limit"
        + " (a2a-max-streams-per-caller)");
  }

  void get(A2aCall call, String agent, String taskId, Integer historyLength) {
    withTask(call, agent, taskId, (g, t) -> call.result(A2aWire.task(t.toJson(historyLength == null ? -1
        : Math.max(0, historyLength)), call.dialect)));
  }

  void list(A2aCall call, String agent, String contextId, Integer pageSize, String status, Integer history) {
    int size = pageSize == null ? 50 : pageSize;
    if (size < 1 || size > 100) {
      throw A2aError.invalidParams("pageSize must be 1 to 100");
    }
    boolean any = status == null || status.isBlank() || status.equals("TASK_STATE_UNSPECIFIED")
        || status.equals("UNRECOGNIZED");
    String wanted = any ? null : A2aWire.parseState(status);
    if (!any && wanted == null) {
      throw A2aError.invalidParams("unknown status '" + A2aWire.clip(status) + "'");
    }
    if (contextId == null || contextId.isBlank()) {
      throw A2aError.invalidParams("contextId is required: tasks are listed by context");
    }
    int h = history == null ? 0 : Math.max(0, history);
    onGateway(call, g -> face.core().runs().tracker().sessionRuns(call.workspace, call.caller + "/" + contextId,
        RunIndex.MAX).compose(ids -> {
          List<Future<A2aTask>> found = new ArrayList<>();
          for (String id : ids) {
            found.add(g.find(call.caller, id).otherwiseEmpty());
          }
          return Future.join(found).map(v -> found);
        }).onComplete(ar -> g.context().runOnContext(v -> {
          if (ar.failed()) {
            call.error(A2aError.of(ar.cause()));
            return;
          }
          ObjectNode out = A2aWire.JSON.objectNode();
          ArrayNode list = out.putArray("tasks");
          for (Future<A2aTask> f : ar.result()) {
            A2aTask t = f.result();
            if (t != null && t.target().equals(agent) && (wanted == null || t.state().equals(wanted))
                && list.size() < size) {
              list.add(t.toJson(h));
            }
          }
          out.put("nextPageToken", "").put("pageSize", size).put("totalSize", list.size());
          call.result(out);
        })));
  }

  /** Streams a task: its snapshot, then its updates (one snapshot and the end for a task that ended). */
  void subscribe(A2aCall call, String agent, String taskId) {
    withTask(call, agent, taskId, (g, t) -> {
      if (!g.openStream(call.caller)) {
        throw streamLimit(call.caller);
      }
      if (t.ended() || g.local(taskId) != t) {
        call.openStream(face.vertx(), face.options().getKeepalive().toMillis(),
            () -> g.context().runOnContext(x -> g.closeStream(call.caller)));
        call.event(t.taskEvent(), t.ended());
        if (!t.ended()) {
          follow(call, g, t);
        }
        return;
      }
      openStream(call, g, t);
    });
  }

  /** Follows a task another node runs, from the run tracker, until it ends or the caller leaves. */
  private void follow(A2aCall call, A2aGateway g, A2aTask t) {
    t.follow(u -> call.event(u.event(), u.last()));
    long[] timer = {-1};
    boolean[] busy = {false};
    timer[0] = face.vertx().setPeriodic(RunIndex.POLL_MS, id -> g.context().runOnContext(v -> {
      if (call.done() || t.ended()) {
        face.vertx().cancelTimer(timer[0]);
        return;
      }
      if (busy[0]) {
        return;
      }
      busy[0] = true;
      face.core().runs().tracker().get(call.workspace, t.id(), t.seq()).onComplete(ar -> g.context()
          .runOnContext(x -> {
            busy[0] = false;
            if (ar.succeeded() && ar.result() != null) {
              for (Event e : ar.result().events()) {
                t.apply(A2aWire.JSON.objectNode().put("event_id", e.eventId()).put("event_name", e.eventName())
                    .set("payload", e.payload()));
              }
            }
          }));
    }));
  }

  // ------------------------------------------------------------------ CancelTask

  void cancel(A2aCall call, String agent, String taskId) {
    withTask(call, agent, taskId, (g, t) -> {
      if (t.state().equals(A2aWire.CANCELED)) {
        call.result(A2aWire.task(t.toJson(-1), call.dialect));
        return;
      }
      if (t.ended()) {
        call.error(new A2aError(A2aError.Kind.TASK_NOT_CANCELABLE, "task '" + taskId + "' is already "
            + t.state() + "; only an unfinished task can be canceled"));
        return;
      }
      if (g.local(taskId) != t) {
        call.error(new A2aError(A2aError.Kind.UNSUPPORTED, "task '" + taskId
            + "' is followed by another node; cancel it there"));
        return;
      }
      long grace = face.options().getCancelGrace().toMillis();
      long[] timer = {-1};
      Consumer<A2aTask.Update> f = new Consumer<>() {
        @Override
        public void accept(A2aTask.Update u) {
          if (t.ended()) {
            t.unfollow(this);
            face.vertx().cancelTimer(timer[0]);
            g.ended(t);
            call.result(A2aWire.task(t.toJson(-1), call.dialect));
          }
        }
      };
      t.follow(f);
      timer[0] = face.vertx().setTimer(grace, x -> g.context().runOnContext(y -> {
        t.unfollow(f);
        if (!t.ended()) {
          g.ended(t);
          t.end(A2aWire.CANCELED, "canceled: agent '" + t.target() + "' did not confirm within " + grace + " ms");
        }
        call.result(A2aWire.task(t.toJson(-1), call.dialect));
      }));
      g.cancel(t, "canceled by the A2A caller " + call.caller).onFailure(e -> g.context().runOnContext(x -> {
        LOG.info("run.cancel of task {} could not be sent: {}", taskId, e.getMessage());
      }));
    });
  }

  /** Bounds of the task index reads. */
  static final class RunIndex {
    static final int MAX = dev.workspace.server.core.RunTracker.MAX_SESSION_RUNS;
    static final long POLL_MS = 500;

    private RunIndex() {
    }
  }
}
