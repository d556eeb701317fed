package dev.workspace.server.edge;

import dev.workspace.model.CloseCodes;
import io.vertx.core.http.WebSocketFrame;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Puts WebSocket frames back together into text messages, enforcing what Vert.x does not: a binary frame is refused
 * (1003), a message larger than the limit across its fragments is refused (1009), text must be valid UTF-8 (1007;
 * Vert.x would silently replace bad bytes), and fragments must follow the rules (1002). Frame size itself is
 * checked by the WebSocket decoder before a frame gets here. Not thread-safe: one per connection.
 */
final class MessageAssembler {
  /** Where messages and violations go. */
  interface Sink {
    /**
     * A complete, valid text message.
     *
     * @param text the message
     * @param admitted false when one of its frames was beyond the connection's frame budget: the message must be
     *     refused, not processed
     */
    void message(String text, boolean admitted);

    /** The peer broke a rule; the connection must be closed with this code. */
    void violation(short code, String reason);
  }

  private final int maxMessageSize;
  private final Sink sink;
  private final CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
      .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
  private byte[] partial;
  private int partialLength;
  private boolean broken;
  private boolean refused;

  /**
   * @param maxMessageSize largest message in bytes
   * @param sink receives messages and violations
   */
  MessageAssembler(int maxMessageSize, Sink sink) {
    this.maxMessageSize = maxMessageSize;
    this.sink = sink;
  }

  /**
   * Takes the next frame the peer sent.
   *
   * @param frame the frame
   * @param admitted whether the frame was within the connection's frame budget
   */
  void feed(WebSocketFrame frame, boolean admitted) {
    if (broken) {
      return;
    }
    if (frame.isBinary()) {
      fail(CloseCodes.UNSUPPORTED_DATA, "binary frames are not accepted; send JSON in text frames");
      return;
    }
    if (!frame.isText() && !frame.isContinuation()) {
      return;
    }
    if (frame.isText() && partial != null) {
      fail(CloseCodes.PROTOCOL_ERROR, "a new message started before the previous one ended");
      return;
    }
    if (frame.isContinuation() && partial == null) {
      fail(CloseCodes.PROTOCOL_ERROR, "continuation frame without a message to continue");
      return;
    }
    byte[] bytes = frame.binaryData().getBytes();
    if (frame.isText() && frame.isFinal()) {
      if (bytes.length > maxMessageSize) {
        fail(CloseCodes.MESSAGE_TOO_BIG, "message larger than " + maxMessageSize + " bytes");
        return;
      }
      complete(bytes, bytes.length, admitted);
      return;
    }
    if (partial == null) {
      partial = new byte[Math.min(maxMessageSize, Math.max(1024, bytes.length * 2))];
      partialLength = 0;
      refused = false;
    }
    refused |= !admitted;
    if ((long) partialLength + bytes.length > maxMessageSize) {
      partial = null;
      fail(CloseCodes.MESSAGE_TOO_BIG, "message larger than " + maxMessageSize + " bytes");
      return;
    }
    if (partialLength + bytes.length > partial.length) {
      byte[] grown = new byte[Math.min(maxMessageSize, Math.max(partial.length * 2, partialLength + bytes.length))];
      System.arraycopy(partial, 0, grown, 0, partialLength);
      partial = grown;
    }
    System.arraycopy(bytes, 0, partial, partialLength, bytes.length);
    partialLength += bytes.length;
    if (frame.isFinal()) {
      byte[] whole = partial;
      int length = partialLength;
      partial = null;
      complete(whole, length, !refused);
    }
  }

  private void complete(byte[] bytes, int length, boolean admitted) {
    String text;
    try {
      text = utf8.reset().decode(ByteBuffer.wrap(bytes, 0, length)).toString();
    } catch (CharacterCodingException e) {
      fail(CloseCodes.INVALID_PAYLOAD, "text frame is not valid UTF-8");
      return;
    }
    sink.message(text, admitted);
  }

  private void fail(short code, String reason) {
    broken = true;
    sink.violation(code, reason);
  }
}
