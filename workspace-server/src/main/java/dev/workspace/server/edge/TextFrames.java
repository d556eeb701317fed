package dev.workspace.server.edge;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/**
 * Frames already-encoded UTF-8 JSON as one final, unmasked, uncompressed WebSocket text frame (RFC 6455 section
 * 5.2), or a pong, in a direct buffer, without decoding it to a string and encoding it again: the same bytes go to every
 * receiver of an event.
 */
final class TextFrames {
  private TextFrames() {
  }

  /** First byte of a final text frame. */
  static final int TEXT = 0x81;
  /** First byte of a pong. */
  static final int PONG = 0x8A;

  static ByteBuf encode(ByteBufAllocator alloc, byte[] utf8) {
    return encode(alloc, TEXT, utf8);
  }

  static ByteBuf encode(ByteBufAllocator alloc, int firstByte, byte[] utf8) {
    int n = utf8.length;
    int header = n < 126 ? 2 : n <= 0xFFFF ? 4 : 10;
    ByteBuf buf = alloc.directBuffer(header + n);
    buf.writeByte(firstByte);
    if (n < 126) {
      buf.writeByte(n);
    } else if (n <= 0xFFFF) {
      buf.writeByte(126);
      buf.writeShort(n);
    } else {
      buf.writeByte(127);
      buf.writeLong(n);
    }
    buf.writeBytes(utf8);
    return buf;
  }
}
