package dev.workspace.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A file an event refers to: uploaded once with {@code POST /api/files}, named in an event's
 * {@code payload.attachments}, downloaded with {@code GET /api/files/{file_id}}. On the wire:
 * {@code {"file_id", "name", "media_type", "size", "sha256"}}; the server fills in every field but {@code file_id}
 * from what it stored.
 *
 * @param fileId the id the server gave the file
 * @param name its safe base name
 * @param mediaType its declared media type
 * @param size its length in bytes
 * @param sha256 the SHA-256 of its bytes, lower-case hex
 */
public record Attachment(String fileId, String name, String mediaType, long size, String sha256) {
  /** The payload field that holds an event's attachments. */
  public static final String FIELD = "attachments";

  /** @throws NullPointerException when {@code fileId} is {@code null} */
  public Attachment {
    Objects.requireNonNull(fileId, "fileId");
  }

  /**
   * @param fileId the id the server gave the file
   * @return a reference by id alone; the server fills in the rest
   */
  public static Attachment ofId(String fileId) {
    return new Attachment(fileId, null, null, -1, null);
  }

  /** @return the wire form; fields this reference does not know are left out */
  public ObjectNode toJson() {
    ObjectNode o = JsonNodeFactory.instance.objectNode().put("file_id", fileId);
    if (name != null) {
      o.put("name", name);
    }
    if (mediaType != null) {
      o.put("media_type", mediaType);
    }
    if (size >= 0) {
      o.put("size", size);
    }
    if (sha256 != null) {
      o.put("sha256", sha256);
    }
    return o;
  }

  /**
   * @param node one entry of {@code payload.attachments}
   * @return the attachment, or {@code null} when the entry has no string {@code file_id}
   */
  public static Attachment fromJson(JsonNode node) {
    if (node == null || !node.isObject() || !node.path("file_id").isTextual()) {
      return null;
    }
    return new Attachment(node.get("file_id").asText(), text(node, "name"), text(node, "media_type"),
        node.path("size").isIntegralNumber() ? node.get("size").asLong() : -1, text(node, "sha256"));
  }

  /**
   * @param payload an event's payload
   * @return the attachments it names, in order; entries without a {@code file_id} are left out
   */
  public static List<Attachment> listOf(ObjectNode payload) {
    JsonNode array = payload == null ? null : payload.get(FIELD);
    if (array == null || !array.isArray()) {
      return List.of();
    }
    List<Attachment> out = new ArrayList<>(array.size());
    for (JsonNode n : array) {
      Attachment a = fromJson(n);
      if (a != null) {
        out.add(a);
      }
    }
    return List.copyOf(out);
  }

  /**
   * Sets {@code payload.attachments}.
   *
   * @param payload the payload to change
   * @param attachments the attachments; an empty list leaves the payload as it is
   * @return the payload
   */
  public static ObjectNode putAll(ObjectNode payload, List<Attachment> attachments) {
    if (!attachments.isEmpty()) {
      ArrayNode array = payload.putArray(FIELD);
      attachments.forEach(a -> array.add(a.toJson()));
    }
    return payload;
  }

  private static String text(JsonNode node, String field) {
    JsonNode v = node.get(field);
    return v != null && v.isTextual() ? v.asText() : null;
  }
}
