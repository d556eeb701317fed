package dev.workspace.server.mcp;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.workspace.server.edge.JsonRpc;
import java.util.ArrayList;
import java.util.List;

/**
 * What one MCP session saw of a run it asked for: the target, the state the answers put it in, and the answers
 * themselves (the last {@value #MAX_EVENTS}). A run is a request ({@code requires_response}) whose event id is the
 * run id; the target answers with events whose {@code response_to} is the run id: {@code run.progress.*},
 * {@code run.input_required}, then one terminal event ({@code run.completed}, {@code run.failed},
 * {@code run.canceled}, {@code run.rejected}, or a plain reply such as {@code agent.response}). Owned by the
 * session's event loop.
 */
final class RunView {
  /** Most answers remembered per run. */
  static final int MAX_EVENTS = 200;

  private final String runId;
  private final String target;
  private final long created = System.currentTimeMillis();
  private final List<ObjectNode> events = new ArrayList<>();
  private String state = "submitted";
  private long updated = created;
  private long seen;
  private ObjectNode pendingInput;
  private ObjectNode terminal;

  RunView(String runId, String target) {
    this.runId = runId;
    this.target = target;
  }

  String runId() {
    return runId;
  }

  String target() {
    return target;
  }

  String state() {
    return state;
  }

  ObjectNode terminal() {
    return terminal;
  }

  ObjectNode pendingInput() {
    return pendingInput;
  }

  boolean ended() {
    return terminal != null;
  }

  /** @return whether the event is a progress report */
  static boolean isProgress(String name) {
    return name.startsWith("run.progress.");
  }

  /** Applies one answer to the run. */
  void record(ObjectNode event) {
    String name = event.path("event_name").asText();
    seen++;
    events.add(event);
    if (events.size() > MAX_EVENTS) {
      events.remove(0);
    }
    updated = System.currentTimeMillis();
    if (terminal != null) {
      return;
    }
    if (isProgress(name)) {
      state = "working";
    } else if (name.equals("run.input_required")) {
      state = "input_required";
      pendingInput = event;
    } else {
      terminal = event;
      pendingInput = null;
      state = switch (name) {
        case "run.failed" -> "failed";
        case "run.canceled" -> "canceled";
        case "run.rejected" -> "rejected";
        default -> "completed";
      };
    }
  }

  /** A run answered with input: it works again until the next answer. */
  void inputSent() {
    if (terminal == null) {
      state = "working";
      pendingInput = null;
    }
  }

  /**
   * @param after only answers after this many (a {@code seq} of an earlier {@code get_run}), or 0
   * @return the run as {@code get_run} gives it
   */
  ObjectNode toJson(long after) {
    ObjectNode o = JsonRpc.JSON.objectNode().put("run_id", runId).put("agent", target).put("state", state)
        .put("created", created).put("updated", updated).put("seq", seen);
    long first = seen - events.size() + 1;
    ArrayNode arr = o.putArray("events");
    for (int i = 0; i < events.size(); i++) {
      if (first + i > after) {
        arr.addObject().put("seq", first + i).set("event", events.get(i));
      }
    }
    if (terminal != null) {
      o.set("result", terminal.path("payload"));
    }
    if (pendingInput != null) {
      o.set("input_required", McpTools.inputOf(pendingInput));
    }
    return o;
  }
}
