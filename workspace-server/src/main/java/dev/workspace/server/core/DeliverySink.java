package dev.workspace.server.core;

/**
 * Where a {@link Broker} hands what reaches this node: the node's receivers ({@link LocalSessions}). Called from
 * any thread.
 */
public interface DeliverySink {
  /**
   * Delivers an encoded event to the local sessions that should receive it.
   *
   * @param delivery the delivery
   */
  void dispatch(Delivery delivery);

  /**
   * Delivers as {@link #dispatch} does, for a caller that makes every dispatch of the delivery's stream on this
   * node from the calling thread: the receivers whose event loop is that thread are handed the delivery at once,
   * on the thread, instead of through a task queued behind it. A stream's deliveries then still reach each
   * receiver in the order they were dispatched, since each receiver always gets them through the same path. A
   * caller that cannot promise it (several threads dispatch the same stream) must use {@link #dispatch}.
   *
   * @param delivery the delivery
   */
  default void dispatchInPlace(Delivery delivery) {
    dispatch(delivery);
  }

  /**
   * Ends this node's session of an agent because a session on another node took the agent over.
   *
   * @param workspace the workspace
   * @param agentId the agent
   * @param sessionId the session to end; nothing happens when the agent's local session is another
   */
  void replace(String workspace, String agentId, String sessionId);
}
