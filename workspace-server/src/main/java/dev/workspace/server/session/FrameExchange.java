package dev.workspace.server.session;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.workspace.model.ErrorCode;
import dev.workspace.model.ProtocolException;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The request side of a {@link Transport} without a socket (a gateway acting for outside callers): it hands the
 * session request frames with ids of its own, and reads back what the session writes, completing each request
 * with its {@code ack}'s result or failing it with its {@code error}, and passing deliveries on. Confined to the
 * session's event loop.
 */
public final class FrameExchange {
  private final ObjectMapper mapper;
  private final String idPrefix;
  private final Map<String, Promise<ObjectNode>> pending = new HashMap<>();
  private long ids;

  /**
   * @param mapper reads the frames the session writes
   * @param idPrefix the prefix of the request ids
   */
  public FrameExchange(ObjectMapper mapper, String idPrefix) {
    this.mapper = mapper;
    this.idPrefix = idPrefix;
  }

  /**
   * Sends one request frame to the session.
   *
   * @param session the session, or {@code null} when there is none
   * @param frame the frame without its {@code id} ({@code type} first)
   * @return the ack's {@code result}; fails with the error's code and message, or {@code not_connected} when the
   *     session is over
   */
  public Future<ObjectNode> request(Session session, ObjectNode frame) {
    if (session == null || session.isClosed()) {
      return Future.failedFuture(new ProtocolException(ErrorCode.NOT_CONNECTED, "the session is over"));
    }
    String id = idPrefix + (++ids);
    Promise<ObjectNode> p = Promise.promise();
    pending.put(id, p);
    ObjectNode withId = JsonNodeFactory.instance.objectNode().put("type", frame.path("type").asText()).put("id", id);
    frame.fields().forEachRemaining(e -> {
      if (!e.getKey().equals("type") && !e.getKey().equals("id")) {
        withId.set(e.getKey(), e.getValue());
      }
    });
    session.receive(withId.toString(), true);
    return p.future();
  }

  /**
   * Reads one frame the session wrote: answers the request it acks or refuses, or hands on an event.
   *
   * @param frame the encoded frame
   * @param events receives each delivered event with the frame's size
   * @param unanswered receives an error that answers no request of this exchange
   * @throws IOException when the frame is not JSON
   */
  public void read(byte[] frame, EventSink events, Consumer<ProtocolException> unanswered) throws IOException {
    JsonNode f = mapper.readTree(frame);
    switch (f.path("type").asText()) {
      case "ack" -> {
        Promise<ObjectNode> p = pending.remove(f.path("id").asText());
        if (p != null) {
          p.complete(f.get("result") instanceof ObjectNode r ? r : JsonNodeFactory.instance.objectNode());
        }
      }
      case "error" -> {
        ProtocolException e = new ProtocolException(ErrorCode.fromWire(f.path("code").asText()),
            f.path("message").asText());
        Promise<ObjectNode> p = f.hasNonNull("id") ? pending.remove(f.path("id").asText()) : null;
        if (p != null) {
          p.fail(e);
        } else {
          unanswered.accept(e);
        }
      }
      case "event" -> {
        if (f.get("event") instanceof ObjectNode event) {
          events.accept(event, frame.length);
        }
      }
      default -> {
      }
    }
  }

  /**
   * Fails every request still waiting.
   *
   * @param code the code to fail with
   * @param reason why
   */
  public void failAll(ErrorCode code, String reason) {
    for (Promise<ObjectNode> p : new ArrayList<>(pending.values())) {
      p.tryFail(new ProtocolException(code, reason));
    }
    pending.clear();
  }

  /** Where delivered events go. */
  @FunctionalInterface
  public interface EventSink {
    /**
     * @param event the event
     * @param size the encoded frame's size in bytes
     */
    void accept(ObjectNode event, int size);
  }
}
