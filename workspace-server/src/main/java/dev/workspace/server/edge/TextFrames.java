package dev.workspace.server.edge;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/**
 * Frames already-encoded UTF-8 JSON as one final, unmasked, uncompressed WebSocket text frame (RFC 6455 section
 * 5.2), or a pong, into a direct buffer, without decoding it to a string and encoding it again: the bytes encoded
 * once per event are copied as they are into each receiver's pending buffer.
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
    ByteBuf buf = alloc.directBuffer(size(utf8.length));
    write(buf, firstByte, utf8);
    return buf;
  }

  /**
   * @param payloadBytes the length of a frame's payload
   * @return the length of the whole frame: its header (2, 4 or 10 bytes) and the payload
   */
  static int size(int payloadBytes) {
    int header = payloadBytes < 126 ? 2 : payloadBytes <= 0xFFFF ? 4 : 10;
    return header + payloadBytes;
  }

  /** Appends one final, unmasked frame of {@code utf8} to {@code buf}, which grows if it must. */
  static void write(ByteBuf buf, int firstByte, byte[] utf8) {
    int n = utf8.length;
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
  }
}
