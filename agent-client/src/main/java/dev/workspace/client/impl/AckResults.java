package dev.workspace.client.impl;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.workspace.client.AgentInfo;
import dev.workspace.client.ChannelInfo;
import dev.workspace.client.FailureKind;
import dev.workspace.client.HistoryPage;
import dev.workspace.client.PublishResult;
import dev.workspace.client.SessionInfo;
import dev.workspace.client.WorkspaceException;
import dev.workspace.model.AckResult;
import dev.workspace.model.FrameCodec;
import dev.workspace.model.ProtocolException;
import dev.workspace.model.StreamPosition;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the {@code result} objects of acks into the client's types, through the shared codec's typed results
 * ({@link FrameCodec#decodeResult}). Optional fields the server leaves out get neutral values; a result that
 * cannot be read at all fails with {@link FailureKind#INVALID}.
 */
final class AckResults {
  /** The server's default ping interval, used when the connect ack names none. */
  static final long DEFAULT_PING_INTERVAL_MS = 25_000;
  /** The server's default pong timeout, used when the connect ack names none. */
  static final long DEFAULT_PING_TIMEOUT_MS = 10_000;

  private static final FrameCodec CODEC = FrameCodec.DEFAULT;

  private AckResults() {
  }

  static SessionInfo session(ObjectNode r, String requestedAgentId, String requestedWorkspace) {
    AckResult.Connected c = CODEC.decodeResult(AckResult.Connected.class, r);
    return new SessionInfo(or(c.sessionId(), ""), or(c.agentId(), requestedAgentId),
        or(c.workspace(), requestedWorkspace), or(c.nodeId(), ""), c.serverTime(),
        Duration.ofMillis(c.pingIntervalMs() > 0 ? c.pingIntervalMs() : DEFAULT_PING_INTERVAL_MS),
        Duration.ofMillis(c.pingTimeoutMs() > 0 ? c.pingTimeoutMs() : DEFAULT_PING_TIMEOUT_MS), c.subscriptions());
  }

  /** @return the position in {@code {"offset","epoch"}}, or {@code null} when absent or malformed */
  static StreamPosition position(JsonNode node) {
    return FrameCodec.lenientPosition(node);
  }

  /** @return the connect ack's {@code channels}: the position of every channel the session is in */
  static Map<String, StreamPosition> channelPositions(ObjectNode r) {
    return CODEC.decodeResult(AckResult.Connected.class, r).channels();
  }

  /** @return the connect ack's {@code recovery} report, or {@code null} when it has none */
  static StreamPositions.RecoveryReport recovery(ObjectNode r) {
    AckResult.Recovery rec = CODEC.decodeResult(AckResult.Connected.class, r).recovery();
    if (rec == null) {
      return null;
    }
    Map<String, StreamPositions.Report> channels = new LinkedHashMap<>();
    rec.channels().forEach((name, report) -> channels.put(name, report(report)));
    return new StreamPositions.RecoveryReport(channels, report(rec.inbox()), report(rec.broadcast()));
  }

  private static StreamPositions.Report report(AckResult.Recovered r) {
    return r == null ? null : new StreamPositions.Report(r.recovered(), r.position());
  }

  static PublishResult publish(ObjectNode r, String eventId) {
    AckResult.Published p = CODEC.decodeResult(AckResult.Published.class, r);
    return new PublishResult(or(p.eventId(), eventId), p.timestamp(), p.offset(), p.queued(), p.agentId());
  }

  static List<String> subscriptions(ObjectNode r) {
    return CODEC.decodeResult(AckResult.Subscriptions.class, r).subscriptions();
  }

  static List<String> members(ObjectNode r) {
    return CODEC.decodeResult(AckResult.Members.class, r).members();
  }

  /** Reads a join ack; the channel's position is {@code offset}/{@code epoch}. */
  static ChannelInfo joined(ObjectNode r, String channel) {
    AckResult.Joined j = CODEC.decodeResult(AckResult.Joined.class, r);
    return new ChannelInfo(or(j.channel(), channel), j.members(), j.offset(), or(j.epoch(), ""));
  }

  static List<ChannelInfo> channels(ObjectNode r) {
    return CODEC.decodeResult(AckResult.ChannelList.class, r).channels().stream()
        .map(c -> new ChannelInfo(c.name(), c.members(), c.lastOffset(), c.epoch())).toList();
  }

  static List<AgentInfo> agents(ObjectNode r) {
    return CODEC.decodeResult(AckResult.AgentList.class, r).agents().stream()
        .map(a -> new AgentInfo(a.agentId(), a.metadata(), a.connectedSince(), a.status(), a.nodeId())).toList();
  }

  static HistoryPage history(ObjectNode r, String channel, FrameCodec codec) {
    AckResult.History h;
    try {
      h = codec.decodeResult(AckResult.History.class, r);
    } catch (ProtocolException e) {
      throw new WorkspaceException(FailureKind.INVALID, "unreadable ack to history of channel " + channel + ": "
          + e.getMessage());
    }
    return new HistoryPage(or(h.channel(), channel), h.events(), h.hasMore(), h.firstOffset(), h.lastOffset(),
        or(h.epoch(), ""));
  }

  private static String or(String value, String absent) {
    return value != null ? value : absent;
  }
}
