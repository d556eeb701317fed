package dev.workspace.bench;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** The benchmark's message body: a {@link System#nanoTime} stamp in ASCII, padded to the payload size. */
final class Payloads {
  private Payloads() {
  }

  /**
   * @param stamp the stamp
   * @param size total bytes, at least 24
   * @return {@code t=<stamp>;xxxx...}
   */
  static byte[] raw(long stamp, int size) {
    byte[] out = new byte[size];
    Arrays.fill(out, (byte) 'x');
    byte[] head = ("t=" + stamp + ";").getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(head, 0, out, 0, Math.min(head.length, size));
    return out;
  }

  /**
   * @param data bytes starting with {@code t=<stamp>;}
   * @param from where they start
   * @return the stamp
   */
  static long stamp(byte[] data, int from) {
    long v = 0;
    for (int i = from + 2; i < data.length && data[i] != ';'; i++) {
      v = v * 10 + (data[i] - '0');
    }
    return v;
  }

  /**
   * @param text a workspace event frame whose payload has {@code "t":<stamp>}
   * @return the stamp, or -1
   */
  static long stamp(String text) {
    int at = text.indexOf("\"t\":");
    if (at < 0) {
      return -1;
    }
    long v = 0;
    for (int i = at + 4; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c < '0' || c > '9') {
        break;
      }
      v = v * 10 + (c - '0');
    }
    return v;
  }
}
