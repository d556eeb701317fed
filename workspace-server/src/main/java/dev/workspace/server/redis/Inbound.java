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
   * @param message a message as published
   * @return it parsed
   * @throws IllegalArgumentException when it is not one
   */
  static Inbound parse(byte[] message) {
    int nl = -1;
    for (int i = 0; i < message.length; i++) {
      if (message[i] == '\n') {
        nl = i;
        break;
      }
    }
    if (nl < 0) {
      throw new IllegalArgumentException("no header line");
    }
    String[] f = new String(message, 0, nl, StandardCharsets.UTF_8).split("\t", -1);
    if (f.length != 11 || f[0].length() != 1) {
      throw new IllegalArgumentException("bad header: " + f.length + " fields");
    }
    Audience audience = new Audience(kindOf(f[2]), f[3]);
    StreamKey stream = f[4].equals("-") ? null : StreamKey.parse(f[4]);
    byte[] frame = Arrays.copyOfRange(message, nl + 1, message.length);
    return new Inbound(f[0].charAt(0), f[1], audience, stream, f[5], f[6], f[7].equals("1"), f[8],
        f[9].equals("-") ? null : f[9], Long.parseLong(f[10]), frame);
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
