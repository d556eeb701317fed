package dev.workspace.server.mcp;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.http.HttpServerResponse;
import java.nio.charset.StandardCharsets;

/**
 * A {@code text/event-stream} answer: JSON-RPC messages as {@code event: message} events, and keep-alive comments
 * so that an idle stream is not taken for a dead connection. Owned by one session's event loop.
 */
final class SseStream {
  private final HttpServerResponse response;
  private final boolean numbered;
  private long lastId;
  private boolean open = true;
  private long dropped;

  /**
   * Starts the stream: status 200 and the headers are sent at once.
   *
   * @param response the HTTP response
   * @param sessionId the {@code mcp-session-id} to echo, or {@code null}
   * @param numbered whether events carry an {@code id:} line
   */
  SseStream(HttpServerResponse response, String sessionId, boolean numbered) {
    this.response = response;
    this.numbered = numbered;
    response.setStatusCode(200).setChunked(true)
        .putHeader("content-type", "text/event-stream")
        .putHeader("cache-control", "no-cache, no-transform")
        .putHeader("x-accel-buffering", "no");
    if (sessionId != null) {
      response.putHeader(McpEndpoint.SESSION_HEADER, sessionId);
    }
    response.writeHead();
  }

  /**
   * Sends one message.
   *
   * @param message a JSON-RPC message
   * @param droppable whether it may be dropped when the client does not read (notifications on the GET stream)
   * @return whether it was written
   */
  boolean send(ObjectNode message, boolean droppable) {
    if (!open || response.closed() || response.ended()) {
      open = false;
      return false;
    }
    if (droppable && response.writeQueueFull()) {
      dropped++;
      return false;
    }
    StringBuilder sb = new StringBuilder(64);
    sb.append("event: message\n");
    if (numbered) {
      sb.append("id: ").append(++lastId).append('\n');
    }
    sb.append("data: ").append(message.toString()).append("\n\n");
    response.write(io.vertx.core.buffer.Buffer.buffer(sb.toString().getBytes(StandardCharsets.UTF_8)));
    return true;
  }

  /** Writes a keep-alive comment, unless the client is not reading. */
  void keepalive() {
    if (open && !response.closed() && !response.ended() && !response.writeQueueFull()) {
      response.write(": keepalive\n\n");
    }
  }

  /** Ends the stream. */
  void end() {
    if (open) {
      open = false;
      if (!response.closed() && !response.ended()) {
        response.end();
      }
    }
  }

  /** @return whether the stream can still be written */
  boolean isOpen() {
    return open && !response.closed() && !response.ended();
  }

  /** @return notifications dropped because the client did not read */
  long dropped() {
    return dropped;
  }
}
