package dev.workspace.model;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The files an agent takes with a task, as its card states them in {@code metadata.accepts}:
 * {@code {"max_file_size": bytes, "max_files": count, "media_types": ["text/plain", "image/*"]}}. Every field is
 * optional; an absent one sets no limit of the agent's own (the server's file limits still hold). A media type
 * {@code type/*} takes every subtype; parameters such as {@code ;charset=utf-8} are ignored, and a file without a
 * media type counts as {@code application/octet-stream}.
 *
 * @param maxFileSize the largest file in bytes, or {@code -1} for no limit of the agent's own
 * @param maxFiles the most files one task may carry, or {@code -1} for no limit of the agent's own
 * @param mediaTypes the media types taken; empty for any
 */
public record Accepts(long maxFileSize, int maxFiles, List<String> mediaTypes) {
  /** The card field that holds these limits. */
  public static final String FIELD = "accepts";
  /** No limits of the agent's own. */
  public static final Accepts ANY = new Accepts(-1, -1, List.of());

  /** Copies the media types and lower-cases them. */
  public Accepts {
    List<String> types = new ArrayList<>(mediaTypes.size());
    for (String t : mediaTypes) {
      types.add(bare(t));
    }
    mediaTypes = List.copyOf(types);
  }

  /**
   * Reads and checks an agent card's {@code accepts}.
   *
   * @param card the agent's metadata, or {@code null}
   * @return its limits; {@link #ANY} when the card states none
   * @throws ProtocolException {@code invalid_frame} when {@code accepts} is not an object of a positive integer
   *     {@code max_file_size}, a positive integer {@code max_files} and an array of {@code type/subtype} strings
   */
  public static Accepts ofCard(JsonNode card) {
    JsonNode node = card == null ? null : card.get(FIELD);
    if (node == null || node.isNull()) {
      return ANY;
    }
    if (!node.isObject()) {
      throw invalid("metadata.accepts must be an object");
    }
    long size = positive(node, "max_file_size");
    long files = positive(node, "max_files");
    if (files > Integer.MAX_VALUE) {
      throw invalid("metadata.accepts.max_files must be at most " + Integer.MAX_VALUE);
    }
    List<String> types = new ArrayList<>();
    JsonNode given = node.get("media_types");
    if (given != null && !given.isNull()) {
      if (!given.isArray()) {
        throw invalid("metadata.accepts.media_types must be an array of media types");
      }
      for (JsonNode t : given) {
        if (!t.isTextual() || !t.asText().matches("[A-Za-z0-9][\\w.+-]*/(\\*|[A-Za-z0-9][\\w.+-]*)")) {
          throw invalid("metadata.accepts.media_types holds " + t + ", which is not a type/subtype");
        }
        types.add(t.asText());
      }
    }
    return new Accepts(size, (int) files, types);
  }

  /**
   * @param count how many files a task carries
   * @param agent the agent, for the message
   * @return why the agent does not take that many, or {@code null} when it does
   */
  public String refusesCount(int count, String agent) {
    if (maxFiles >= 0 && count > maxFiles) {
      return "agent '" + agent + "' accepts at most " + maxFiles + " files with a task, this one carries " + count;
    }
    return null;
  }

  /**
   * @param name the file's name, for the message
   * @param mediaType its media type, or {@code null}
   * @param size its length in bytes
   * @param agent the agent, for the message
   * @return why the agent does not take this file, or {@code null} when it does
   */
  public String refusesFile(String name, String mediaType, long size, String agent) {
    if (maxFileSize >= 0 && size > maxFileSize) {
      return "file '" + name + "' is " + size + " bytes; agent '" + agent + "' accepts at most " + maxFileSize
          + " bytes per file";
    }
    if (!takes(mediaType)) {
      return "file '" + name + "' is " + bare(mediaType) + "; agent '" + agent + "' accepts only " + mediaTypes;
    }
    return null;
  }

  /**
   * @param mediaType a file's media type, or {@code null}
   * @return whether these limits take it
   */
  public boolean takes(String mediaType) {
    if (mediaTypes.isEmpty()) {
      return true;
    }
    String type = bare(mediaType);
    for (String t : mediaTypes) {
      if (t.equals(type) || t.endsWith("/*") && type.startsWith(t.substring(0, t.length() - 1))) {
        return true;
      }
    }
    return false;
  }

  private static String bare(String mediaType) {
    if (mediaType == null || mediaType.isBlank()) {
      return "application/octet-stream";
    }
    int semi = mediaType.indexOf(';');
    return (semi < 0 ? mediaType : mediaType.substring(0, semi)).trim().toLowerCase(Locale.ROOT);
  }

  private static long positive(JsonNode node, String field) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      return -1;
    }
    if (!v.isIntegralNumber() || !v.canConvertToLong() || v.asLong() < 1) {
      throw invalid("metadata.accepts." + field + " must be a positive integer, was " + v);
    }
    return v.asLong();
  }

  private static ProtocolException invalid(String message) {
    return new ProtocolException(ErrorCode.INVALID_FRAME, message);
  }
}
