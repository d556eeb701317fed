package dev.workspace.server.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.workspace.model.Ids;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Finds the agents a channel post mentions: its {@code mentions} array and {@code @agent-id} in its text. */
public final class Mentions {
  private static final Pattern AT = Pattern.compile("(?<![A-Za-z0-9_.@-])@([A-Za-z0-9][A-Za-z0-9_.-]{0,63})");
  /** Most agents one post may mention; the rest are ignored. */
  public static final int MAX_MENTIONS = 64;

  private Mentions() {
  }

  /**
   * @param payload a post's payload
   * @return the mentioned agent ids, each once, in the order first named
   */
  public static Set<String> of(ObjectNode payload) {
    Set<String> ids = new LinkedHashSet<>();
    JsonNode list = payload.get("mentions");
    if (list != null && list.isArray()) {
      for (JsonNode n : list) {
        String id = n.isTextual() ? strip(n.asText()) : null;
        if (id != null && Ids.isValid(id) && ids.size() < MAX_MENTIONS) {
          ids.add(id);
        }
      }
    }
    JsonNode text = payload.get("text");
    if (text != null && text.isTextual() && text.asText().indexOf('@') >= 0) {
      Matcher m = AT.matcher(text.asText());
      while (m.find() && ids.size() < MAX_MENTIONS) {
        String id = trimTrailing(m.group(1));
        if (Ids.isValid(id)) {
          ids.add(id);
        }
      }
    }
    return ids;
  }

  private static String strip(String id) {
    return id.startsWith("@") ? id.substring(1) : id;
  }

  private static String trimTrailing(String id) {
    int end = id.length();
    while (end > 1 && (id.charAt(end - 1) == '.' || id.charAt(end - 1) == '-' || id.charAt(end - 1) == '_')) {
      end--;
    }
    return id.substring(0, end);
  }
}
