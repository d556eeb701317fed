package dev.workspace.server.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.workspace.model.ErrorCode;
import dev.workspace.model.ProtocolException;
import dev.workspace.server.edge.JsonRpc;
import java.util.ArrayList;
import java.util.List;

/**
 * The arguments of one tool call, read with the checks their schemas state, and the results tools answer with: a
 * text {@code content} item for the model and the same facts as {@code structuredContent}. A bad argument fails
 * with {@code invalid_frame} and a message naming the argument.
 */
final class ToolArgs {
  private final JsonNode args;

  ToolArgs(JsonNode args) {
    if (args != null && !args.isNull() && !args.isObject()) {
      throw bad("arguments must be an object");
    }
    this.args = args == null || args.isNull() ? JsonRpc.JSON.objectNode() : args;
  }

  String string(String name, boolean required) {
    JsonNode v = args.get(name);
    if (v == null || v.isNull()) {
      if (required) {
        throw bad("'" + name + "' is required");
      }
      return null;
    }
    if (!v.isTextual()) {
      throw bad("'" + name + "' must be a string");
    }
    return v.asText();
  }

  Long integer(String name, long min, long max) {
    JsonNode v = args.get(name);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isIntegralNumber() && !(v.isNumber() && v.asDouble() == Math.rint(v.asDouble()))) {
      throw bad("'" + name + "' must be an integer");
    }
    long n = v.asLong();
    if (n < min || n > max) {
      throw bad("'" + name + "' must be between " + min + " and " + max + ", was " + n);
    }
    return n;
  }

  /** @return a wait in milliseconds from a {@code timeout_s} argument, at most {@link McpOptions#MAX_WAIT} */
  long waitMillis(String name) {
    JsonNode v = args.get(name);
    if (v == null || v.isNull()) {
      return McpOptions.DEFAULT_WAIT.toMillis();
    }
    if (!v.isNumber()) {
      throw bad("'" + name + "' must be a number of seconds");
    }
    double s = v.asDouble();
    double max = McpOptions.MAX_WAIT.toSeconds();
    if (s < 0 || s > max || Double.isNaN(s)) {
      throw bad("'" + name + "' must be between 0 and " + (long) max + " seconds, was " + v.asText());
    }
    return Math.round(s * 1000);
  }

  Boolean bool(String name) {
    JsonNode v = args.get(name);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isBoolean()) {
      throw bad("'" + name + "' must be true or false");
    }
    return v.asBoolean();
  }

  List<String> strings(String name, int maxItems) {
    JsonNode v = args.get(name);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isArray()) {
      throw bad("'" + name + "' must be an array of strings");
    }
    if (v.size() > maxItems) {
      throw bad("'" + name + "' holds at most " + maxItems + " items, it has " + v.size());
    }
    List<String> out = new ArrayList<>();
    for (JsonNode n : v) {
      if (!n.isTextual()) {
        throw bad("'" + name + "' must be an array of strings");
      }
      out.add(n.asText());
    }
    return out;
  }

  ObjectNode object(String name) {
    JsonNode v = args.get(name);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isObject()) {
      throw bad("'" + name + "' must be an object");
    }
    return (ObjectNode) v.deepCopy();
  }

  ArrayNode objects(String name, int maxItems) {
    JsonNode v = args.get(name);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isArray() || v.size() > maxItems) {
      throw bad("'" + name + "' must be an array of at most " + maxItems + " objects");
    }
    for (JsonNode n : v) {
      if (!n.isObject()) {
        throw bad("'" + name + "' must be an array of objects");
      }
    }
    return (ArrayNode) v.deepCopy();
  }

  static ProtocolException bad(String message) {
    return new ProtocolException(ErrorCode.INVALID_FRAME, "invalid argument: " + message);
  }

  /** @return a tool result: {@code text} for the model, {@code structured} beside it */
  static ObjectNode ok(String text, ObjectNode structured) {
    ObjectNode r = JsonRpc.JSON.objectNode();
    r.putArray("content").addObject().put("type", "text").put("text", text);
    if (structured != null) {
      r.set("structuredContent", structured);
    }
    return r;
  }

  /** @return a tool result that reports a failure with its workspace error code */
  static ObjectNode failed(ErrorCode code, String message) {
    ObjectNode structured = JsonRpc.JSON.objectNode();
    structured.putObject("error").put("code", code.wireName()).put("message", message);
    ObjectNode r = ok(code.wireName() + ": " + message, structured);
    r.put("isError", true);
    return r;
  }
}
