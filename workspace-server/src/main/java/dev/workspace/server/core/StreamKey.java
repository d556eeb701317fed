package dev.workspace.server.core;

import java.util.Objects;

/**
 * A stream of a workspace: a channel, one agent's inbox, or the workspace broadcast stream. Each has its own
 * offsets, epoch and bounded history.
 *
 * @param kind the kind of stream
 * @param name the channel name or agent id; empty for the broadcast stream
 */
public record StreamKey(Kind kind, String name) {
  /** The kinds of stream. */
  public enum Kind {
    /** A channel: delivered to its members. */
    CHANNEL,
    /** An agent's inbox: delivered to that agent. */
    INBOX,
    /** The workspace broadcast stream: delivered to every agent. */
    BROADCAST
  }

  /** The broadcast stream. */
  public static final StreamKey BROADCAST = new StreamKey(Kind.BROADCAST, "");

  /** Checks the parts. */
  public StreamKey {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(name, "name");
  }

  /** @return the stream of a channel */
  public static StreamKey channel(String name) {
    return new StreamKey(Kind.CHANNEL, name);
  }

  /** @return the inbox of an agent */
  public static StreamKey inbox(String agentId) {
    return new StreamKey(Kind.INBOX, agentId);
  }

  /**
   * Parses the form {@link #toString()} writes.
   *
   * @param text {@code channel:x}, {@code inbox:x} or {@code broadcast}
   * @return the key
   */
  public static StreamKey parse(String text) {
    if (text.equals("broadcast")) {
      return BROADCAST;
    }
    if (text.startsWith("channel:")) {
      return channel(text.substring(8));
    }
    if (text.startsWith("inbox:")) {
      return inbox(text.substring(6));
    }
    throw new IllegalArgumentException("not a stream key: " + text);
  }

  @Override
  public String toString() {
    return switch (kind) {
      case CHANNEL -> "channel:" + name;
      case INBOX -> "inbox:" + name;
      case BROADCAST -> "broadcast";
    };
  }
}
