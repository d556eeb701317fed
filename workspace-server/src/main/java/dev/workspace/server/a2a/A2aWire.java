package dev.workspace.server.a2a;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Iterator;
import java.util.Map;

/**
 * The A2A shapes. The face keeps every message, task and stream event in the v1.0 JSON shape and translates at the
 * edge: to and from v0.3 JSON-RPC ({@code kind} discriminators, lower-case states, {@code final}) and v0.3
 * HTTP+JSON (the protobuf JSON of the v0.3 {@code a2a.v1} messages: {@code content}, {@code TASK_STATE_CANCELLED},
 * {@code fileWithUri}), whose parsers refuse fields they do not know.
 */
final class A2aWire {
  static final JsonNodeFactory JSON = JsonNodeFactory.instance;

  /** The protocol binding and version of one call. */
  enum Dialect {
    /** v1.0, JSON-RPC or HTTP+JSON: the face's own shapes. */
    V1,
    /** v0.3 JSON-RPC. */
    V03_RPC,
    /** v0.3 HTTP+JSON under {@code /v1/}. */
    V03_REST;

    boolean legacy() {
      return this != V1;
    }
  }

  static final String SUBMITTED = "TASK_STATE_SUBMITTED";
  static final String WORKING = "TASK_STATE_WORKING";
  static final String COMPLETED = "TASK_STATE_COMPLETED";
  static final String FAILED = "TASK_STATE_FAILED";
  static final String CANCELED = "TASK_STATE_CANCELED";
  static final String INPUT_REQUIRED = "TASK_STATE_INPUT_REQUIRED";
  static final String REJECTED = "TASK_STATE_REJECTED";

  private static final Map<String, String> V03_STATES = Map.of(SUBMITTED, "submitted", WORKING, "working",
      COMPLETED, "completed", FAILED, "failed", CANCELED, "canceled", INPUT_REQUIRED, "input-required", REJECTED,
      "rejected", "TASK_STATE_AUTH_REQUIRED", "auth-required");

  private A2aWire() {
  }

  /** @return whether a task in this state changes no more */
  static boolean terminal(String state) {
    return state.equals(COMPLETED) || state.equals(FAILED) || state.equals(CANCELED) || state.equals(REJECTED);
  }

  /** @return the A2A state of a run-tracker state */
  static String stateOfRun(String runState) {
    return switch (runState) {
      case "submitted" -> SUBMITTED;
      case "working" -> WORKING;
      case "input_required" -> INPUT_REQUIRED;
      case "completed" -> COMPLETED;
      case "failed" -> FAILED;
      case "canceled" -> CANCELED;
      case "rejected" -> REJECTED;
      default -> WORKING;
    };
  }

  /**
   * @param name a v1.0 state name, a v0.3 word, or a v0.3 protobuf name
   * @return the v1.0 state, or {@code null} when it is none
   */
  static String parseState(String name) {
    if (name == null) {
      return null;
    }
    if (name.equals("TASK_STATE_CANCELLED")) {
      return CANCELED;
    }
    if (V03_STATES.containsKey(name)) {
      return name;
    }
    for (Map.Entry<String, String> e : V03_STATES.entrySet()) {
      if (e.getValue().equals(name)) {
        return e.getKey();
      }
    }
    return null;
  }

  // ------------------------------------------------------------------ building (v1.0)

  static ObjectNode textPart(String text) {
    return JSON.objectNode().put("text", text);
  }

  static ObjectNode dataPart(JsonNode data) {
    ObjectNode p = JSON.objectNode();
    p.set("data", data);
    return p;
  }

  static ObjectNode agentMessage(String messageId, String taskId, String contextId, ArrayNode parts) {
    ObjectNode m = JSON.objectNode().put("messageId", messageId).put("role", "ROLE_AGENT");
    m.set("parts", parts);
    if (taskId != null) {
      m.put("taskId", taskId);
    }
    if (contextId != null) {
      m.put("contextId", contextId);
    }
    return m;
  }

  // ------------------------------------------------------------------ inbound: to v1.0

  /**
   * Reads a message in the call's dialect into the v1.0 shape.
   *
   * @param m the message as sent
   * @param dialect the call's dialect
   * @return the message in the v1.0 shape
   * @throws A2aError {@code INVALID_PARAMS} when it is not a message
   */
  static ObjectNode parseMessage(JsonNode m, Dialect dialect) {
    if (!(m instanceof ObjectNode in)) {
      throw A2aError.invalidParams("params.message must be an object");
    }
    ObjectNode out = JSON.objectNode();
    String messageId = text(in, "messageId");
    if (messageId == null || messageId.isEmpty()) {
      throw A2aError.invalidParams("message.messageId is required");
    }
    out.put("messageId", messageId);
    copyText(in, out, "contextId");
    copyText(in, out, "taskId");
    String role = text(in, "role");
    boolean user = "ROLE_USER".equals(role) || "user".equals(role);
    if (!user) {
      throw A2aError.invalidParams("message.role must be " + (dialect == Dialect.V03_RPC ? "\"user\"" : "ROLE_USER")
          + ", was " + (role == null ? "absent" : "'" + clip(role) + "'"));
    }
    out.put("role", "ROLE_USER");
    JsonNode parts = dialect == Dialect.V03_REST ? (in.has("content") ? in.get("content") : in.get("parts"))
        : in.get("parts");
    if (parts == null || !parts.isArray()) {
      throw A2aError.invalidParams("message." + (dialect == Dialect.V03_REST ? "content" : "parts")
          + " must be an array");
    }
    ArrayNode outParts = out.putArray("parts");
    for (JsonNode p : parts) {
      outParts.add(switch (dialect) {
        case V1 -> partV1(p);
        case V03_RPC -> partFromV03Rpc(p);
        case V03_REST -> partFromV03Rest(p);
      });
    }
    if (in.get("metadata") instanceof ObjectNode md) {
      out.set("metadata", md);
    }
    return out;
  }

  private static ObjectNode partV1(JsonNode p) {
    if (!(p instanceof ObjectNode o)) {
      throw A2aError.invalidParams("each part must be an object");
    }
    int kinds = (o.has("text") ? 1 : 0) + (o.has("raw") ? 1 : 0) + (o.has("url") ? 1 : 0) + (o.has("data") ? 1 : 0);
    if (kinds != 1) {
      throw A2aError.invalidParams("a part must have exactly one of text, raw, url or data");
    }
    if ((o.has("text") && !o.get("text").isTextual()) || (o.has("raw") && !o.get("raw").isTextual())
        || (o.has("url") && !o.get("url").isTextual())) {
      throw A2aError.invalidParams("text, raw (base64) and url must be strings");
    }
    return o;
  }

  private static ObjectNode partFromV03Rpc(JsonNode p) {
    if (!(p instanceof ObjectNode o)) {
      throw A2aError.invalidParams("each part must be an object");
    }
    ObjectNode out;
    switch (o.path("kind").asText("")) {
      case "text" -> out = textPart(requireText(o, "text"));
      case "data" -> out = dataPart(o.has("data") ? o.get("data") : JSON.nullNode());
      case "file" -> {
        JsonNode f = o.path("file");
        out = JSON.objectNode();
        if (f.path("bytes").isTextual()) {
          out.put("raw", f.get("bytes").asText());
        } else if (f.path("uri").isTextual()) {
          out.put("url", f.get("uri").asText());
        } else {
          throw A2aError.invalidParams("a file part needs file.bytes or file.uri");
        }
        copyTextAs(f, out, "name", "filename");
        copyTextAs(f, out, "mimeType", "mediaType");
      }
      default -> throw A2aError.invalidParams("unknown part kind '" + clip(o.path("kind").asText("")) + "'");
    }
    if (o.get("metadata") instanceof ObjectNode md) {
      out.set("metadata", md);
    }
    return out;
  }

  private static ObjectNode partFromV03Rest(JsonNode p) {
    if (!(p instanceof ObjectNode o)) {
      throw A2aError.invalidParams("each part must be an object");
    }
    if (o.path("text").isTextual()) {
      return textPart(o.get("text").asText());
    }
    if (o.get("data") instanceof ObjectNode d) {
      return dataPart(d.has("data") ? d.get("data") : JSON.nullNode());
    }
    if (o.get("file") instanceof ObjectNode f) {
      ObjectNode out = JSON.objectNode();
      String uri = text(f, "fileWithUri", "file_with_uri");
      String bytes = text(f, "fileWithBytes", "file_with_bytes");
      if (bytes != null) {
        out.put("raw", bytes);
      } else if (uri != null) {
        out.put("url", uri);
      } else {
        throw A2aError.invalidParams("a file part needs fileWithBytes or fileWithUri");
      }
      String mime = text(f, "mimeType", "mime_type");
      if (mime != null) {
        out.put("mediaType", mime);
      }
      return out;
    }
    throw A2aError.invalidParams("a part must have text, file or data");
  }

  // ------------------------------------------------------------------ outbound: from v1.0

  /** @return a message in the dialect */
  static ObjectNode message(ObjectNode m, Dialect d) {
    if (d == Dialect.V1) {
      return m;
    }
    ObjectNode out = JSON.objectNode();
    if (d == Dialect.V03_RPC) {
      out.put("kind", "message");
    }
    out.put("messageId", m.path("messageId").asText());
    copyText(m, out, "contextId");
    copyText(m, out, "taskId");
    boolean user = "ROLE_USER".equals(m.path("role").asText());
    out.put("role", d == Dialect.V03_RPC ? (user ? "user" : "agent") : (user ? "ROLE_USER" : "ROLE_AGENT"));
    ArrayNode parts = out.putArray(d == Dialect.V03_RPC ? "parts" : "content");
    for (JsonNode p : m.path("parts")) {
      parts.add(part((ObjectNode) p, d));
    }
    if (m.get("metadata") instanceof ObjectNode md) {
      out.set("metadata", md);
    }
    return out;
  }

  private static ObjectNode part(ObjectNode p, Dialect d) {
    ObjectNode out = JSON.objectNode();
    if (p.has("text")) {
      if (d == Dialect.V03_RPC) {
        out.put("kind", "text");
      }
      out.set("text", p.get("text"));
    } else if (p.has("data")) {
      JsonNode data = p.get("data");
      ObjectNode wrapped = data.isObject() ? (ObjectNode) data : JSON.objectNode().set("value", data);
      if (d == Dialect.V03_RPC) {
        out.put("kind", "data");
        out.set("data", wrapped);
        if (!data.isObject()) {
          out.putObject("metadata").put("data_part_compat", true);
        }
      } else {
        out.putObject("data").set("data", wrapped);
      }
      return out;
    } else {
      boolean raw = p.has("raw");
      ObjectNode file = JSON.objectNode();
      if (d == Dialect.V03_RPC) {
        out.put("kind", "file");
        file.set(raw ? "bytes" : "uri", p.get(raw ? "raw" : "url"));
        copyTextAs(p, file, "mediaType", "mimeType");
        copyTextAs(p, file, "filename", "name");
      } else {
        file.set(raw ? "fileWithBytes" : "fileWithUri", p.get(raw ? "raw" : "url"));
        copyTextAs(p, file, "mediaType", "mimeType");
      }
      out.set("file", file);
      return out;
    }
    if (d == Dialect.V03_RPC && p.get("metadata") instanceof ObjectNode md) {
      out.set("metadata", md);
    }
    return out;
  }

  /** @return a task status in the dialect */
  static ObjectNode status(ObjectNode s, Dialect d) {
    if (d == Dialect.V1) {
      return s;
    }
    String state = s.path("state").asText();
    ObjectNode out = JSON.objectNode().put("state", d == Dialect.V03_RPC ? V03_STATES.getOrDefault(state, "unknown")
        : state.equals(CANCELED) ? "TASK_STATE_CANCELLED" : state);
    if (s.get("message") instanceof ObjectNode m) {
      out.set("message", message(m, d));
    }
    copyText(s, out, "timestamp");
    return out;
  }

  /** @return an artifact in the dialect */
  static ObjectNode artifact(ObjectNode a, Dialect d) {
    if (d == Dialect.V1) {
      return a;
    }
    ObjectNode out = JSON.objectNode().put("artifactId", a.path("artifactId").asText());
    copyText(a, out, "name");
    copyText(a, out, "description");
    ArrayNode parts = out.putArray("parts");
    for (JsonNode p : a.path("parts")) {
      parts.add(part((ObjectNode) p, d));
    }
    if (a.get("metadata") instanceof ObjectNode md) {
      out.set("metadata", md);
    }
    return out;
  }

  /** @return a task in the dialect */
  static ObjectNode task(ObjectNode t, Dialect d) {
    if (d == Dialect.V1) {
      return t;
    }
    ObjectNode out = JSON.objectNode();
    if (d == Dialect.V03_RPC) {
      out.put("kind", "task");
    }
    out.put("id", t.path("id").asText()).put("contextId", t.path("contextId").asText());
    out.set("status", status((ObjectNode) t.get("status"), d));
    if (t.get("artifacts") instanceof ArrayNode arts) {
      ArrayNode a = out.putArray("artifacts");
      arts.forEach(x -> a.add(artifact((ObjectNode) x, d)));
    }
    if (t.get("history") instanceof ArrayNode hist) {
      ArrayNode h = out.putArray("history");
      hist.forEach(x -> h.add(message((ObjectNode) x, d)));
    }
    if (t.get("metadata") instanceof ObjectNode md) {
      out.set("metadata", md);
    }
    return out;
  }

  /**
   * A v1.0 {@code StreamResponse} ({@code {task}}, {@code {message}}, {@code {statusUpdate}} or
   * {@code {artifactUpdate}}) in the dialect: the same for v1.0, the bare {@code kind} object for v0.3 JSON-RPC,
   * the protobuf {@code StreamResponse} for v0.3 HTTP+JSON. v0.3 status updates carry {@code final}.
   *
   * @param event the v1.0 stream response
   * @param d the dialect
   * @param last whether it ends the stream
   * @return the event in the dialect
   */
  static ObjectNode streamEvent(ObjectNode event, Dialect d, boolean last) {
    if (d == Dialect.V1) {
      return event;
    }
    Iterator<Map.Entry<String, JsonNode>> it = event.fields();
    Map.Entry<String, JsonNode> e = it.next();
    ObjectNode v = (ObjectNode) e.getValue();
    ObjectNode inner = switch (e.getKey()) {
      case "task" -> task(v, d);
      case "message" -> message(v, d);
      case "statusUpdate" -> {
        ObjectNode o = JSON.objectNode();
        if (d == Dialect.V03_RPC) {
          o.put("kind", "status-update");
        }
        o.put("taskId", v.path("taskId").asText()).put("contextId", v.path("contextId").asText());
        o.set("status", status((ObjectNode) v.get("status"), d));
        o.put("final", last);
        if (v.get("metadata") instanceof ObjectNode md) {
          o.set("metadata", md);
        }
        yield o;
      }
      default -> {
        ObjectNode o = JSON.objectNode();
        if (d == Dialect.V03_RPC) {
          o.put("kind", "artifact-update");
        }
        o.put("taskId", v.path("taskId").asText()).put("contextId", v.path("contextId").asText());
        o.set("artifact", artifact((ObjectNode) v.get("artifact"), d));
        o.put("append", v.path("append").asBoolean(false)).put("lastChunk", v.path("lastChunk").asBoolean(false));
        yield o;
      }
    };
    if (d == Dialect.V03_RPC) {
      return inner;
    }
    ObjectNode out = JSON.objectNode();
    out.set(e.getKey(), inner);
    return out;
  }

  /** @return the {@code SendMessage} result in the dialect: {@code {task}}, or the bare task for v0.3 JSON-RPC */
  static ObjectNode sendResult(ObjectNode task, Dialect d) {
    if (d == Dialect.V03_RPC) {
      return task(task, d);
    }
    ObjectNode out = JSON.objectNode();
    out.set("task", task(task, d));
    return out;
  }

  // ------------------------------------------------------------------ helpers

  static String text(JsonNode o, String... names) {
    for (String n : names) {
      JsonNode v = o.get(n);
      if (v != null && v.isTextual()) {
        return v.asText();
      }
    }
    return null;
  }

  private static String requireText(JsonNode o, String name) {
    String v = text(o, name);
    if (v == null) {
      throw A2aError.invalidParams("part." + name + " must be a string");
    }
    return v;
  }

  private static void copyText(JsonNode from, ObjectNode to, String name) {
    copyTextAs(from, to, name, name);
  }

  private static void copyTextAs(JsonNode from, ObjectNode to, String name, String as) {
    JsonNode v = from.get(name);
    if (v != null && v.isTextual() && !v.asText().isEmpty()) {
      to.put(as, v.asText());
    }
  }

  static String clip(String s) {
    String p = s.replaceAll("[^\\x20-\\x7e]", "?");
    return p.length() <= 80 ? p : p.substring(0, 80) + "...";
  }
}
