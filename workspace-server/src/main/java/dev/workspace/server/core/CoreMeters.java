package dev.workspace.server.core;

/**
 * What the routing core counts for the node's metrics. Every method is called on the publishing path and must be
 * cheap and thread-safe: a pre-resolved counter, no lookup, no lock.
 */
public interface CoreMeters {
  /** Counts nothing. */
  CoreMeters NONE = new CoreMeters() {
  };

  /**
   * An event an agent sent was accepted.
   *
   * @param kind its kind (never {@link EventKind#PRESENCE})
   * @param request whether it asks for a response ({@code requires_response})
   */
  default void received(EventKind kind, boolean request) {
  }

  /**
   * A run entered a state through this node: {@code submitted} when opened, {@code input_required} at each
   * question, or its final state ({@code completed}, {@code failed}, {@code canceled}, {@code rejected}).
   *
   * @param state the state
   * @param runs how many runs entered it
   */
  default void runs(String state, int runs) {
  }
}
