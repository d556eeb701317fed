package dev.workspace.model;

import java.util.Map;

/**
 * The event names of runs: a run is a request ({@code requires_response: true}) whose {@code event_id} is the run
 * id; the responder answers with progress, questions and one terminal event, all with {@code response_to} set to
 * the run id; the requester answers questions with {@link #INPUT} and stops a run with {@link #CANCEL}. See
 * {@code docs/PROTOCOL.md}, section Runs.
 */
public final class RunNames {
  /** Prefix of every progress event name. */
  public static final String PROGRESS_PREFIX = "run.progress.";
  /** The responder is thinking: {@code id, status ("running"|"done"), text?, model?, duration_ms?, usage?}. */
  public static final String THINKING = "run.progress.thinking";
  /** The responder calls a tool: {@code tool_call_id, name, args}. */
  public static final String TOOL_CALL = "run.progress.tool_call";
  /** A tool call ended: {@code tool_call_id, status ("done"|"error"), result, timing_ms}. */
  public static final String TOOL_RESULT = "run.progress.tool_result";
  /** A chunk of streamed text: {@code text, append}. */
  public static final String TEXT = "run.progress.text";
  /** An artifact: {@code artifact_id, name, parts?, attachments?}. */
  public static final String ARTIFACT = "run.progress.artifact";
  /** The responder asks the requester something; its own {@code event_id} is the input id. */
  public static final String INPUT_REQUIRED = "run.input_required";
  /** The run ended with a result: {@code text?, data?, attachments?}. */
  public static final String COMPLETED = "run.completed";
  /** The run ended with a failure: {@code code, message}. */
  public static final String FAILED = "run.failed";
  /** The run ended because it was canceled: {@code reason?}. */
  public static final String CANCELED = "run.canceled";
  /** The responder refused the run: {@code message}. */
  public static final String REJECTED = "run.rejected";
  /** The requester answers a {@link #INPUT_REQUIRED}: {@code response_to} is the question's event id. */
  public static final String INPUT = "run.input";
  /** The requester asks the responder to stop a run: {@code run_id, reason?}. */
  public static final String CANCEL = "run.cancel";
  /** The {@code run.failed} code the server sends when the responder went away with the run open. */
  public static final String AGENT_DISCONNECTED = "agent_disconnected";

  /** Run states, as the tracker reports them. */
  public static final String SUBMITTED = "submitted";
  /** A progress event arrived. */
  public static final String WORKING = "working";
  /** A question waits for the requester. */
  public static final String INPUT_REQUIRED_STATE = "input_required";

  private static final Map<String, String> TERMINAL = Map.of(COMPLETED, "completed", FAILED, "failed",
      CANCELED, "canceled", REJECTED, "rejected");

  private RunNames() {
  }

  /**
   * @param eventName an event name
   * @return whether an event of that name, sent in answer to a request, leaves the request open (progress or a
   *     question); any other answer ends it
   */
  public static boolean isInterim(String eventName) {
    return eventName.startsWith(PROGRESS_PREFIX) || eventName.equals(INPUT_REQUIRED);
  }

  /**
   * @param eventName the name of the event that ended a run
   * @return the run's final state: {@code completed}, {@code failed}, {@code canceled} or {@code rejected};
   *     any other name (a plain reply such as {@code agent.response}) counts as {@code completed}
   */
  public static String terminalState(String eventName) {
    return TERMINAL.getOrDefault(eventName, "completed");
  }

  /**
   * @param state a run state
   * @return whether the run has ended
   */
  public static boolean isTerminalState(String state) {
    return TERMINAL.containsValue(state);
  }
}
