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
import dev.workspace.model.Event;
import dev.workspace.model.FrameCodec;
import dev.workspace.model.ProtocolException;
import dev.workspace.model.StreamPosition;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the {@code result} objects of acks into the client's types. Optional fields the server leaves out get
 * neutral values; a result that cannot be read at all fails with {@link FailureKind#INVALID}.
 */
final class AckResults {
  /** The server's default ping interval, used when the connect ack names none. */
  static final long DEFAULT_PING_INTERVAL_MS = 25_000;
  /** The server's default pong timeout, used when the connect ack names none. */
  static final long DEFAULT_PING_TIMEOUT_MS = 10_000;

  private AckResults() {
  }

  static SessionInfo session(ObjectNode r, String requestedAgentId, String requestedWorkspace) {
    return new SessionInfo(text(r, "session_id", ""), text(r, "agent_id", requestedAgentId),
        text(r, "workspace", requestedWorkspace), text(r, "node_id", ""), r.path("server_time").asLong(0),
        Duration.ofMillis(positive(r, "ping_interval_ms", DEFAULT_PING_INTERVAL_MS)),
        Duration.ofMillis(positive(r, "ping_timeout_ms", DEFAULT_PING_TIMEOUT_MS)), strings(r.get("subscriptions")));
  }

  /** @return the position in {@code {"offset","epoch"}}, or {@code null} when absent or malformed */
  static StreamPosition position(JsonNode node) {
    if (node == null || !node.path("offset").canConvertToLong() || !node.path("offset").isIntegralNumber()
        || !node.path("epoch").isTextual()) {
      return null;
    }
    return new StreamPosition(node.get("offset").asLong(), node.get("epoch").asText());
  }

  /** @return the connect ack's {@code channels}: the position of every channel the session is in */
  static Map<String, StreamPosition> channelPositions(ObjectNode r) {
    Map<String, StreamPosition> out = new LinkedHashMap<>();
    Iterator<Map.Entry<String, JsonNode>> it = r.path("channels").fields();
    while (it.hasNext()) {
      Map.Entry<String, JsonNode> e = it.next();
      StreamPosition p = position(e.getValue());
      if (p != null) {
        out.put(e.getKey(), p);
      }
    }
    return out;
  }

  /** @return the connect ack's {@code recovery} report, or {@code null} when it has none */
  static StreamPositions.RecoveryReport recovery(ObjectNode r) {
    JsonNode rec = r.get("recovery");
    if (rec == null || !rec.isObject()) {
      return null;
    }
    Map<String, StreamPositions.Report> channels = new LinkedHashMap<>();
    JsonNode ch = rec.path("channels");
    Iterator<Map.Entry<String, JsonNode>> it = ch.fields();
    while (it.hasNext()) {
      Map.Entry<String, JsonNode> e = it.next();
      channels.put(e.getKey(), report(e.getValue()));
    }
    return new StreamPositions.RecoveryReport(channels, report(rec.get("inbox")), report(rec.get("broadcast")));
  }

  private static StreamPositions.Report report(JsonNode node) {
    if (node == null || !node.isObject()) {
      return null;
    }
    return new StreamPositions.Report(node.path("recovered").asBoolean(false), position(node));
  }

  static PublishResult publish(ObjectNode r, String eventId) {
    return new PublishResult(text(r, "event_id", eventId), r.path("timestamp").asLong(0),
        r.path("offset").isIntegralNumber() ? r.get("offset").asLong() : -1, r.path("queued").asBoolean(false));
  }

  static List<String> subscriptions(ObjectNode r) {
    return strings(r.get("subscriptions"));
  }

  static List<String> members(ObjectNode r) {
    return strings(r.get("members"));
  }

  /** Reads a join ack; the channel's position is {@code offset}/{@code epoch}. */
  static ChannelInfo joined(ObjectNode r, String channel) {
    return new ChannelInfo(text(r, "channel", channel), memberCount(r.get("members")), r.path("offset").asLong(0),
        text(r, "epoch", ""));
  }

  static List<ChannelInfo> channels(ObjectNode r) {
    List<ChannelInfo> out = new ArrayList<>();
    for (JsonNode c : array(r, "channels")) {
      out.add(new ChannelInfo(c.path("name").asText(""), memberCount(c.get("members")),
          c.path("last_offset").asLong(0), c.path("epoch").asText("")));
    }
    return out;
  }

  static List<AgentInfo> agents(ObjectNode r) {
    List<AgentInfo> out = new ArrayList<>();
    for (JsonNode a : array(r, "agents")) {
      JsonNode meta = a.get("metadata");
      out.add(new AgentInfo(a.path("agent_id").asText(""),
          meta != null && meta.isObject() ? (ObjectNode) meta : FrameCodec.DEFAULT.mapper().createObjectNode(),
          a.path("connected_since").asLong(0), a.path("status").asText(""), a.path("node_id").asText("")));
    }
    return out;
  }

  static HistoryPage history(ObjectNode r, String channel, FrameCodec codec) {
    List<Event> events = new ArrayList<>();
    for (JsonNode e : array(r, "events")) {
      if (!e.isObject()) {
        throw unreadable("history of channel " + channel, "an event is not an object");
      }
      try {
        events.add(codec.decodeEvent((ObjectNode) e));
      } catch (ProtocolException ex) {
        throw unreadable("history of channel " + channel, ex.getMessage());
      }
    }
    return new HistoryPage(text(r, "channel", channel), events, r.path("has_more").asBoolean(false),
        r.path("first_offset").asLong(0), r.path("last_offset").asLong(0), text(r, "epoch", ""));
  }

  private static WorkspaceException unreadable(String what, String why) {
    return new WorkspaceException(FailureKind.INVALID, "unreadable ack to " + what + ": " + why);
  }

  private static Iterable<JsonNode> array(ObjectNode r, String field) {
    JsonNode node = r.get(field);
    return node != null && node.isArray() ? node : List.<JsonNode>of();
  }

  private static int memberCount(JsonNode members) {
    if (members == null) {
      return 0;
    }
    return members.isArray() ? members.size() : members.asInt(0);
  }

  private static List<String> strings(JsonNode node) {
    List<String> out = new ArrayList<>();
    if (node != null && node.isArray()) {
      for (JsonNode s : node) {
        if (s.isTextual()) {
          out.add(s.asText());
        }
      }
    }
    return out;
  }

  private static String text(ObjectNode r, String field, String absent) {
    JsonNode v = r.get(field);
    return v != null && v.isTextual() ? v.asText() : absent;
  }

  private static long positive(ObjectNode r, String field, long absent) {
    long v = r.path(field).asLong(0);
    return v > 0 ? v : absent;
  }
}
