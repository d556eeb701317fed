package dev.workspace.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.workspace.model.Attachment;
import dev.workspace.model.Event;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import java.util.List;
import java.util.Map;

/**
 * One run as its host sees it ({@link AgentClient#host}): the task, who asked, and the means to report progress,
 * ask questions and end the run. Progress is sent only when the caller asked for it ({@code metadata.stream}).
 * Methods may be called from any thread; each returns a future completed when the server took the event.
 */
public interface RunContext {
  /** @return the run id */
  String runId();

  /** @return the agent that asked */
  String caller();

  /** @return the conversation ({@code metadata.session_id}), or {@code null} */
  String sessionId();

  /** @return the request event */
  Event request();

  /** @return the request's payload */
  ObjectNode input();

  /** @return the request's {@code text}, or {@code null} */
  String text();

  /**
   * @return the files the task came with ({@code payload.attachments}), readable by this agent with
   *     {@link AgentClient#files()}; empty when there are none
   */
  List<Attachment> attachments();

  /**
   * @return this conversation's memory, kept by the host per (caller, session id) for as long as the client lives
   *     (the last 1,000 conversations); a run without a session id gets a fresh one
   */
  Map<String, Object> session();

  /**
   * @param text what the agent is thinking
   * @return completes when sent
   */
  Future<Void> thinking(String text);

  /**
   * @param name the tool
   * @param args its arguments
   * @return the tool call id, to pass to {@link #toolResult}
   */
  String toolCall(String name, JsonNode args);

  /**
   * @param toolCallId the id {@link #toolCall} returned
   * @param result what the tool returned
   * @return completes when sent
   */
  Future<Void> toolResult(String toolCallId, JsonNode result);

  /**
   * @param chunk a chunk of streamed text
   * @return completes when sent
   */
  Future<Void> text(String chunk);

  /**
   * Asks the caller a question and waits for the answer.
   *
   * @param question the question
   * @param options the choices offered (may be empty)
   * @param multiSelect whether several may be chosen
   * @return the answer; fails {@link FailureKind#CANCELED} when the run is canceled meanwhile
   */
  Future<RunInput> askUser(String question, List<String> options, boolean multiSelect);

  /**
   * Asks the caller to approve a tool call. An approval with scope {@link ApprovalScope#SESSION} for the same tool
   * in the same session answers later requests at once, without asking.
   *
   * @param tool the tool
   * @param arguments its arguments
   * @return the answer ({@link RunInput#isApproved()}); fails as {@link #askUser}
   */
  Future<RunInput> requestApproval(String tool, JsonNode arguments);

  /**
   * Asks the caller to review a plan.
   *
   * @param plan the plan
   * @return the answer ({@link RunInput#isApproved()}, {@link RunInput#feedback()}); fails as {@link #askUser}
   */
  Future<RunInput> reviewPlan(String plan);

  /**
   * @param handler told the reason when the caller cancels the run; the run must still be ended, usually with
   *     {@link #canceled}
   * @return this
   */
  RunContext onCancel(Handler<String> handler);

  /** @return whether the caller asked to cancel */
  boolean isCancelRequested();

  /**
   * Ends the run with a result {@code {"text": text}}.
   *
   * @param text the result
   * @return completes when sent
   */
  Future<Void> complete(String text);

  /**
   * @param payload the result's payload
   * @return completes when sent
   */
  Future<Void> complete(ObjectNode payload);

  /**
   * Ends the run with a failure.
   *
   * @param code a short code, e.g. {@code tool_error}
   * @param message what went wrong
   * @return completes when sent
   */
  Future<Void> fail(String code, String message);

  /**
   * Ends the run as canceled.
   *
   * @param reason why, or {@code null}
   * @return completes when sent
   */
  Future<Void> canceled(String reason);

  /**
   * Refuses the run.
   *
   * @param message why
   * @return completes when sent
   */
  Future<Void> reject(String message);
}
