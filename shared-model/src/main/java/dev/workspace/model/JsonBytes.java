package dev.workspace.model;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Map;

/**
 * A growing buffer of JSON as UTF-8 that writes strings, integers and trees byte for byte as the codec's Jackson
 * generator writes them: {@code "} and {@code \} escaped with a backslash, control characters as {@code \b \t \n
 * \f \r} or {@code \}{@code u00XX}, every UTF-16 surrogate (paired or not) as {@code \}{@code uXXXX}, upper-case
 * hex, everything else as plain UTF-8. A tree node that is not an object, array, string, integer, boolean or null
 * is written by the mapper itself. Not thread-safe.
 */
final class JsonBytes {
  private static final byte[] HEX = "0123456789ABCDEF".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] TRUE = "true".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] FALSE = "false".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] NULL = "null".getBytes(StandardCharsets.US_ASCII);
  /** Per ASCII character: 0 written as it is, -1 as a {@code \}{@code u00XX} escape, else the short escape's letter. */
  private static final int[] ESCAPES = new int[128];

  static {
    for (int c = 0; c < 0x20; c++) {
      ESCAPES[c] = -1;
    }
    ESCAPES['"'] = '"';
    ESCAPES['\\'] = '\\';
    ESCAPES['\b'] = 'b';
    ESCAPES['\t'] = 't';
    ESCAPES['\f'] = 'f';
    ESCAPES['\n'] = 'n';
    ESCAPES['\r'] = 'r';
  }

  /** Most bytes a thread's reused buffer keeps between uses. */
  private static final int KEPT = 64 * 1024;
  private static final ThreadLocal<JsonBytes> SCRATCH = new ThreadLocal<>();

  private byte[] buf;
  private int len;

  /** @param capacity the first size of the buffer, in bytes */
  JsonBytes(int capacity) {
    buf = new byte[Math.max(16, capacity)];
  }

  /**
   * @return this thread's reused buffer, emptied (a new one when it is in use); give it back with {@link #done}
   */
  static JsonBytes scratch() {
    JsonBytes b = SCRATCH.get();
    if (b == null) {
      return new JsonBytes(1024);
    }
    SCRATCH.set(null);
    b.len = 0;
    return b;
  }

  /** @return the bytes written; the buffer goes back to its thread for the next {@link #scratch} */
  byte[] done() {
    byte[] out = Arrays.copyOf(buf, len);
    if (buf.length <= KEPT) {
      SCRATCH.set(this);
    }
    return out;
  }

  private void room(int more) {
    if (len + more > buf.length) {
      buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + more));
    }
  }

  /** Appends bytes as they are. */
  JsonBytes raw(byte[] bytes) {
    room(bytes.length);
    System.arraycopy(bytes, 0, buf, len, bytes.length);
    len += bytes.length;
    return this;
  }

  /** Appends one ASCII character. */
  JsonBytes raw(char c) {
    room(1);
    buf[len++] = (byte) c;
    return this;
  }

  /** Appends an integer. */
  JsonBytes number(long n) {
    if (n == Long.MIN_VALUE) {
      return raw(Long.toString(n).getBytes(StandardCharsets.US_ASCII));
    }
    room(20);
    if (n < 0) {
      buf[len++] = '-';
      n = -n;
    }
    int end = len + digits(n);
    int at = end;
    do {
      buf[--at] = (byte) ('0' + (n % 10));
      n /= 10;
    } while (n != 0);
    len = end;
    return this;
  }

  private static int digits(long n) {
    int d = 1;
    while (n >= 10) {
      n /= 10;
      d++;
    }
    return d;
  }

  /** Appends a boolean. */
  JsonBytes bool(boolean b) {
    return raw(b ? TRUE : FALSE);
  }

  /** Appends a string in quotes, escaped, or {@code null}. */
  @SuppressWarnings("deprecation")
  JsonBytes string(String s) {
    if (s == null) {
      return raw(NULL);
    }
    int n = s.length();
    int need = 2;
    boolean plain = true;
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        int e = ESCAPES[c];
        if (e != 0) {
          plain = false;
          need += e > 0 ? 2 : 6;
        } else {
          need++;
        }
      } else {
        plain = false;
        need += c < 0x800 ? 2 : c >= 0xD800 && c <= 0xDFFF ? 6 : 3;
      }
    }
    room(need);
    byte[] b = buf;
    int at = len;
    b[at++] = '"';
    if (plain) {
      s.getBytes(0, n, b, at);
      b[at + n] = '"';
      len = at + n + 1;
      return this;
    }
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        int e = ESCAPES[c];
        if (e == 0) {
          b[at++] = (byte) c;
        } else if (e > 0) {
          b[at++] = '\\';
          b[at++] = (byte) e;
        } else {
          at = unicodeEscape(b, at, c);
        }
      } else if (c < 0x800) {
        b[at++] = (byte) (0xC0 | (c >> 6));
        b[at++] = (byte) (0x80 | (c & 0x3F));
      } else if (c >= 0xD800 && c <= 0xDFFF) {
        at = unicodeEscape(b, at, c);
      } else {
        b[at++] = (byte) (0xE0 | (c >> 12));
        b[at++] = (byte) (0x80 | ((c >> 6) & 0x3F));
        b[at++] = (byte) (0x80 | (c & 0x3F));
      }
    }
    b[at++] = '"';
    len = at;
    return this;
  }

  private static int unicodeEscape(byte[] b, int at, char c) {
    b[at++] = '\\';
    b[at++] = 'u';
    b[at++] = HEX[(c >> 12) & 0xF];
    b[at++] = HEX[(c >> 8) & 0xF];
    b[at++] = HEX[(c >> 4) & 0xF];
    b[at++] = HEX[c & 0xF];
    return at;
  }

  /** Appends a tree as the mapper would write it. */
  JsonBytes tree(JsonNode node, ObjectMapper mapper) {
    switch (node.getNodeType()) {
      case OBJECT -> {
        raw('{');
        boolean first = true;
        Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
        while (fields.hasNext()) {
          Map.Entry<String, JsonNode> f = fields.next();
          if (!first) {
            raw(',');
          }
          first = false;
          string(f.getKey()).raw(':').tree(f.getValue(), mapper);
        }
        raw('}');
      }
      case ARRAY -> {
        raw('[');
        for (int i = 0; i < node.size(); i++) {
          if (i > 0) {
            raw(',');
          }
          tree(node.get(i), mapper);
        }
        raw(']');
      }
      case STRING -> string(node.textValue());
      case BOOLEAN -> bool(node.booleanValue());
      case NULL -> raw(NULL);
      default -> {
        if (node.isInt() || node.isLong() || node.isShort()) {
          number(node.longValue());
        } else {
          try {
            raw(mapper.writeValueAsBytes(node));
          } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
          }
        }
      }
    }
    return this;
  }
}
