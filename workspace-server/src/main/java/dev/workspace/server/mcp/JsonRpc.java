package dev.workspace.server.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** JSON-RPC 2.0 messages and the error codes the MCP face answers with. */
final class JsonRpc {
  static final JsonNodeFactory JSON = JsonNodeFactory.instance;

  /** The body is not JSON. */
  static final int PARSE_ERROR = -32700;
  /** The body is JSON but not a JSON-RPC message, or the message is out of place (a second initialize). */
  static final int INVALID_REQUEST = -32600;
  /** No such method. */
  static final int METHOD_NOT_FOUND = -32601;
  /** The method's params are wrong: an unknown tool, a missing or mistyped argument. */
  static final int INVALID_PARAMS = -32602;
  /** A fault in the server. */
  static final int INTERNAL_ERROR = -32603;
  /** A transport-level refusal: headers, limits, origin, authentication (the SDK's own server uses it too). */
  static final int SERVER_ERROR = -32000;
  /** The {@code mcp-session-id} names no live session: the client must initialize again. */
  static final int SESSION_NOT_FOUND = -32001;

  private JsonRpc() {
  }

  static ObjectNode result(JsonNode id, JsonNode result) {
    ObjectNode o = JSON.objectNode().put("jsonrpc", "2.0");
    o.set("id", id == null ? NullNode.getInstance() : id);
    o.set("result", result);
    return o;
  }

  static ObjectNode error(JsonNode id, int code, String message) {
    ObjectNode o = JSON.objectNode().put("jsonrpc", "2.0");
    o.set("id", id == null ? NullNode.getInstance() : id);
    o.putObject("error").put("code", code).put("message", message);
    return o;
  }

  static ObjectNode notification(String method, ObjectNode params) {
    ObjectNode o = JSON.objectNode().put("jsonrpc", "2.0").put("method", method);
    if (params != null) {
      o.set("params", params);
    }
    return o;
  }

  /** A failure answered as a JSON-RPC error (and, at the HTTP layer, with {@link #status()}). */
  static final class Failure extends RuntimeException {
    private final int status;
    private final int code;

    Failure(int status, int code, String message) {
      super(message, null, false, false);
      this.status = status;
      this.code = code;
    }

    int status() {
      return status;
    }

    int code() {
      return code;
    }
  }
}
