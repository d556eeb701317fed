package dev.workspace.client;

import dev.workspace.model.Event;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import java.util.List;

/**
 * A run started with {@link RemoteAgent#start}: the responder's progress and questions arrive, in order and each
 * once (across reconnects too), at the {@link #handler}; questions are answered with {@link #respond},
 * {@link #approve} or {@link #reject}. Every method may be called from any thread; handlers run on the client's
 * context.
 */
public interface Run {
  /** @return the run id (the request's {@code event_id}) */
  String id();

  /**
   * @return the agent that runs it, once the server accepted the request (for a pool, the member it chose); fails
   *     as {@link AgentClient#sendEvent} fails ({@link FailureKind#NOT_FOUND} when no such agent is connected)
   */
  Future<String> accepted();

  /**
   * Sets the handler of the run's progress ({@code run.progress.*}) and questions ({@code run.input_required});
   * events that came before it was set are handed to it first, in order. The terminal event goes to
   * {@link #result()} only.
   *
   * @param handler the handler
   * @return this
   */
  Run handler(Handler<Event> handler);

  /** @return the current state */
  RunState state();

  /** @return the question that waits for an answer, or {@code null} */
  Event pendingInput();

  /**
   * Answers the pending question.
   *
   * @param answer the answer
   * @return completes when the server took it; fails {@link FailureKind#INVALID} when no question waits
   */
  Future<Void> respond(String answer);

  /**
   * Answers the pending question with several choices ({@code multi_select}).
   *
   * @param answers the answers
   * @return as {@link #respond(String)}
   */
  Future<Void> respond(List<String> answers);

  /**
   * Approves the pending approval or plan review.
   *
   * @param scope for this call only, or for the rest of the session
   * @return as {@link #respond(String)}
   */
  Future<Void> approve(ApprovalScope scope);

  /**
   * Rejects the pending approval or plan review.
   *
   * @param feedback why, or {@code null}
   * @return as {@link #respond(String)}
   */
  Future<Void> reject(String feedback);

  /**
   * Asks the responder to stop, and waits for the run's end.
   *
   * @return true when the run ended {@code canceled}, false when it ended otherwise (the cancel came too late)
   */
  Future<Boolean> cancel();

  /**
   * @return the result once the run completed; fails {@link FailureKind#FAILED} ({@code run.failed}),
   *     {@link FailureKind#UNAVAILABLE} when the responder went away ({@code agent_disconnected}),
   *     {@link FailureKind#CANCELED}, {@link FailureKind#REJECTED} ({@code run.rejected}), {@link FailureKind#TIMEOUT}
   *     when nothing came from the run for the remote agent's timeout (default 60 s), or as {@link #accepted()}
   */
  Future<RunResult> result();
}
