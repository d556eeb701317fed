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
   * Ends this node's session of an agent because a session on another node took the agent over.
   *
   * @param workspace the workspace
   * @param agentId the agent
   * @param sessionId the session to end; nothing happens when the agent's local session is another
   */
  void replace(String workspace, String agentId, String sessionId);
}
