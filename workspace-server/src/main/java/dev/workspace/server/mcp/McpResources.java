package dev.workspace.server.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.workspace.model.ErrorCode;
import dev.workspace.model.ProtocolException;
import dev.workspace.server.edge.JsonRpc;

/**
 * Resources: {@code workspace://inbox} (the session's unread events; {@code resources/subscribe} to it and each new
 * event sends {@code notifications/resources/updated} on the GET stream) and the template
 * {@code workspace://channels/{name}} (a channel's last 50 posts).
 */
final class McpResources {
  static final String INBOX_URI = "workspace://inbox";
  static final String CHANNEL_PREFIX = "workspace://channels/";

  private final McpFace face;

  McpResources(McpFace face) {
    this.face = face;
  }

  ObjectNode list() {
    ObjectNode r = JsonRpc.JSON.objectNode();
    r.putArray("resources").addObject().put("uri", INBOX_URI).put("name", "inbox").put("title", "Inbox")
        .put("description", "What arrived for you and is not yet read with wait_for_events: mentions, direct"
            + " messages, replies and the posts of the channels you joined. Subscribe to be told when it grows.")
        .put("mimeType", "application/json");
    return r;
  }

  ObjectNode templates() {
    ObjectNode r = JsonRpc.JSON.objectNode();
    r.putArray("resourceTemplates").addObject().put("uriTemplate", CHANNEL_PREFIX + "{name}").put("name", "channel")
        .put("title", "Channel").put("description", "The last 50 posts of a channel")
        .put("mimeType", "application/json");
    return r;
  }

  void read(McpSession s, JsonNode params, McpReply reply) {
    String uri = params.path("uri").asText("");
    if (uri.equals(INBOX_URI)) {
      McpInbox inbox = s.inbox();
      ObjectNode body = JsonRpc.JSON.objectNode().put("cursor", inbox.cursor()).put("last_seq", inbox.lastSeq())
          .put("kept", inbox.size());
      ArrayNode arr = body.putArray("unread");
      for (McpInbox.Entry e : inbox.peek(inbox.cursor(), 100)) {
        arr.addObject().put("seq", e.seq()).set("event", e.event());
      }
      reply.result(contents(uri, body));
      return;
    }
    if (uri.startsWith(CHANNEL_PREFIX)) {
      String channel = uri.substring(CHANNEL_PREFIX.length());
      s.request(McpSession.frame("history").put("channel", channel).put("limit", 50)).onComplete(ar -> {
        if (ar.succeeded()) {
          reply.result(contents(uri, ar.result()));
        } else if (ar.cause() instanceof ProtocolException pe && pe.code() == ErrorCode.NOT_FOUND) {
          reply.error(-32002, "Resource not found: " + McpEndpoint.printable(uri));
        } else if (ar.cause() instanceof ProtocolException pe) {
          reply.error(JsonRpc.INVALID_PARAMS, "Invalid params: " + pe.getMessage());
        } else {
          reply.error(JsonRpc.INTERNAL_ERROR, "Internal error");
        }
      });
      return;
    }
    reply.error(-32002, "Resource not found: " + McpEndpoint.printable(uri));
  }

  ObjectNode subscribe(McpSession s, JsonNode params, boolean on) {
    String uri = params.path("uri").asText("");
    if (!uri.equals(INBOX_URI)) {
      throw new JsonRpc.Failure(400, JsonRpc.INVALID_PARAMS, "Invalid params: only " + INBOX_URI
          + " can be subscribed to");
    }
    s.subscribeInbox(on);
    return JsonRpc.JSON.objectNode();
  }

  private static ObjectNode contents(String uri, ObjectNode body) {
    ObjectNode r = JsonRpc.JSON.objectNode();
    r.putArray("contents").addObject().put("uri", uri).put("mimeType", "application/json").put("text", body.toString());
    return r;
  }
}
