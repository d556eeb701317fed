package dev.workspace.server.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.workspace.model.ErrorCode;
import dev.workspace.model.Event;
import dev.workspace.model.EventNames;
import dev.workspace.model.Ids;
import dev.workspace.model.ProtocolException;
import dev.workspace.server.edge.JsonRpc;
import io.vertx.core.Future;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code tools/call}: each tool translated into request frames of the workspace session ({@code join},
 * {@code publish}, {@code history}, ...), which applies every rule it applies on a WebSocket. A failure the model
 * can act on (a bad argument, an agent that is away, a forbidden channel) is a result with {@code isError} and the
 * session's error code; an unknown tool is a JSON-RPC error.
 */
final class McpTools {
  private static final Logger LOG = LoggerFactory.getLogger(McpTools.class);

  private final McpFace face;
  private final McpWaits waits;
  private final McpRunTools runs;

  McpTools(McpFace face) {
    this.face = face;
    this.waits = new McpWaits(face, this);
    this.runs = new McpRunTools(face, this);
  }

  void call(McpSession s, JsonNode params, McpReply reply) {
    JsonNode nameNode = params.path("name");
    String name = nameNode.isTextual() ? nameNode.asText() : null;
    if (name == null || !McpToolSchemas.names().contains(name)) {
      throw new JsonRpc.Failure(400, JsonRpc.INVALID_PARAMS, "Unknown tool: " + McpEndpoint.printable(name));
    }
    JsonNode progressToken = params.path("_meta").get("progressToken");
    try {
      ToolArgs a = new ToolArgs(params.get("arguments"));
      switch (name) {
        case "list_agents" -> {
          ObjectNode f = McpSession.frame("list_agents");
          String capability = a.string("capability", false);
          if (capability != null) {
            f.put("capability", capability);
          }
          answer(s, reply, s.request(f), McpTools::agentsText);
        }
        case "list_channels" -> answer(s, reply, s.request(McpSession.frame("list_channels")),
            McpTools::channelsText);
        case "join_channel" -> join(s, a, reply);
        case "leave_channel" -> {
          String channel = a.string("channel", true);
          answer(s, reply, s.request(McpSession.frame("leave").put("channel", channel))
              .onSuccess(r -> s.joined().remove(channel)), r -> "left #" + r.path("channel").asText());
        }
        case "channel_members" -> answer(s, reply,
            s.request(McpSession.frame("members").put("channel", a.string("channel", true))),
            r -> "#" + r.path("channel").asText() + ": " + join(r.path("members")));
        case "post" -> post(s, a, reply);
        case "read_channel" -> readChannel(s, a, reply);
        case "send_direct" -> sendDirect(s, a, reply);
        case "wait_for_events" -> waits.waitForEvents(s, a, progressToken, reply);
        case "reply" -> waits.reply(s, a, reply);
        case "ask_agent" -> runs.ask(s, a, progressToken, reply);
        case "get_run" -> runs.get(s, a, reply);
        case "answer" -> runs.answer(s, a, progressToken, reply);
        case "cancel_run" -> runs.cancel(s, a, reply);
        default -> throw new IllegalStateException(name);
      }
    } catch (ProtocolException e) {
      reply.result(ToolArgs.failed(e.code(), e.getMessage()));
    }
  }

  // ------------------------------------------------------------------ channels

  private void join(McpSession s, ToolArgs a, McpReply reply) {
    String channel = a.string("channel", true);
    answer(s, reply, joinIfNeeded(s, channel, true),
        r -> "joined #" + channel + " (" + r.path("members").asInt() + " members)");
  }

  /** Joins a channel unless the session is in it; {@code always} asks the session even then (for its answer). */
  Future<ObjectNode> joinIfNeeded(McpSession s, String channel, boolean always) {
    if (s.joined().contains(channel) && !always) {
      return Future.succeededFuture(JsonRpc.JSON.objectNode().put("channel", channel));
    }
    return s.request(McpSession.frame("join").put("channel", channel)).onSuccess(r -> s.joined().add(channel));
  }

  private void post(McpSession s, ToolArgs a, McpReply reply) {
    String channel = a.string("channel", true);
    ObjectNode payload = JsonRpc.JSON.objectNode().put("text", a.string("text", true));
    List<String> mentions = a.strings("mentions", 64);
    if (mentions != null) {
      payload.set("mentions", JsonRpc.JSON.arrayNode().addAll(mentions.stream().map(JsonRpc.JSON::textNode).toList()));
    }
    ArrayNode attachments = a.objects("attachments", 10);
    if (attachments != null) {
      payload.set("attachments", attachments);
    }
    Event event = event(EventNames.CHANNEL_MESSAGE_POSTED, "channel:" + channel, payload, null, null, false);
    answer(s, reply, joinIfNeeded(s, channel, false).compose(j -> publish(s, event)),
        r -> "posted to #" + channel + " at offset " + r.path("offset").asLong() + " (event " + r.path("event_id")
            .asText() + ")");
  }

  private void readChannel(McpSession s, ToolArgs a, McpReply reply) {
    String channel = a.string("channel", true);
    Long before = a.integer("before", 0, Long.MAX_VALUE);
    Long after = a.integer("after", 0, Long.MAX_VALUE);
    Long limit = a.integer("limit", 1, 100);
    ObjectNode f = McpSession.frame("history").put("channel", channel).put("limit", limit == null ? 50 : limit);
    if (before != null) {
      f.put("before", before);
    }
    if (after != null) {
      f.put("after", after);
    }
    answer(s, reply, s.request(f),
        r -> {
          StringBuilder sb = new StringBuilder("#" + channel + ", offsets " + r.path("first_offset").asLong() + "-"
              + r.path("last_offset").asLong() + (r.path("has_more").asBoolean() ? " (more before)" : "") + ":");
          for (JsonNode e : r.path("events")) {
            sb.append('\n').append(line(e));
          }
          return sb.toString();
        });
  }

  private void sendDirect(McpSession s, ToolArgs a, McpReply reply) {
    String agent = Ids.requireAgentId(a.string("agent", true));
    ObjectNode payload = a.object("payload");
    if (payload == null) {
      payload = JsonRpc.JSON.objectNode();
    }
    payload.put("text", a.string("text", true));
    Event event = event(EventNames.AGENT_MESSAGE, "agent:" + agent, payload, null, null, false);
    answer(s, reply, publish(s, event), r -> "sent to " + agent
        + (r.path("queued").asBoolean() ? " (queued: the agent is away)" : "") + " (event " + r.path("event_id")
        .asText() + ")");
  }

  // ------------------------------------------------------------------ shared

  /** An event from the session, checked against the size limit a WebSocket message has. */
  Event event(String name, String destination, ObjectNode payload, ObjectNode metadata, String responseTo,
      boolean requiresResponse) {
    Event e = Event.create(UUID.randomUUID().toString(), name, null, destination, payload, metadata, 0, responseTo,
        requiresResponse, -1);
    int size = face.codec().encodeEvent(e).length();
    int max = face.options().getMaxMessageSize();
    if (size > max) {
      face.access().limitHit("mcp_event_size");
      throw new ProtocolException(ErrorCode.TOO_LARGE, "the event would be " + size + " bytes, the limit is " + max);
    }
    return e;
  }

  /** Answers the call with the session's ack result, or its error as an {@code isError} result. */
  void answer(McpSession s, McpReply reply, Future<ObjectNode> result, Function<ObjectNode, String> text) {
    result.onComplete(ar -> {
      if (ar.failed()) {
        reply.result(failure(s, ar.cause()));
      } else {
        reply.result(ToolArgs.ok(text.apply(ar.result()), ar.result()));
      }
    });
  }

  /** Publishes an event through the session: the ack's {@code event_id}, {@code offset}, ... */
  Future<ObjectNode> publish(McpSession s, Event event) {
    ObjectNode f = McpSession.frame("publish");
    f.set("event", wire(event));
    return s.request(f);
  }

  /** @return an event as JSON, as the WebSocket protocol writes it */
  ObjectNode wire(Event event) {
    return face.codec().parseObject(face.codec().encodeEvent(event));
  }

  ObjectNode failure(McpSession s, Throwable cause) {
    if (cause instanceof ProtocolException pe) {
      return ToolArgs.failed(pe.code(), pe.getMessage());
    }
    LOG.error("MCP tool call of session {} failed", s.mcpSessionId(), cause);
    return ToolArgs.failed(ErrorCode.INTERNAL, "the server could not complete this call");
  }

  interface Completion<T> {
    void done(T result, Throwable failure);
  }

  <T> void onContext(McpSession s, Future<T> future, Completion<T> handler) {
    future.onComplete(ar -> s.context().runOnContext(v -> handler.done(ar.result(), ar.cause())));
  }

  // ------------------------------------------------------------------ text for the model

  static String line(JsonNode e) {
    String name = e.path("event_name").asText();
    String from = e.path("source_id").asText();
    JsonNode payload = e.path("payload");
    String text = payload.path("text").isTextual() ? payload.path("text").asText() : payload.toString();
    String dest = e.path("destination_id").asText();
    String where = dest.startsWith("channel:") ? "#" + dest.substring(8)
        : payload.path("channel").isTextual() ? "#" + payload.path("channel").asText() : "direct";
    String kind = switch (name) {
      case EventNames.CHANNEL_MESSAGE_POSTED -> "";
      case EventNames.CHANNEL_MESSAGE_MENTIONED -> " (mentions you)";
      case EventNames.AGENT_MESSAGE -> e.path("requires_response").asBoolean() ? " (asks you; answer with reply)" : "";
      default -> " (" + name + ")";
    };
    String reply = e.hasNonNull("response_to") ? " [reply to " + e.path("response_to").asText() + "]" : "";
    return "[" + where + "] " + from + kind + reply + ": " + text + " (event_id " + e.path("event_id").asText() + ")";
  }

  private static String agentsText(ObjectNode r) {
    StringBuilder sb = new StringBuilder();
    for (JsonNode a : r.path("agents")) {
      if (sb.length() > 0) {
        sb.append('\n');
      }
      JsonNode m = a.path("metadata");
      sb.append(a.path("agent_id").asText());
      if (m.path("name").isTextual()) {
        sb.append(" (").append(m.path("name").asText()).append(')');
      }
      if (m.path("description").isTextual()) {
        sb.append(": ").append(m.path("description").asText());
      }
      if (m.path("capabilities").isArray() && !m.path("capabilities").isEmpty()) {
        sb.append(" [").append(join(m.path("capabilities"))).append(']');
      }
    }
    return sb.length() == 0 ? "no agents" : sb.toString();
  }

  private static String channelsText(ObjectNode r) {
    StringBuilder sb = new StringBuilder();
    for (JsonNode c : r.path("channels")) {
      if (sb.length() > 0) {
        sb.append('\n');
      }
      sb.append('#').append(c.path("name").asText()).append(" (").append(c.path("members").asInt())
          .append(" members, last offset ").append(c.path("last_offset").asLong()).append(')');
    }
    return sb.length() == 0 ? "no channels" : sb.toString();
  }

  static String join(JsonNode array) {
    StringBuilder sb = new StringBuilder();
    for (JsonNode n : array) {
      if (sb.length() > 0) {
        sb.append(", ");
      }
      sb.append(n.asText());
    }
    return sb.toString();
  }

  /** @return what a {@code run.input_required} event asks, as {@code get_run} and {@code ask_agent} report it */
  static ObjectNode inputOf(ObjectNode event) {
    JsonNode p = event.path("payload");
    ObjectNode o = JsonRpc.JSON.objectNode().put("input_id", event.path("event_id").asText());
    o.put("kind", p.path("kind").asText("ask_user"));
    if (p.has("text")) {
      o.set("text", p.get("text"));
    }
    for (String f : new String[] {"options", "multi_select", "tool", "arguments", "description"}) {
      if (p.has(f)) {
        o.set(f, p.get(f));
      }
    }
    return o;
  }
}
