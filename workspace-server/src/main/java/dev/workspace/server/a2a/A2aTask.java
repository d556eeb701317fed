package dev.workspace.server.a2a;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.workspace.model.RunNames;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.function.Consumer;

/**
 * One A2A task: a run of a workspace agent seen from the caller's side. The run's events (progress, questions,
 * the end) move it on and become A2A stream events (status and artifact updates), which go to whoever follows the
 * task. Kept in the v1.0 shape ({@link A2aWire}). Owned by the gateway's event loop.
 */
final class A2aTask {
  /** Most messages kept in the history. */
  static final int MAX_HISTORY = 50;
  /** Most artifacts kept. */
  static final int MAX_ARTIFACTS = 50;

  /** A stream event and whether it ends the stream (the task ended or asks for input). */
  record Update(ObjectNode event, boolean last) {
  }

  private final String id;
  private final String contextId;
  private final String caller;
  private final String target;
  private final List<ObjectNode> history = new ArrayList<>();
  private final LinkedHashMap<String, ObjectNode> artifacts = new LinkedHashMap<>();
  private final List<Consumer<Update>> followers = new ArrayList<>();
  private String state = A2aWire.SUBMITTED;
  private ObjectNode statusMessage;
  private String timestamp = Instant.now().toString();
  private String pendingInput;
  private long seq;
  private int messages;

  A2aTask(String id, String contextId, String caller, String target) {
    this.id = id;
    this.contextId = contextId;
    this.caller = caller;
    this.target = target;
  }

  String id() {
    return id;
  }

  String contextId() {
    return contextId;
  }

  String caller() {
    return caller;
  }

  String target() {
    return target;
  }

  String state() {
    return state;
  }

  boolean ended() {
    return A2aWire.terminal(state);
  }

  String pendingInput() {
    return pendingInput;
  }

  /** @return the {@code seq} of the last run event applied */
  long seq() {
    return seq;
  }

  /** Adds a message of the caller to the history. */
  void userMessage(ObjectNode message) {
    ObjectNode m = message.deepCopy().put("taskId", id).put("contextId", contextId);
    addHistory(m);
  }

  private void addHistory(ObjectNode m) {
    history.add(m);
    if (history.size() > MAX_HISTORY) {
      history.remove(0);
    }
  }

  /** @param follower receives every update until it is removed or the task ends */
  void follow(Consumer<Update> follower) {
    followers.add(follower);
  }

  void unfollow(Consumer<Update> follower) {
    followers.remove(follower);
  }

  /** The caller answered the question: the task works again. */
  void answered() {
    pendingInput = null;
    setStatus(A2aWire.WORKING, null);
  }

  /** Ends the task without the agent: refused before it reached the agent, or canceled after the grace. */
  void end(String newState, String text) {
    if (ended()) {
      return;
    }
    ObjectNode message = text == null ? null : A2aWire.agentMessage(id + "-" + newState.toLowerCase(), id,
        contextId, A2aWire.JSON.arrayNode().add(A2aWire.textPart(text)));
    setStatus(newState, message);
    if (message != null) {
      addHistory(message);
    }
    emit(statusUpdate(null), true);
  }

  /**
   * Applies one event of the run: sent by the agent, or by the server when the agent left.
   *
   * @param event the event as the session delivered it
   */
  void apply(ObjectNode event) {
    long s = event.path("payload").path("seq").asLong(0);
    if (s > 0 && s <= seq) {
      return;
    }
    if (s > 0) {
      seq = s;
    }
    if (ended()) {
      return;
    }
    String name = event.path("event_name").asText();
    JsonNode p = event.path("payload");
    String eventId = event.path("event_id").asText(id + "-" + seq);
    switch (name) {
      case RunNames.THINKING, RunNames.TOOL_CALL, RunNames.TOOL_RESULT -> {
        ObjectNode data = A2aWire.JSON.objectNode().put("type", name.substring(RunNames.PROGRESS_PREFIX.length()));
        p.fields().forEachRemaining(f -> {
          if (!f.getKey().equals("seq")) {
            data.set(f.getKey(), f.getValue());
          }
        });
        ObjectNode message = A2aWire.agentMessage(eventId, id, contextId,
            A2aWire.JSON.arrayNode().add(A2aWire.dataPart(data)));
        setStatus(A2aWire.WORKING, message);
        emit(statusUpdate(A2aWire.JSON.objectNode().put("event_name", name)), false);
      }
      case RunNames.TEXT -> {
        String text = p.path("text").asText("");
        String artifactId = id + "-text";
        ObjectNode existing = artifacts.get(artifactId);
        boolean append = existing != null;
        if (existing == null) {
          existing = A2aWire.JSON.objectNode().put("artifactId", artifactId).put("name", "response");
          existing.putArray("parts").add(A2aWire.textPart(text));
          putArtifact(existing);
        } else {
          ObjectNode part = (ObjectNode) existing.withArray("parts").get(0);
          part.put("text", part.path("text").asText("") + text);
        }
        moveToWorking();
        ObjectNode chunk = A2aWire.JSON.objectNode().put("artifactId", artifactId).put("name", "response");
        chunk.putArray("parts").add(A2aWire.textPart(text));
        emit(artifactUpdate(chunk, append, false), false);
      }
      case RunNames.ARTIFACT -> {
        String artifactId = p.path("artifact_id").asText(eventId);
        ObjectNode a = A2aWire.JSON.objectNode().put("artifactId", artifactId);
        if (p.path("name").isTextual()) {
          a.put("name", p.get("name").asText());
        }
        ArrayNode parts = a.putArray("parts");
        if (p.get("parts") instanceof ArrayNode given) {
          for (JsonNode part : given) {
            if (part instanceof ObjectNode o && (o.has("text") || o.has("data") || o.has("url") || o.has("raw"))) {
              parts.add(o);
            }
          }
        }
        attachmentParts(p, parts);
        putArtifact(a);
        moveToWorking();
        emit(artifactUpdate(a, false, true), false);
      }
      case RunNames.INPUT_REQUIRED -> {
        pendingInput = event.path("event_id").asText(null);
        ArrayNode parts = A2aWire.JSON.arrayNode();
        if (p.path("text").isTextual()) {
          parts.add(A2aWire.textPart(p.get("text").asText()));
        }
        ObjectNode data = A2aWire.JSON.objectNode().put("type", "input_required");
        p.fields().forEachRemaining(f -> {
          if (!f.getKey().equals("seq") && !f.getKey().equals("text")) {
            data.set(f.getKey(), f.getValue());
          }
        });
        parts.add(A2aWire.dataPart(data));
        ObjectNode message = A2aWire.agentMessage(eventId, id, contextId, parts);
        setStatus(A2aWire.INPUT_REQUIRED, message);
        addHistory(message);
        emit(statusUpdate(A2aWire.JSON.objectNode().put("event_name", name)), true);
      }
      default -> {
        String newState = switch (name) {
          case RunNames.FAILED -> A2aWire.FAILED;
          case RunNames.CANCELED -> A2aWire.CANCELED;
          case RunNames.REJECTED -> A2aWire.REJECTED;
          default -> name.startsWith(RunNames.PROGRESS_PREFIX) ? null : A2aWire.COMPLETED;
        };
        if (newState == null) {
          moveToWorking();
          return;
        }
        ArrayNode parts = A2aWire.JSON.arrayNode();
        if (newState.equals(A2aWire.COMPLETED)) {
          if (p.path("text").isTextual()) {
            parts.add(A2aWire.textPart(p.get("text").asText()));
          }
          if (p.has("data")) {
            parts.add(A2aWire.dataPart(p.get("data")));
          }
          attachmentParts(p, parts);
        } else {
          String code = p.path("code").asText(null);
          String text = p.path("message").isTextual() ? p.get("message").asText()
              : p.path("reason").isTextual() ? p.get("reason").asText() : null;
          if (text != null || code != null) {
            parts.add(A2aWire.textPart(code == null ? text : text == null ? code : code + ": " + text));
          }
        }
        ObjectNode message = parts.isEmpty() ? null : A2aWire.agentMessage(eventId, id, contextId, parts);
        pendingInput = null;
        setStatus(newState, message);
        if (message != null) {
          addHistory(message);
        }
        emit(statusUpdate(A2aWire.JSON.objectNode().put("event_name", name)), true);
      }
    }
  }

  private static void attachmentParts(JsonNode p, ArrayNode parts) {
    if (p.get("attachments") instanceof ArrayNode atts) {
      for (JsonNode a : atts) {
        if (a.path("file_id").isTextual()) {
          ObjectNode part = A2aWire.JSON.objectNode().put("url", "/api/files/" + a.get("file_id").asText());
          if (a.path("name").isTextual()) {
            part.put("filename", a.get("name").asText());
          }
          if (a.path("media_type").isTextual()) {
            part.put("mediaType", a.get("media_type").asText());
          }
          parts.add(part);
        }
      }
    }
  }

  private void putArtifact(ObjectNode a) {
    artifacts.put(a.path("artifactId").asText(), a);
    if (artifacts.size() > MAX_ARTIFACTS) {
      artifacts.remove(artifacts.keySet().iterator().next());
    }
  }

  private void moveToWorking() {
    if (!state.equals(A2aWire.WORKING)) {
      setStatus(A2aWire.WORKING, null);
      emit(statusUpdate(null), false);
    }
  }

  private void setStatus(String newState, ObjectNode message) {
    state = newState;
    statusMessage = message;
    timestamp = Instant.now().toString();
  }

  private void emit(ObjectNode event, boolean last) {
    Update u = new Update(event, last);
    for (Consumer<Update> f : new ArrayList<>(followers)) {
      f.accept(u);
    }
    if (ended()) {
      followers.clear();
    }
  }

  // ------------------------------------------------------------------ v1.0 shapes

  ObjectNode status() {
    ObjectNode s = A2aWire.JSON.objectNode().put("state", state);
    if (statusMessage != null) {
      s.set("message", statusMessage);
    }
    s.put("timestamp", timestamp);
    return s;
  }

  /**
   * @param historyLength most history messages, or -1 for all that are kept
   * @return the task as {@code GetTask} answers it
   */
  ObjectNode toJson(int historyLength) {
    ObjectNode t = A2aWire.JSON.objectNode().put("id", id).put("contextId", contextId);
    t.set("status", status());
    if (!artifacts.isEmpty()) {
      ArrayNode a = t.putArray("artifacts");
      artifacts.values().forEach(a::add);
    }
    int n = historyLength < 0 ? history.size() : Math.min(historyLength, history.size());
    if (n > 0) {
      ArrayNode h = t.putArray("history");
      history.subList(history.size() - n, history.size()).forEach(h::add);
    }
    t.putObject("metadata").put("workspace_agent", target);
    return t;
  }

  /** @return {@code {task}}: the first event of a stream */
  ObjectNode taskEvent() {
    ObjectNode o = A2aWire.JSON.objectNode();
    o.set("task", toJson(-1));
    return o;
  }

  private ObjectNode statusUpdate(ObjectNode metadata) {
    ObjectNode u = A2aWire.JSON.objectNode().put("taskId", id).put("contextId", contextId);
    u.set("status", status());
    if (metadata != null) {
      u.set("metadata", metadata);
    }
    ObjectNode o = A2aWire.JSON.objectNode();
    o.set("statusUpdate", u);
    return o;
  }

  private ObjectNode artifactUpdate(ObjectNode artifact, boolean append, boolean lastChunk) {
    ObjectNode u = A2aWire.JSON.objectNode().put("taskId", id).put("contextId", contextId);
    u.set("artifact", artifact);
    u.put("append", append).put("lastChunk", lastChunk);
    ObjectNode o = A2aWire.JSON.objectNode();
    o.set("artifactUpdate", u);
    return o;
  }

  /** @return the terminal update a subscriber to an ended task receives after the snapshot */
  ObjectNode finalUpdate() {
    return statusUpdate(null);
  }

  /**
   * Rebuilds a task from the run tracker's record (a task this node did not start, or forgot).
   *
   * @param runId the run id
   * @param contextId the context id
   * @param caller the caller
   * @param target the agent
   * @param runState the tracker's state
   * @param events the logged events
   * @return the task
   */
  static A2aTask fromRun(String runId, String contextId, String caller, String target, String runState,
      Iterable<ObjectNode> events) {
    A2aTask t = new A2aTask(runId, contextId, caller, target);
    for (ObjectNode e : events) {
      t.apply(e);
    }
    String tracked = A2aWire.stateOfRun(runState);
    if (!t.state.equals(tracked) && !t.ended()) {
      t.setStatus(tracked, t.statusMessage);
    }
    return t;
  }
}
