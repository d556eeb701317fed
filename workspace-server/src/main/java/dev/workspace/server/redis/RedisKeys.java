package dev.workspace.server.redis;

import dev.workspace.server.core.Audience;
import dev.workspace.server.core.StreamKey;

/**
 * Every Redis key and pub/sub channel name the cluster uses, in one place. All start with {@code ws:}. Workspace
 * names, agent ids, channel names and node ids cannot hold {@code :}, {@code {} or {@code }}, so the names cannot
 * collide.
 *
 * <p>Every key and channel of one workspace carries the hash tag {@code {<workspace>}}, so that in a Redis Cluster
 * they all live in one slot (each script touches one slot) while workspaces spread over the shards. A node's keys
 * carry {@code {<node id>}}, and the set of nodes its own tag.
 */
final class RedisKeys {
  /** Ids of every node that has joined the cluster and not been swept. */
  static final String NODES = "ws:{cluster}:nodes";
  /** The set of nodes of the layout before hash tags: its presence means nodes of that layout use this Redis. */
  static final String OLD_LAYOUT_NODES = "ws:nodes";

  private RedisKeys() {
  }

  /** @return the hash of a stream's {@code seq} (last offset) and {@code epoch} */
  static String streamMeta(String workspace, StreamKey stream) {
    return ws(workspace) + ":s:" + stream + ":meta";
  }

  /** @return the Redis stream holding a stream's bounded history, one entry {@code <offset>-0} per event */
  static String streamLog(String workspace, StreamKey stream) {
    return ws(workspace) + ":s:" + stream + ":log";
  }

  /** @return the hash of connected agents: agent id to record JSON */
  static String agents(String workspace) {
    return ws(workspace) + ":agents";
  }

  /** @return the set of channel names */
  static String channels(String workspace) {
    return ws(workspace) + ":channels";
  }

  /** @return the set of a channel's members */
  static String members(String workspace, String channel) {
    return ws(workspace) + ":members:" + channel;
  }

  /** @return the set of channels an agent is a member of */
  static String joined(String workspace, String agentId) {
    return ws(workspace) + ":joined:" + agentId;
  }

  /** @return the marker, with an expiry, of an agent that left recently and whose inbox is kept */
  static String departed(String workspace, String agentId) {
    return ws(workspace) + ":departed:" + agentId;
  }

  /** @return the prefix of every key and channel of a workspace, with its hash tag */
  static String ws(String workspace) {
    return "ws:{" + workspace + "}";
  }

  /** @return the heartbeat key of a node, set with an expiry */
  static String alive(String nodeId) {
    return node(nodeId) + ":alive";
  }

  /** @return the set of workspaces a node registered agents in */
  static String nodeWorkspaces(String nodeId) {
    return node(nodeId) + ":workspaces";
  }

  /**
   * @return the set of {@code agent TAB session} entries registered through a node in one workspace; in the
   *     workspace's slot, so that registering stays one script
   */
  static String nodeAgents(String workspace, String nodeId) {
    return ws(workspace) + ":node:" + nodeId;
  }

  /** @return the prefix of {@link #nodeAgents} keys of a workspace, for its scripts */
  static String nodeAgentsPrefix(String workspace) {
    return ws(workspace) + ":node:";
  }

  /** @return the prefix of a workspace's channel member sets, for its scripts */
  static String membersPrefix(String workspace) {
    return ws(workspace) + ":members:";
  }

  /** @return the lock a surviving node takes before reporting a dead node's agents */
  static String sweepLock(String nodeId) {
    return node(nodeId) + ":sweep";
  }

  /** @return the pub/sub channel of a node's control messages */
  static String control(String nodeId) {
    return node(nodeId);
  }

  private static String node(String nodeId) {
    return "ws:node:{" + nodeId + "}";
  }

  /** @return the pub/sub channel that carries an audience's traffic */
  static String channelOf(String workspace, Audience audience) {
    return switch (audience.kind()) {
      case CHANNEL -> ws(workspace) + ":ch:" + audience.name();
      case AGENT -> ws(workspace) + ":agent:" + audience.name();
      case WORKSPACE -> ws(workspace) + ":all";
    };
  }

  /** @return the hash of one run: requester, target, session_id, pool, stream, state, created, updated, seq, bytes */
  static String run(String workspace, String runId) {
    return ws(workspace) + ":run:" + runId;
  }

  /** @return the list of a run's logged events, encoded, in {@code seq} order */
  static String runLog(String workspace, String runId) {
    return ws(workspace) + ":run:" + runId + ":log";
  }

  /** @return the sorted set of the runs of one session ({@code metadata.session_id}), scored by creation */
  static String sessionRuns(String workspace, String sessionId) {
    return ws(workspace) + ":runs:session:" + sessionId;
  }

  /** @return the sorted set of a workspace's ended runs, scored by the order they ended in */
  static String endedRuns(String workspace) {
    return ws(workspace) + ":runs:ended";
  }

  /** @return the counter that orders a workspace's ended runs */
  static String endedRunsCount(String workspace) {
    return ws(workspace) + ":runs:ended:n";
  }

  /** @return the sorted set of a workspace's open runs, scored by expiry */
  static String openRuns(String workspace) {
    return ws(workspace) + ":runs:open";
  }

  /** @return the sorted set of a requester's open runs, scored by expiry */
  static String openRunsOf(String workspace, String requester) {
    return ws(workspace) + ":runs:req:" + requester;
  }

  /** @return the prefix of each target's sorted set of open runs ({@code runId TAB requester}), scored by expiry */
  static String openRunsAtPrefix(String workspace) {
    return ws(workspace) + ":runs:tgt:";
  }

  /** @return the turn counter of a pool, for round robin among equally loaded members */
  static String poolTurn(String workspace, String capability) {
    return ws(workspace) + ":pool:" + capability + ":turn";
  }

  /** @return the entry of a session in its node's agent set of the workspace */
  static String nodeEntry(String agentId, String sessionId) {
    return agentId + '\t' + sessionId;
  }
}
