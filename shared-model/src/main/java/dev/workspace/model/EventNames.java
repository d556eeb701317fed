package dev.workspace.model;

import java.util.Set;

/**
 * Event-name rules and the names the server itself emits.
 *
 * <p>A name is two to {@value #MAX_SEGMENTS} dot-separated segments, each matching {@code [a-z][a-z0-9_-]*}, at
 * most {@value #MAX_LENGTH} characters in all.
 */
public final class EventNames {
  /** Longest event name, in characters. */
  public static final int MAX_LENGTH = 256;
  /** Most segments in an event name. */
  public static final int MAX_SEGMENTS = 16;

  /** A message posted to a channel; carries the channel offset. */
  public static final String CHANNEL_MESSAGE_POSTED = "channel.message.posted";
  /** Sent to each agent a channel post mentions. */
  public static final String CHANNEL_MESSAGE_MENTIONED = "channel.message.mentioned";
  /** Sent to a channel's members when an agent joins it. */
  public static final String CHANNEL_JOINED = "channel.joined";
  /** Sent to a channel's members when an agent leaves it (or disconnects). */
  public static final String CHANNEL_LEFT = "channel.left";
  /** A direct message to one agent. */
  public static final String AGENT_MESSAGE = "agent.message";
  /** Sent to every agent of the workspace when an agent connects. */
  public static final String AGENT_JOINED = "agent.joined";
  /** Sent to every agent of the workspace when an agent goes away. */
  public static final String AGENT_LEFT = "agent.left";
  /** Sent to every other agent of the workspace when an agent changes its metadata ({@code update_metadata}). */
  public static final String AGENT_UPDATED = "agent.updated";
  /** A reply to a request, when the replier gives no name of its own. */
  public static final String AGENT_RESPONSE = "agent.response";
  /** A message to every agent of the workspace. */
  public static final String AGENT_BROADCAST = "agent.broadcast";

  /** Sent to the receivers of a stream that may have missed events the server cannot replay. */
  public static final String STREAM_GAP = "stream.gap";
  /** Sent to every connected agent when its node starts a graceful shutdown; a close with 4009 follows. */
  public static final String SERVER_DRAINING = "server.draining";

  /** Names only the server may emit; a client publishing one is refused with {@code forbidden}. */
  public static final Set<String> RESERVED = Set.of(
      CHANNEL_MESSAGE_MENTIONED, CHANNEL_JOINED, CHANNEL_LEFT, AGENT_JOINED, AGENT_LEFT, AGENT_UPDATED, STREAM_GAP,
      SERVER_DRAINING);

  private EventNames() {
  }

  /**
   * Checks an event name.
   *
   * @param name the name
   * @return {@code name}
   * @throws ProtocolException with {@link ErrorCode#INVALID_NAME} naming the broken rule
   */
  public static String validate(String name) {
    if (name == null || name.isEmpty()) {
      throw new ProtocolException(ErrorCode.INVALID_NAME, "event_name is required");
    }
    if (name.length() > MAX_LENGTH) {
      throw new ProtocolException(ErrorCode.INVALID_NAME,
          "event_name is " + name.length() + " characters, the limit is " + MAX_LENGTH);
    }
    int segments = 1;
    int segmentStart = 0;
    for (int i = 0; i <= name.length(); i++) {
      if (i == name.length() || name.charAt(i) == '.') {
        checkSegment(name, segmentStart, i);
        if (i < name.length()) {
          segments++;
          if (segments > MAX_SEGMENTS) {
            throw new ProtocolException(ErrorCode.INVALID_NAME,
                "event_name has more than " + MAX_SEGMENTS + " segments");
          }
        }
        segmentStart = i + 1;
      }
    }
    if (segments < 2) {
      throw new ProtocolException(ErrorCode.INVALID_NAME,
          "event_name '" + name + "' needs at least two dot-separated segments, like 'agent.message'");
    }
    return name;
  }

  /**
   * @param c a character
   * @return whether {@code c} may stand after the first character of a name segment
   */
  static boolean isSegmentChar(char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
  }

  private static void checkSegment(String name, int from, int to) {
    if (from == to) {
      throw new ProtocolException(ErrorCode.INVALID_NAME, "event_name '" + Text.clip(name) + "' has an empty segment");
    }
    char first = name.charAt(from);
    if (first < 'a' || first > 'z') {
      throw new ProtocolException(ErrorCode.INVALID_NAME,
          "event_name '" + Text.clip(name) + "': each segment must start with a lowercase letter");
    }
    for (int i = from + 1; i < to; i++) {
      if (!isSegmentChar(name.charAt(i))) {
        throw new ProtocolException(ErrorCode.INVALID_NAME,
            "event_name '" + Text.clip(name) + "': segments may hold only a-z, 0-9, '_' and '-'");
      }
    }
  }
}
