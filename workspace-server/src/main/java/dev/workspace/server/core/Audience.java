package dev.workspace.server.core;

/**
 * Who on a node receives a delivery: a channel's members, one agent, or every agent of the workspace.
 *
 * @param kind the kind of audience
 * @param name the channel name or agent id; empty for the whole workspace
 */
public record Audience(Kind kind, String name) {
  /** The kinds of audience. */
  public enum Kind {
    /** The members of a channel. */
    CHANNEL,
    /** One agent. */
    AGENT,
    /** Every agent of the workspace. */
    WORKSPACE
  }

  /** Every agent of the workspace. */
  public static final Audience WORKSPACE = new Audience(Kind.WORKSPACE, "");

  /** @return the members of a channel */
  public static Audience channel(String name) {
    return new Audience(Kind.CHANNEL, name);
  }

  /** @return one agent */
  public static Audience agent(String id) {
    return new Audience(Kind.AGENT, id);
  }

  /** @return the audience a stream is delivered to */
  public static Audience of(StreamKey stream) {
    return switch (stream.kind()) {
      case CHANNEL -> channel(stream.name());
      case INBOX -> agent(stream.name());
      case BROADCAST -> WORKSPACE;
    };
  }
}
