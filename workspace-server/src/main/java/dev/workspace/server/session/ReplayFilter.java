package dev.workspace.server.session;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.workspace.server.core.SessionRef;
import dev.workspace.server.core.StreamKey;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Decides which replayed events a session receives, by the rules live deliveries follow: an event must match the
 * session's subscriptions, except a reply in the session's inbox; and a session is not sent the channel posts and
 * broadcasts it published itself. Reads only the few fields it needs from the encoded frame.
 */
final class ReplayFilter {
  private final JsonFactory json;

  /**
   * @param json the factory of the codec's mapper
   */
  ReplayFilter(JsonFactory json) {
    this.json = json;
  }

  /**
   * @param session the receiving session
   * @param stream the replayed stream
   * @param frame an encoded {@code {"type":"event","event":{...}}} frame
   * @return whether to send it
   */
  boolean accepts(SessionRef session, StreamKey stream, byte[] frame) {
    String name = null;
    String source = null;
    boolean reply = false;
    try (JsonParser p = json.createParser(frame)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        return true;
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        JsonToken value = p.nextToken();
        if (!"event".equals(field) || value != JsonToken.START_OBJECT) {
          p.skipChildren();
          continue;
        }
        while (p.nextToken() == JsonToken.FIELD_NAME) {
          String f = p.currentName();
          JsonToken v = p.nextToken();
          switch (f) {
            case "event_name" -> name = v == JsonToken.VALUE_STRING ? p.getText() : null;
            case "source_id" -> source = v == JsonToken.VALUE_STRING ? p.getText() : null;
            case "response_to" -> reply = v == JsonToken.VALUE_STRING;
            default -> p.skipChildren();
          }
        }
        break;
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    if (name == null) {
      return true;
    }
    if (stream.kind() == StreamKey.Kind.INBOX) {
      return reply || session.accepts(name);
    }
    return !session.agentId().equals(source) && session.accepts(name);
  }
}
