package dev.workspace.client;

/** The state of a run, as its requester sees it and the server's tracker reports it. */
public enum RunState {
  /** The request was accepted; nothing came back yet. */
  SUBMITTED,
  /** Progress arrived. */
  WORKING,
  /** The responder asked a question that waits for an answer. */
  INPUT_REQUIRED,
  /** Ended with a result. */
  COMPLETED,
  /** Ended with a failure. */
  FAILED,
  /** Ended because it was canceled. */
  CANCELED,
  /** The responder refused it. */
  REJECTED;

  /** @return whether the run has ended */
  public boolean isTerminal() {
    return ordinal() >= COMPLETED.ordinal();
  }
}
