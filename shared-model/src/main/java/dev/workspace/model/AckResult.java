package dev.workspace.model;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;

/**
 * The typed {@code result} of an {@code ack}: one record per request that answers with data. The server builds
 * these and {@link FrameCodec#encodeAck(String, AckResult)} writes them; a client reads an ack's result back with
 * {@link FrameCodec#decodeResult(Class, ObjectNode)}. Fields a server left out decode as {@code null} (objects),
 * {@code 0}, {@code -1} (offsets that may be absent) or empty lists, so a client can supply its own fallbacks.
 * See {@code docs/PROTOCOL.md} for each shape on the wire.
 */
public sealed interface AckResult {

  /**
   * The answer to {@code connect}.
   *
   * @param sessionId the session's id
   * @param agentId the agent
   * @param workspace the workspace
   * @param nodeId the node that holds the session
   * @param serverTime the server's clock, epoch milliseconds
   * @param inbox the agent inbox's position
   * @param broadcast the broadcast stream's position
   * @param channels the position of every channel the session is in, in join order
   * @param recovery what was recovered, present only when the client asked to recover; else {@code null}
   * @param pingIntervalMs how often the server pings, in milliseconds; 0 leaves it out
   * @param pingTimeoutMs how long the server waits for a pong, in milliseconds; 0 leaves it out
   * @param subscriptions the session's patterns; {@code null} leaves them out
   */
  record Connected(String sessionId, String agentId, String workspace, String nodeId, long serverTime,
      StreamPosition inbox, StreamPosition broadcast, Map<String, StreamPosition> channels, Recovery recovery,
      long pingIntervalMs, long pingTimeoutMs, List<String> subscriptions) implements AckResult {
    /**
     * @param intervalMs ping interval in milliseconds
     * @param timeoutMs pong timeout in milliseconds
     * @param patterns the session's subscription patterns
     * @return this answer with the session's keep-alive and subscriptions filled in
     */
    public Connected withSession(long intervalMs, long timeoutMs, List<String> patterns) {
      return new Connected(sessionId, agentId, workspace, nodeId, serverTime, inbox, broadcast, channels, recovery,
          intervalMs, timeoutMs, List.copyOf(patterns));
    }
  }

  /**
   * What a reconnect recovered, per stream.
   *
   * @param channels per recovered channel
   * @param inbox the inbox, or {@code null}
   * @param broadcast the broadcast stream, or {@code null}
   */
  record Recovery(Map<String, Recovered> channels, Recovered inbox, Recovered broadcast) {
  }

  /**
   * Whether one stream was recovered whole.
   *
   * @param recovered {@code true} when every missed event was sent; {@code false} when history no longer held
   *     them or the epoch changed
   * @param position the stream's position now, or {@code null} when a client could not read it
   */
  record Recovered(boolean recovered, StreamPosition position) {
  }

  /**
   * The answer to {@code join}.
   *
   * @param channel the channel
   * @param offset its last offset
   * @param epoch its epoch
   * @param members how many agents are in it
   * @param recovered whether what was missed since {@code since} was all sent; {@code null} when no
   *     {@code since} was given
   */
  record Joined(String channel, long offset, String epoch, int members, Boolean recovered) implements AckResult {
  }

  /**
   * The answer to {@code leave}.
   *
   * @param channel the channel left
   */
  record Left(String channel) implements AckResult {
  }

  /**
   * The answer to {@code publish}.
   *
   * @param eventId the event's id
   * @param timestamp the server's stamp, epoch milliseconds
   * @param offset the event's offset in its stream, or -1 when it has none
   * @param queued whether it waits in the inbox of an agent that is away
   * @param agentId the pool member chosen for a {@code pool:} destination, or {@code null}
   * @param seq the event's {@code seq} in its run when it answers one, or -1
   * @param delivered false when the event was a run's progress that its requester did not ask for (logged only)
   */
  record Published(String eventId, long timestamp, long offset, boolean queued, String agentId, long seq,
      boolean delivered) implements AckResult {
    /**
     * The answer to a publish that is not part of a run or a pool.
     *
     * @param eventId the event's id
     * @param timestamp the server's stamp, epoch milliseconds
     * @param offset the event's offset in its stream, or -1
     * @param queued whether it waits in an inbox
     */
    public Published(String eventId, long timestamp, long offset, boolean queued) {
      this(eventId, timestamp, offset, queued, null, -1, true);
    }
  }

  /**
   * The answer to {@code history}: a page of a channel's events, oldest first.
   *
   * @param channel the channel
   * @param epoch the channel's epoch
   * @param events the events
   * @param hasMore whether older events match too
   * @param firstOffset the channel's first offset still in history
   * @param lastOffset the channel's last offset
   */
  record History(String channel, String epoch, List<Event> events, boolean hasMore, long firstOffset,
      long lastOffset) implements AckResult {
  }

  /**
   * The answer to {@code list_channels}.
   *
   * @param channels the channels
   */
  record ChannelList(List<ChannelSummary> channels) implements AckResult {
  }

  /**
   * One channel of a {@link ChannelList}.
   *
   * @param name the channel
   * @param members how many agents are in it
   * @param lastOffset its last offset
   * @param epoch its epoch
   */
  record ChannelSummary(String name, int members, long lastOffset, String epoch) {
  }

  /**
   * The answer to {@code list_agents}.
   *
   * @param agents the agents
   */
  record AgentList(List<AgentSummary> agents) implements AckResult {
  }

  /**
   * One agent of an {@link AgentList}.
   *
   * @param agentId the agent
   * @param metadata what it says about itself
   * @param connectedSince when its session opened, epoch milliseconds
   * @param status {@code online}
   * @param nodeId the node that holds its session
   */
  record AgentSummary(String agentId, ObjectNode metadata, long connectedSince, String status, String nodeId) {
  }

  /**
   * The answer to {@code members}.
   *
   * @param channel the channel
   * @param members the agents in it
   */
  record Members(String channel, List<String> members) implements AckResult {
  }

  /**
   * The answer to {@code subscribe} and {@code unsubscribe}.
   *
   * @param subscriptions the session's patterns after the change
   */
  record Subscriptions(List<String> subscriptions) implements AckResult {
  }

  /**
   * The answer to {@code get_run}: a run as the tracker holds it.
   *
   * @param runId the run id
   * @param requester who sent the request
   * @param target who runs it
   * @param sessionId the request's {@code metadata.session_id}, or {@code null}
   * @param pool the pool capability it was addressed to, or {@code null}
   * @param state {@code submitted}, {@code working}, {@code input_required}, {@code completed}, {@code failed},
   *     {@code canceled} or {@code rejected}
   * @param created when the request was accepted, epoch milliseconds
   * @param updated when the last event was logged, epoch milliseconds
   * @param lastSeq the last logged event's {@code seq}, 0 when none
   * @param events the logged events after the {@code after_seq} asked for, in order
   */
  record Run(String runId, String requester, String target, String sessionId, String pool, String state,
      long created, long updated, long lastSeq, List<Event> events) implements AckResult {
  }

  /**
   * The answer to {@code update_metadata}.
   *
   * @param agentId the agent
   * @param metadata its new metadata
   */
  record MetadataUpdated(String agentId, ObjectNode metadata) implements AckResult {
  }
}
