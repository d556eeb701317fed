package dev.workspace.client;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.Future;
import java.util.List;

/**
 * The workspace the client is connected to, from {@link AgentClient#workspace()}: its channels and agents.
 */
public interface Workspace {
  /**
   * @param name a channel name (agent-id character rules)
   * @return a view of the channel; nothing is sent until a method of it is called
   * @throws IllegalArgumentException when the name breaks the rules
   */
  Channel channel(String name);

  /** @return every channel of the workspace */
  Future<List<ChannelInfo>> channels();

  /** @return every connected agent of the workspace, the same as {@link AgentClient#listAgents()} */
  Future<List<AgentInfo>> agents();

  /**
   * @param agentId an agent id
   * @return a view of the agent; nothing is sent until a method of it is called
   * @throws IllegalArgumentException when the id breaks the rules
   */
  AgentRef agent(String agentId);

  /**
   * Sends {@code agent.broadcast} with payload {@code {"text": text}} to every other connected agent.
   *
   * @param text the message
   * @return the ack
   */
  Future<PublishResult> broadcast(String text);

  /**
   * Sends an event of this name and payload to every other connected agent.
   *
   * @param eventName a valid event name
   * @param payload the payload
   * @return the ack
   */
  Future<PublishResult> broadcast(String eventName, ObjectNode payload);
}
