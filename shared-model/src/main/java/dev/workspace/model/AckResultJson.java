package dev.workspace.model;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Writes {@link AckResult}s in their wire shape and reads them back leniently; used by {@link FrameCodec}. */
final class AckResultJson {
  private final FrameCodec codec;
  private final ObjectMapper mapper;

  AckResultJson(FrameCodec codec, ObjectMapper mapper) {
    this.codec = codec;
    this.mapper = mapper;
  }

  // ------------------------------------------------------------------ writing

  void write(AckResult result, JsonGenerator g) throws IOException {
    g.writeStartObject();
    if (result instanceof AckResult.Connected c) {
      g.writeStringField("session_id", c.sessionId());
      g.writeStringField("agent_id", c.agentId());
      g.writeStringField("workspace", c.workspace());
      g.writeStringField("node_id", c.nodeId());
      g.writeNumberField("server_time", c.serverTime());
      FrameCodec.writePosition(g, "inbox", c.inbox());
      FrameCodec.writePosition(g, "broadcast", c.broadcast());
      g.writeObjectFieldStart("channels");
      for (Map.Entry<String, StreamPosition> e : c.channels().entrySet()) {
        FrameCodec.writePosition(g, e.getKey(), e.getValue());
      }
      g.writeEndObject();
      if (c.recovery() != null) {
        g.writeObjectFieldStart("recovery");
        g.writeObjectFieldStart("channels");
        for (Map.Entry<String, AckResult.Recovered> e : c.recovery().channels().entrySet()) {
          recovered(g, e.getKey(), e.getValue());
        }
        g.writeEndObject();
        if (c.recovery().inbox() != null) {
          recovered(g, "inbox", c.recovery().inbox());
        }
        if (c.recovery().broadcast() != null) {
          recovered(g, "broadcast", c.recovery().broadcast());
        }
        g.writeEndObject();
      }
      if (c.pingIntervalMs() > 0) {
        g.writeNumberField("ping_interval_ms", c.pingIntervalMs());
      }
      if (c.pingTimeoutMs() > 0) {
        g.writeNumberField("ping_timeout_ms", c.pingTimeoutMs());
      }
      if (c.subscriptions() != null) {
        strings(g, "subscriptions", c.subscriptions());
      }
    } else if (result instanceof AckResult.Joined j) {
      g.writeStringField("channel", j.channel());
      g.writeNumberField("offset", j.offset());
      g.writeStringField("epoch", j.epoch());
      g.writeNumberField("members", j.members());
      if (j.recovered() != null) {
        g.writeBooleanField("recovered", j.recovered());
      }
    } else if (result instanceof AckResult.Left l) {
      g.writeStringField("channel", l.channel());
    } else if (result instanceof AckResult.Published p) {
      g.writeStringField("event_id", p.eventId());
      g.writeNumberField("timestamp", p.timestamp());
      if (p.offset() >= 0) {
        g.writeNumberField("offset", p.offset());
      }
      if (p.queued()) {
        g.writeBooleanField("queued", true);
      }
      if (p.agentId() != null) {
        g.writeStringField("agent_id", p.agentId());
      }
      if (p.seq() >= 0) {
        g.writeNumberField("seq", p.seq());
      }
      if (!p.delivered()) {
        g.writeBooleanField("delivered", false);
      }
    } else if (result instanceof AckResult.History h) {
      g.writeStringField("channel", h.channel());
      g.writeStringField("epoch", h.epoch());
      g.writeArrayFieldStart("events");
      for (Event e : h.events()) {
        codec.writeEvent(e, g);
      }
      g.writeEndArray();
      g.writeBooleanField("has_more", h.hasMore());
      g.writeNumberField("first_offset", h.firstOffset());
      g.writeNumberField("last_offset", h.lastOffset());
    } else if (result instanceof AckResult.ChannelList list) {
      g.writeArrayFieldStart("channels");
      for (AckResult.ChannelSummary c : list.channels()) {
        g.writeStartObject();
        g.writeStringField("name", c.name());
        g.writeNumberField("members", c.members());
        g.writeNumberField("last_offset", c.lastOffset());
        g.writeStringField("epoch", c.epoch());
        g.writeEndObject();
      }
      g.writeEndArray();
    } else if (result instanceof AckResult.AgentList list) {
      g.writeArrayFieldStart("agents");
      for (AckResult.AgentSummary a : list.agents()) {
        g.writeStartObject();
        g.writeStringField("agent_id", a.agentId());
        g.writeFieldName("metadata");
        mapper.writeTree(g, a.metadata());
        g.writeNumberField("connected_since", a.connectedSince());
        g.writeStringField("status", a.status());
        g.writeStringField("node_id", a.nodeId());
        g.writeEndObject();
      }
      g.writeEndArray();
    } else if (result instanceof AckResult.Members m) {
      g.writeStringField("channel", m.channel());
      strings(g, "members", m.members());
    } else if (result instanceof AckResult.Subscriptions s) {
      strings(g, "subscriptions", s.subscriptions());
    } else if (result instanceof AckResult.Run run) {
      g.writeStringField("run_id", run.runId());
      g.writeStringField("requester", run.requester());
      g.writeStringField("target", run.target());
      if (run.sessionId() != null) {
        g.writeStringField("session_id", run.sessionId());
      }
      if (run.pool() != null) {
        g.writeStringField("pool", run.pool());
      }
      g.writeStringField("state", run.state());
      g.writeNumberField("created", run.created());
      g.writeNumberField("updated", run.updated());
      g.writeNumberField("last_seq", run.lastSeq());
      g.writeArrayFieldStart("events");
      for (Event e : run.events()) {
        codec.writeEvent(e, g);
      }
      g.writeEndArray();
    } else if (result instanceof AckResult.MetadataUpdated m) {
      g.writeStringField("agent_id", m.agentId());
      g.writeFieldName("metadata");
      mapper.writeTree(g, m.metadata());
    }
    g.writeEndObject();
  }

  private static void recovered(JsonGenerator g, String name, AckResult.Recovered r) throws IOException {
    g.writeObjectFieldStart(name);
    g.writeBooleanField("recovered", r.recovered());
    g.writeNumberField("offset", r.position().offset());
    g.writeStringField("epoch", r.position().epoch());
    g.writeEndObject();
  }

  private static void strings(JsonGenerator g, String name, List<String> values) throws IOException {
    g.writeArrayFieldStart(name);
    for (String v : values) {
      g.writeString(v);
    }
    g.writeEndArray();
  }

  // ------------------------------------------------------------------ reading

  <T extends AckResult> T read(Class<T> type, ObjectNode r) {
    AckResult result;
    if (type == AckResult.Connected.class) {
      result = new AckResult.Connected(text(r, "session_id"), text(r, "agent_id"), text(r, "workspace"),
          text(r, "node_id"), r.path("server_time").asLong(0), position(r.get("inbox")),
          position(r.get("broadcast")), positions(r.get("channels")), recovery(r.get("recovery")),
          r.path("ping_interval_ms").asLong(0), r.path("ping_timeout_ms").asLong(0), strings(r.get("subscriptions")));
    } else if (type == AckResult.Joined.class) {
      JsonNode recovered = r.get("recovered");
      result = new AckResult.Joined(text(r, "channel"), r.path("offset").asLong(0), text(r, "epoch"),
          count(r.get("members")), recovered != null && recovered.isBoolean() ? recovered.asBoolean() : null);
    } else if (type == AckResult.Left.class) {
      result = new AckResult.Left(text(r, "channel"));
    } else if (type == AckResult.Published.class) {
      result = new AckResult.Published(text(r, "event_id"), r.path("timestamp").asLong(0),
          r.path("offset").isIntegralNumber() ? r.get("offset").asLong() : -1, r.path("queued").asBoolean(false),
          text(r, "agent_id"), r.path("seq").isIntegralNumber() ? r.get("seq").asLong() : -1,
          r.path("delivered").asBoolean(true));
    } else if (type == AckResult.History.class) {
      List<Event> events = new ArrayList<>();
      for (JsonNode e : array(r, "events")) {
        if (!e.isObject()) {
          throw new ProtocolException(ErrorCode.INVALID_FRAME, "an event is not an object");
        }
        events.add(codec.decodeEvent((ObjectNode) e));
      }
      result = new AckResult.History(text(r, "channel"), text(r, "epoch"), events, r.path("has_more").asBoolean(false),
          r.path("first_offset").asLong(0), r.path("last_offset").asLong(0));
    } else if (type == AckResult.ChannelList.class) {
      List<AckResult.ChannelSummary> out = new ArrayList<>();
      for (JsonNode c : array(r, "channels")) {
        out.add(new AckResult.ChannelSummary(c.path("name").asText(""), count(c.get("members")),
            c.path("last_offset").asLong(0), c.path("epoch").asText("")));
      }
      result = new AckResult.ChannelList(out);
    } else if (type == AckResult.AgentList.class) {
      List<AckResult.AgentSummary> out = new ArrayList<>();
      for (JsonNode a : array(r, "agents")) {
        JsonNode meta = a.get("metadata");
        out.add(new AckResult.AgentSummary(a.path("agent_id").asText(""),
            meta != null && meta.isObject() ? (ObjectNode) meta : mapper.createObjectNode(),
            a.path("connected_since").asLong(0), a.path("status").asText(""), a.path("node_id").asText("")));
      }
      result = new AckResult.AgentList(out);
    } else if (type == AckResult.Members.class) {
      result = new AckResult.Members(text(r, "channel"), strings(r.get("members")));
    } else if (type == AckResult.Subscriptions.class) {
      result = new AckResult.Subscriptions(strings(r.get("subscriptions")));
    } else if (type == AckResult.Run.class) {
      List<Event> events = new ArrayList<>();
      for (JsonNode e : array(r, "events")) {
        if (!e.isObject()) {
          throw new ProtocolException(ErrorCode.INVALID_FRAME, "an event is not an object");
        }
        events.add(codec.decodeEvent((ObjectNode) e));
      }
      result = new AckResult.Run(text(r, "run_id"), text(r, "requester"), text(r, "target"), text(r, "session_id"),
          text(r, "pool"), text(r, "state"), r.path("created").asLong(0), r.path("updated").asLong(0),
          r.path("last_seq").asLong(0), events);
    } else if (type == AckResult.MetadataUpdated.class) {
      JsonNode meta = r.get("metadata");
      result = new AckResult.MetadataUpdated(text(r, "agent_id"),
          meta != null && meta.isObject() ? (ObjectNode) meta : mapper.createObjectNode());
    } else {
      throw new IllegalArgumentException("not an ack result type: " + type);
    }
    return type.cast(result);
  }

  /** @return the position in {@code {"offset","epoch"}}, or {@code null} when absent or malformed */
  static StreamPosition position(JsonNode node) {
    if (node == null || !node.path("offset").canConvertToLong() || !node.path("offset").isIntegralNumber()
        || !node.path("epoch").isTextual()) {
      return null;
    }
    return new StreamPosition(node.get("offset").asLong(), node.get("epoch").asText());
  }

  private static Map<String, StreamPosition> positions(JsonNode node) {
    Map<String, StreamPosition> out = new LinkedHashMap<>();
    if (node == null) {
      return out;
    }
    Iterator<Map.Entry<String, JsonNode>> it = node.fields();
    while (it.hasNext()) {
      Map.Entry<String, JsonNode> e = it.next();
      StreamPosition p = position(e.getValue());
      if (p != null) {
        out.put(e.getKey(), p);
      }
    }
    return out;
  }

  private static AckResult.Recovery recovery(JsonNode rec) {
    if (rec == null || !rec.isObject()) {
      return null;
    }
    Map<String, AckResult.Recovered> channels = new LinkedHashMap<>();
    Iterator<Map.Entry<String, JsonNode>> it = rec.path("channels").fields();
    while (it.hasNext()) {
      Map.Entry<String, JsonNode> e = it.next();
      channels.put(e.getKey(), recovered(e.getValue()));
    }
    return new AckResult.Recovery(channels, recovered(rec.get("inbox")), recovered(rec.get("broadcast")));
  }

  private static AckResult.Recovered recovered(JsonNode node) {
    if (node == null || !node.isObject()) {
      return null;
    }
    return new AckResult.Recovered(node.path("recovered").asBoolean(false), position(node));
  }

  private static Iterable<JsonNode> array(ObjectNode r, String field) {
    JsonNode node = r.get(field);
    return node != null && node.isArray() ? node : List.<JsonNode>of();
  }

  private static int count(JsonNode members) {
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

  private static String text(ObjectNode r, String field) {
    JsonNode v = r.get(field);
    return v != null && v.isTextual() ? v.asText() : null;
  }
}
