package dev.workspace.server.edge;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** JSON-RPC 2.0 messages and the standard error codes, shared by the faces that speak it ({@code /mcp}, {@code /a2a}). */
public final class JsonRpc {
  public static final JsonNodeFactory JSON = JsonNodeFactory.instance;

  /** The body is not JSON. */
  public static final int PARSE_ERROR = -32700;
  /** The body is JSON but not a JSON-RPC message, or the message is out of place (a second initialize). */
  public static final int INVALID_REQUEST = -32600;
  /** No such method. */
  public static final int METHOD_NOT_FOUND = -32601;
  /** The method's params are wrong: an unknown tool, a missing or mistyped argument. */
  public static final int INVALID_PARAMS = -32602;
  /** A fault in the server. */
  public static final int INTERNAL_ERROR = -32603;
  /** A transport-level refusal: headers, limits, origin, authentication (the SDK's own server uses it too). */
  public static final int SERVER_ERROR = -32000;

  private JsonRpc() {
  }

  /** @return a response carrying {@code result} */
  public static ObjectNode result(JsonNode id, JsonNode result) {
    ObjectNode o = JSON.objectNode().put("jsonrpc", "2.0");
    o.set("id", id == null ? NullNode.getInstance() : id);
    o.set("result", result);
    return o;
  }

  /** @return an error response */
  public static ObjectNode error(JsonNode id, int code, String message) {
    ObjectNode o = JSON.objectNode().put("jsonrpc", "2.0");
    o.set("id", id == null ? NullNode.getInstance() : id);
    o.putObject("error").put("code", code).put("message", message);
    return o;
  }

  /** @return a notification */
  public static ObjectNode notification(String method, ObjectNode params) {
    ObjectNode o = JSON.objectNode().put("jsonrpc", "2.0").put("method", method);
    if (params != null) {
      o.set("params", params);
    }
    return o;
  }

  /** A failure answered as a JSON-RPC error (and, at the HTTP layer, with {@link #status()}). */
  public static final class Failure extends RuntimeException {
    private final int status;
    private final int code;

    /**
     * @param status the HTTP status to answer with
     * @param code the JSON-RPC error code
     * @param message the error message
     */
    public Failure(int status, int code, String message) {
      super(message, null, false, false);
      this.status = status;
      this.code = code;
    }

    /** @return the HTTP status */
    public int status() {
      return status;
    }

    /** @return the JSON-RPC error code */
    public int code() {
      return code;
    }
  }
}
