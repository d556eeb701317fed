package dev.workspace.server.redis;

import dev.workspace.server.core.Audience;
import dev.workspace.server.core.Delivery;
import dev.workspace.server.core.StreamKey;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * One message as it travels through Redis: a routing header line, a newline, and the encoded {@code event} frame
 * that every receiver is sent as it is. The header lets a receiving node route the event without parsing JSON:
 *
 * <pre>kind TAB workspace TAB audience-kind TAB audience-name TAB stream TAB event-name TAB source TAB reply TAB
 * origin-node TAB epoch TAB offset</pre>
 *
 * <p>{@code kind} is {@code S} for a stream event (with epoch and offset, stored in history), {@code T} for a
 * transient event (presence), {@code N} for a stream event that is a node's notice about its own traffic, which
 * that node does not deliver to its own sessions.
 * Names and ids cannot hold tabs or newlines. The publish script writes the last two fields and the offset of the
 * frame; Java writes the rest once per event.
 */
record Inbound(char kind, String workspace, Audience audience, StreamKey stream, String eventName, String sourceId,
    boolean reply, String origin, String epoch, long offset, byte[] frame) {

  /** Stream event. */
  static final char STREAM = 'S';
  /** Presence and other events without a stream. */
  static final char TRANSIENT = 'T';
  /** A stream event that is a node's notice about its own traffic: every other node delivers it. */
  static final char NOTICE = 'N';

  /**
   * @return the header of a stream event up to (and with the tab before) the epoch, which the script completes
   */
  static String streamPrefix(char kind, String workspace, StreamKey stream, String eventName, String sourceId,
      boolean reply, String origin) {
    Audience a = Audience.of(stream);
    return kind + "\t" + workspace + '\t' + kindCode(a.kind()) + '\t' + a.name() + '\t' + stream + '\t' + eventName
        + '\t' + sourceId + '\t' + (reply ? '1' : '0') + '\t' + origin + '\t';
  }

  /** @return a whole transient or notice message */
  static byte[] transientMessage(char kind, String workspace, Audience audience, String eventName, String sourceId,
      String origin, byte[] frame) {
    byte[] header = (kind + "\t" + workspace + '\t' + kindCode(audience.kind()) + '\t' + audience.name() + "\t-\t"
        + eventName + '\t' + sourceId + "\t0\t" + origin + "\t-\t-1\n").getBytes(StandardCharsets.UTF_8);
    byte[] out = Arrays.copyOf(header, header.length + frame.length);
    System.arraycopy(frame, 0, out, header.length, frame.length);
    return out;
  }

  /**
   * The routing fields of the last message parsed (kind to stream), as its header bytes: the messages of one
   * stream repeat them, so they are decoded once and the same objects serve every later message of the stream.
   * Immutable; shared by whichever threads parse.
   */
  private record Route(byte[] bytes, String workspace, Audience audience, StreamKey stream) {
  }

  /** The same for one later field of the header (event name, source, origin, epoch). */
  private record Field(byte[] bytes, String text) {
  }

  private static volatile Route lastRoute;
  private static final Field[] LAST_FIELDS = new Field[11];

  /**
   * @param message a message as published
   * @return it parsed
   * @throws IllegalArgumentException when it is not one
   */
  static Inbound parse(byte[] message) {
    int nl = -1;
    int[] tabs = new int[10];
    int n = 0;
    for (int i = 0; i < message.length; i++) {
      byte b = message[i];
      if (b == '\t') {
        if (n == tabs.length) {
          throw new IllegalArgumentException("bad header: more than 11 fields");
        }
        tabs[n++] = i;
      } else if (b == '\n') {
        nl = i;
        break;
      }
    }
    if (nl < 0) {
      throw new IllegalArgumentException("no header line");
    }
    if (n != 10 || tabs[0] != 1) {
      throw new IllegalArgumentException("bad header: " + (n + 1) + " fields");
    }
    Route route = lastRoute;
    int routeEnd = tabs[4];
    if (route == null || !Arrays.equals(route.bytes, 0, route.bytes.length, message, 2, routeEnd)) {
      String[] f = new String(message, 2, routeEnd - 2, StandardCharsets.UTF_8).split("\t", -1);
      if (f.length != 4) {
        throw new IllegalArgumentException("bad header routing fields");
      }
      Audience audience = new Audience(kindOf(f[1]), f[2]);
      StreamKey stream = f[3].equals("-") ? null : StreamKey.parse(f[3]);
      route = new Route(Arrays.copyOfRange(message, 2, routeEnd), f[0], audience, stream);
      lastRoute = route;
    }
    String epoch = field(message, 9, tabs[8] + 1, tabs[9]);
    byte[] frame = Arrays.copyOfRange(message, nl + 1, message.length);
    return new Inbound((char) message[0], route.workspace, route.audience, route.stream,
        field(message, 5, tabs[4] + 1, tabs[5]), field(message, 6, tabs[5] + 1, tabs[6]),
        tabs[7] - tabs[6] == 2 && message[tabs[6] + 1] == '1', field(message, 8, tabs[7] + 1, tabs[8]),
        epoch.equals("-") ? null : epoch, offset(message, tabs[9] + 1, nl), frame);
  }

  private static String field(byte[] message, int index, int from, int to) {
    Field last = LAST_FIELDS[index];
    if (last != null && Arrays.equals(last.bytes, 0, last.bytes.length, message, from, to)) {
      return last.text;
    }
    Field f = new Field(Arrays.copyOfRange(message, from, to), new String(message, from, to - from,
        StandardCharsets.UTF_8));
    LAST_FIELDS[index] = f;
    return f.text;
  }

  private static long offset(byte[] message, int from, int to) {
    if (to - from == 2 && message[from] == '-' && message[from + 1] == '1') {
      return -1;
    }
    if (from == to || to - from > 18) {
      throw new IllegalArgumentException("bad offset");
    }
    long v = 0;
    for (int i = from; i < to; i++) {
      int d = message[i] - '0';
      if (d < 0 || d > 9) {
        throw new IllegalArgumentException("bad offset");
      }
      v = v * 10 + d;
    }
    return v;
  }

  /** @return the delivery for this node's sessions */
  Delivery delivery() {
    return new Delivery(workspace, audience, stream, stream == null ? -1 : offset, eventName, sourceId, reply, frame);
  }

  private static char kindCode(Audience.Kind kind) {
    return switch (kind) {
      case CHANNEL -> 'C';
      case AGENT -> 'A';
      case WORKSPACE -> 'W';
    };
  }

  private static Audience.Kind kindOf(String code) {
    return switch (code) {
      case "C" -> Audience.Kind.CHANNEL;
      case "A" -> Audience.Kind.AGENT;
      case "W" -> Audience.Kind.WORKSPACE;
      default -> throw new IllegalArgumentException("bad audience kind " + code);
    };
  }
}
