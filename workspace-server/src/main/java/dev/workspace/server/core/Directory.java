package dev.workspace.server.core;

import io.vertx.core.Future;
import java.util.List;

/**
 * Who is connected and who is in which channel, for the whole workspace (every node). {@link MemoryDirectory}
 * serves one node alone; a Redis directory serves a cluster.
 */
public interface Directory {
  /**
   * Records an agent as connected.
   *
   * @param agent the agent
   * @return the record it replaced (same workspace and agent id), or {@code null}
   */
  Future<AgentRecord> register(AgentRecord agent);

  /**
   * Removes an agent if its current record is this session's.
   *
   * @param workspace the workspace
   * @param agentId the agent
   * @param sessionId the session that ends
   * @return whether the record was removed (false when another session took over)
   */
  Future<Boolean> unregister(String workspace, String agentId, String sessionId);

  /**
   * @param workspace the workspace
   * @param agentId the agent
   * @return its record, or {@code null} when it is not connected
   */
  Future<AgentRecord> agent(String workspace, String agentId);

  /**
   * Whether an agent that is not connected left recently enough that its inbox still takes events for it to
   * recover when it comes back.
   *
   * @param workspace the workspace
   * @param agentId the agent
   * @return whether its inbox is still kept
   */
  default Future<Boolean> inboxKept(String workspace, String agentId) {
    return Future.succeededFuture(false);
  }

  /**
   * Replaces an agent's metadata if its current record is this session's.
   *
   * @param workspace the workspace
   * @param agentId the agent
   * @param sessionId the session that asks
   * @param metadata the new metadata
   * @return whether the record was updated
   */
  Future<Boolean> updateMetadata(String workspace, String agentId, String sessionId,
      com.fasterxml.jackson.databind.node.ObjectNode metadata);

  /**
   * Whether an agent can take a direct event now: its record, else whether its inbox is kept.
   *
   * @param record the agent's record, or {@code null} when it is not connected
   * @param inboxKept when it is not connected, whether its inbox still takes events ({@link #inboxKept})
   */
  record Reach(AgentRecord record, boolean inboxKept) {
  }

  /**
   * Reads {@link #agent} and {@link #inboxKept} in one step, so that direct events from one sender to one agent
   * take the same path whether the agent is connected or away, and keep their order while it reconnects.
   *
   * @param workspace the workspace
   * @param agentId the agent
   * @return the agent's reach
   */
  default Future<Reach> reach(String workspace, String agentId) {
    return agent(workspace, agentId).compose(rec -> rec != null ? Future.succeededFuture(new Reach(rec, false))
        : inboxKept(workspace, agentId).map(k -> new Reach(null, k)));
  }

  /** @return every connected agent of the workspace, ordered by id */
  Future<List<AgentRecord>> agents(String workspace);

  /**
   * @param workspace the workspace
   * @return how many agents are connected to it, on any node
   */
  default Future<Integer> agentCount(String workspace) {
    return agents(workspace).map(List::size);
  }

  /**
   * Adds an agent to a channel, creating the channel when new.
   *
   * @return whether it was not yet a member
   */
  Future<Boolean> addMember(String workspace, String channel, String agentId);

  /** @return whether it was a member */
  Future<Boolean> removeMember(String workspace, String channel, String agentId);

  /** @return the channel's members, ordered; {@code null} when the channel does not exist */
  Future<List<String>> members(String workspace, String channel);

  /** @return the channels the agent is a member of, ordered */
  Future<List<String>> channelsOf(String workspace, String agentId);

  /** @return every channel of the workspace ({@code general} always among them), ordered by name */
  Future<List<ChannelInfo>> channels(String workspace);

  /**
   * Sets what the directory calls when it finds, on its own, an agent that is gone although no session of this
   * node ended: its node stopped answering, or it left while the directory's store could not be reached. A
   * directory of one node never calls it.
   *
   * @param handler reports the agent as gone; completes when done
   */
  default void departures(java.util.function.Function<AgentRecord, Future<Void>> handler) {
  }

  /** @return completes when released */
  Future<Void> close();
}
