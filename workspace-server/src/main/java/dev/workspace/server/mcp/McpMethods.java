package dev.workspace.server.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import dev.workspace.server.edge.JsonRpc;

/** The JSON-RPC methods of the MCP face, on the session's event loop. */
final class McpMethods {
  private final McpTools tools;
  private final McpResources resources;

  McpMethods(McpFace face) {
    this.tools = new McpTools(face);
    this.resources = new McpResources(face);
  }

  void notification(McpSession s, String method, JsonNode params) {
    if ("notifications/cancelled".equals(method)) {
      JsonNode requestId = params.path("requestId");
      if (requestId.isTextual() || requestId.isIntegralNumber()) {
        s.cancel(requestId.toString());
      }
    }
  }

  void request(McpSession s, String method, JsonNode params, McpReply reply) {
    JsonNode p = params == null ? JsonRpc.JSON.objectNode() : params;
    switch (method) {
      case "ping" -> reply.result(JsonRpc.JSON.objectNode());
      case "tools/list" -> reply.result(JsonRpc.JSON.objectNode().set("tools", McpToolSchemas.definitions()));
      case "tools/call" -> tools.call(s, p, reply);
      case "resources/list" -> reply.result(resources.list());
      case "resources/templates/list" -> reply.result(resources.templates());
      case "resources/read" -> resources.read(s, p, reply);
      case "resources/subscribe" -> reply.result(resources.subscribe(s, p, true));
      case "resources/unsubscribe" -> reply.result(resources.subscribe(s, p, false));
      case "logging/setLevel" -> {
        if (!s.setLogLevel(p.path("level").asText(""))) {
          throw new JsonRpc.Failure(400, JsonRpc.INVALID_PARAMS, "Invalid params: level must be one of "
              + String.join(", ", McpSession.LOG_LEVELS));
        }
        reply.result(JsonRpc.JSON.objectNode());
      }
      default -> reply.error(JsonRpc.METHOD_NOT_FOUND, "Method not found: " + McpEndpoint.printable(method));
    }
  }
}
