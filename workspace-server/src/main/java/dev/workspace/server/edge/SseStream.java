package dev.workspace.server.edge;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.http.HttpServerResponse;
import java.nio.charset.StandardCharsets;

/**
 * A {@code text/event-stream} answer of the HTTP faces: JSON messages as events (named, or unnamed so that they are
 * {@code message} events), and keep-alive comments so that an idle stream is not taken for a dead connection.
 * Owned by one event loop.
 */
public final class SseStream {
  private final HttpServerResponse response;
  private final boolean numbered;
  private final String eventName;
  private long lastId;
  private boolean open = true;
  private long dropped;

  /**
   * Starts the stream: status 200 and the headers are sent at once.
   *
   * @param response the HTTP response
   * @param headers more headers to send, or an empty map
   * @param numbered whether events carry an {@code id:} line
   * @param eventName the {@code event:} of each event, or {@code null} for none
   */
  public SseStream(HttpServerResponse response, java.util.Map<String, String> headers, boolean numbered,
      String eventName) {
    this.response = response;
    this.numbered = numbered;
    this.eventName = eventName;
    response.setStatusCode(200).setChunked(true)
        .putHeader("content-type", "text/event-stream")
        .putHeader("cache-control", "no-cache, no-transform")
        .putHeader("x-accel-buffering", "no");
    headers.forEach(response::putHeader);
    response.writeHead();
  }

  /**
   * Sends one message.
   *
   * @param message a JSON message
   * @param droppable whether it may be dropped when the client does not read (notifications on the GET stream)
   * @return whether it was written
   */
  public boolean send(ObjectNode message, boolean droppable) {
    return send(eventName, message, droppable);
  }

  /**
   * Sends one message as an event of the given name.
   *
   * @param name the {@code event:} line, or {@code null} for none
   * @param message a JSON message
   * @param droppable whether it may be dropped when the client does not read
   * @return whether it was written
   */
  public boolean send(String name, ObjectNode message, boolean droppable) {
    if (!open || response.closed() || response.ended()) {
      open = false;
      return false;
    }
    if (droppable && response.writeQueueFull()) {
      dropped++;
      return false;
    }
    StringBuilder sb = new StringBuilder(64);
    if (name != null) {
      sb.append("event: ").append(name).append('\n');
    }
    if (numbered) {
      sb.append("id: ").append(++lastId).append('\n');
    }
    sb.append("data: ").append(message.toString()).append("\n\n");
    response.write(io.vertx.core.buffer.Buffer.buffer(sb.toString().getBytes(StandardCharsets.UTF_8)));
    return true;
  }

  /** Writes a keep-alive comment, unless the client is not reading. */
  public void keepalive() {
    if (open && !response.closed() && !response.ended() && !response.writeQueueFull()) {
      response.write(": keepalive\n\n");
    }
  }

  /** Ends the stream. */
  public void end() {
    if (open) {
      open = false;
      if (!response.closed() && !response.ended()) {
        response.end();
      }
    }
  }

  /** @return whether the stream can still be written */
  public boolean isOpen() {
    return open && !response.closed() && !response.ended();
  }

  /** @return notifications dropped because the client did not read */
  public long dropped() {
    return dropped;
  }
}
