package dev.workspace.server.edge;

import io.vertx.core.http.WebSocketFrame;
import io.vertx.core.http.WebSocketFrameType;
import io.vertx.core.http.impl.ws.WebSocketFrameImpl;

/**
 * Wraps already-encoded UTF-8 JSON as a final text frame without decoding it to a string and encoding it again:
 * the same bytes are written to every receiver of an event. Vert.x offers no public factory for a text frame
 * from bytes, so this is the one place that uses its frame implementation.
 */
final class TextFrames {
  private TextFrames() {
  }

  static WebSocketFrame of(byte[] utf8) {
    return new WebSocketFrameImpl(WebSocketFrameType.TEXT, utf8, true);
  }
}
