package dev.workspace.server.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.workspace.model.ErrorCode;
import dev.workspace.model.Event;
import dev.workspace.model.EventNames;
import dev.workspace.model.Ids;
import dev.workspace.model.ProtocolException;
import dev.workspace.server.edge.JsonRpc;
import java.util.List;

/**
 * The tools of runs: {@code ask_agent} (a request with {@code requires_response} and {@code metadata.stream}, whose
 * answers stream back as progress), {@code answer} ({@code run.input}), {@code cancel_run} ({@code run.cancel}) and
 * {@code get_run}. A {@code notifications/cancelled} for an {@code ask_agent} or {@code answer} call sends
 * {@code run.cancel}; a client that merely goes away cancels nothing.
 */
final class McpRunTools {
  private final McpFace face;
  private final McpTools tools;

  McpRunTools(McpFace face, McpTools tools) {
    this.face = face;
    this.tools = tools;
  }

  void ask(McpSession s, ToolArgs a, JsonNode progressToken, McpReply reply) {
    String target = Ids.requireAgentId(a.string("agent", true));
    if (target.equals(s.agentId())) {
      throw new ProtocolException(ErrorCode.INVALID_FRAME, "an agent cannot ask itself");
    }
    ObjectNode payload = a.object("payload");
    if (payload == null) {
      payload = JsonRpc.JSON.objectNode();
    }
    payload.put("text", a.string("text", true));
    ObjectNode metadata = JsonRpc.JSON.objectNode().put("stream", true);
    String conversation = a.string("session_id", false);
    if (conversation != null) {
      metadata.put("session_id", conversation);
    }
    long waitMs = a.waitMillis("timeout_s");
    Event request = tools.event(EventNames.AGENT_MESSAGE, "agent:" + target, payload, metadata, null, true);
    RunView run = s.track(request.eventId(), target);
    reply.stream();
    follow(s, run, waitMs, progressToken, reply);
    tools.onContext(s, tools.publish(s, request), (r, failure) -> {
      if (failure != null) {
        s.unlisten(run.runId());
        reply.result(tools.failure(s, failure));
      }
    });
  }

  void answer(McpSession s, ToolArgs a, JsonNode progressToken, McpReply reply) {
    String runId = a.string("run_id", true);
    String givenInput = a.string("input_id", false);
    ObjectNode payload = JsonRpc.JSON.objectNode().put("run_id", runId);
    String text = a.string("answer", false);
    List<String> answers = a.strings("answers", 64);
    Boolean approved = a.bool("approved");
    if (text == null && answers == null && approved == null) {
      throw ToolArgs.bad("give answer, answers or approved");
    }
    if (text != null) {
      payload.put("answer", text);
    }
    if (answers != null) {
      payload.set("answers", JsonRpc.JSON.arrayNode().addAll(answers.stream().map(JsonRpc.JSON::textNode).toList()));
    }
    if (approved != null) {
      payload.put("approved", approved);
      String scope = a.string("scope", false);
      if (scope != null && !scope.equals("once") && !scope.equals("session")) {
        throw ToolArgs.bad("'scope' must be once or session");
      }
      payload.put("scope", scope == null ? "once" : scope);
    }
    String feedback = a.string("feedback", false);
    if (feedback != null) {
      payload.put("feedback", feedback);
    }
    long waitMs = a.waitMillis("timeout_s");
    tools.onContext(s, findRun(s, runId), (run, missing) -> {
      if (missing != null) {
        reply.result(tools.failure(s, missing));
        return;
      }
      String inputId = givenInput;
      if (inputId == null) {
        if (run.pendingInput() == null) {
          reply.result(ToolArgs.failed(ErrorCode.NOT_FOUND, "run '" + run.runId() + "' has no question waiting"));
          return;
        }
        inputId = run.pendingInput().path("event_id").asText();
      }
      Event input;
      try {
        input = tools.event("run.input", "agent:" + run.target(), payload, null, inputId, false);
      } catch (ProtocolException e) {
        reply.result(ToolArgs.failed(e.code(), e.getMessage()));
        return;
      }
      reply.stream();
      follow(s, run, waitMs, progressToken, reply);
      tools.onContext(s, tools.publish(s, input), (r, failure) -> {
        if (failure != null) {
          s.unlisten(run.runId());
          reply.result(tools.failure(s, failure));
        } else {
          run.inputSent();
        }
      });
    });
  }

  void cancel(McpSession s, ToolArgs a, McpReply reply) {
    String runId = a.string("run_id", true);
    String reason = a.string("reason", false);
    tools.onContext(s, findRun(s, runId), (run, missing) -> {
      if (missing != null) {
        reply.result(tools.failure(s, missing));
        return;
      }
      tools.answer(s, reply, sendCancel(s, run, reason == null ? "canceled by the caller" : reason),
          r -> "asked " + run.target() + " to cancel run " + run.runId() + " (state " + run.state() + ")");
    });
  }

  /** {@code get_run}: the run as the server's run tracker has it, on any node. */
  void get(McpSession s, ToolArgs a, McpReply reply) {
    String runId = a.string("run_id", true);
    Long after = a.integer("after", 0, Long.MAX_VALUE);
    ObjectNode f = McpSession.frame("get_run").put("run_id", runId);
    if (after != null) {
      f.put("after_seq", after);
    }
    tools.answer(s, reply, s.request(f), McpRunTools::trackedSummary);
  }

  /** The run as this session follows it; one it does not remember is looked up in the tracker. */
  private io.vertx.core.Future<RunView> findRun(McpSession s, String runId) {
    RunView local = s.run(runId);
    if (local != null) {
      return io.vertx.core.Future.succeededFuture(local);
    }
    return s.request(McpSession.frame("get_run").put("run_id", runId)).map(r -> {
      if (!r.path("requester").asText().equals(s.agentId())) {
        throw new ProtocolException(ErrorCode.FORBIDDEN, "run '" + runId + "' was asked by another agent");
      }
      RunView view = s.track(runId, r.path("target").asText());
      for (JsonNode e : r.path("events")) {
        if (e instanceof ObjectNode event) {
          view.record(event);
        }
      }
      return view;
    });
  }

  private static String trackedSummary(ObjectNode run) {
    StringBuilder sb = new StringBuilder("run " + run.path("run_id").asText() + " of " + run.path("target").asText()
        + ": " + run.path("state").asText());
    JsonNode events = run.path("events");
    if (events.isArray() && !events.isEmpty()) {
      JsonNode last = events.get(events.size() - 1);
      JsonNode p = last.path("payload");
      String name = last.path("event_name").asText();
      if (!RunView.isProgress(name)) {
        sb.append("\n").append(name).append(": ")
            .append(p.path("text").isTextual() ? p.path("text").asText() : p.path("message").asText(p.toString()));
      }
    }
    return sb.toString();
  }

  private io.vertx.core.Future<ObjectNode> sendCancel(McpSession s, RunView run, String reason) {
    ObjectNode payload = JsonRpc.JSON.objectNode().put("run_id", run.runId()).put("reason", reason);
    return tools.publish(s, tools.event("run.cancel", "agent:" + run.target(), payload, null, null, false));
  }

  /**
   * Waits for the run's next answer: progress goes out as {@code notifications/progress}; a question, an end or
   * the wait limit answers the call.
   */
  private void follow(McpSession s, RunView run, long waitMs, JsonNode progressToken, McpReply reply) {
    int[] progress = {0};
    s.listen(run.runId(), event -> {
      String name = event.path("event_name").asText();
      if (RunView.isProgress(name)) {
        if (progressToken != null) {
          ObjectNode p = JsonRpc.JSON.objectNode();
          p.set("progressToken", progressToken);
          p.put("progress", ++progress[0]).put("message", describe(event));
          reply.notify(JsonRpc.notification("notifications/progress", p));
        }
      } else {
        reply.result(ToolArgs.ok(summary(run), run.toJson(Long.MAX_VALUE)));
      }
    });
    long timer = face.vertx().setTimer(Math.max(1, waitMs), t -> {
      ObjectNode view = run.toJson(Long.MAX_VALUE);
      reply.result(ToolArgs.ok(summary(run) + "\nThe run goes on: follow it with get_run(\"" + run.runId()
          + "\"), or stop it with cancel_run.", view));
    });
    s.onCancel(reply.id().toString(), () -> sendCancel(s, run, "the MCP client cancelled the call"));
    reply.onFinish(() -> {
      face.vertx().cancelTimer(timer);
      s.unlisten(run.runId());
    });
  }

  private static String summary(RunView run) {
    StringBuilder sb = new StringBuilder("run " + run.runId() + " of " + run.target() + ": " + run.state());
    if (run.terminal() != null) {
      JsonNode p = run.terminal().path("payload");
      if (p.path("text").isTextual()) {
        sb.append("\n").append(p.path("text").asText());
      } else if (p.path("message").isTextual()) {
        sb.append("\n").append(p.path("message").asText());
      } else if (!p.isEmpty()) {
        sb.append("\n").append(p);
      }
    } else if (run.pendingInput() != null) {
      ObjectNode q = McpTools.inputOf(run.pendingInput());
      sb.append("\n").append(run.target()).append(" asks (").append(q.path("kind").asText()).append("): ")
          .append(q.path("text").asText(""));
      if (q.path("options").isArray()) {
        sb.append(" options: ").append(McpTools.join(q.path("options")));
      }
      sb.append("\nAnswer with answer(run_id=\"").append(run.runId()).append("\", answer=...)");
    }
    return sb.toString();
  }

  private static String describe(ObjectNode event) {
    String kind = event.path("event_name").asText().substring("run.progress.".length());
    JsonNode p = event.path("payload");
    if (p.path("text").isTextual()) {
      return kind + ": " + p.path("text").asText();
    }
    if (p.path("name").isTextual()) {
      return kind + ": " + p.path("name").asText();
    }
    return kind;
  }
}
