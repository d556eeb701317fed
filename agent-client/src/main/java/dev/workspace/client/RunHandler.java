package dev.workspace.client;

/** Runs the tasks other agents send to a host ({@link AgentClient#host}). */
@FunctionalInterface
public interface RunHandler {
  /**
   * Called on the client's context for each run; it must not block, and must end the run (with
   * {@link RunContext#complete}, {@link RunContext#fail}, {@link RunContext#canceled} or {@link RunContext#reject}),
   * now or later. An exception it throws ends the run with {@code run.failed {code: "handler_error"}}.
   *
   * @param run the run
   */
  void handle(RunContext run);
}
