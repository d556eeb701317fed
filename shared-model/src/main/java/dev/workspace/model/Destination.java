package dev.workspace.model;

import java.util.Objects;

/**
 * Where an event goes: one agent ({@code agent:<id>}, or a bare id), a channel ({@code channel:<name>}), or every
 * agent of the workspace ({@code agent:broadcast}).
 *
 * @param kind the kind of destination
 * @param name the agent id or channel name; {@code broadcast} for a broadcast
 */
public record Destination(Kind kind, String name) {
  /** The kinds of destination. */
  public enum Kind {
    /** One agent. */
    AGENT,
    /** The members of a channel. */
    CHANNEL,
    /** Every agent of the workspace. */
    BROADCAST,
    /** {@code pool:<capability>}: one connected agent with the capability, chosen by the server. */
    POOL
  }

  /** The broadcast destination. */
  public static final Destination BROADCAST = new Destination(Kind.BROADCAST, Ids.BROADCAST);

  /** Checks the parts. */
  public Destination {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(name, "name");
  }

  /** @return the destination of one agent */
  public static Destination agent(String id) {
    return new Destination(Kind.AGENT, Ids.requireAgentIdOrSystem(id));
  }

  /** @return the destination of a channel */
  public static Destination channel(String name) {
    return new Destination(Kind.CHANNEL, Ids.require("channel", name, ErrorCode.INVALID_DESTINATION));
  }

  /**
   * Parses a destination as written in {@code destination_id}.
   *
   * @param text {@code agent:<id>}, a bare agent id, {@code channel:<name>} or {@code agent:broadcast}
   * @return the destination
   * @throws ProtocolException with {@link ErrorCode#INVALID_DESTINATION}
   */
  public static Destination parse(String text) {
    if (text == null || text.isEmpty()) {
      throw new ProtocolException(ErrorCode.INVALID_DESTINATION, "destination_id is required");
    }
    if (text.startsWith("channel:")) {
      return new Destination(Kind.CHANNEL,
          Ids.require("channel", text.substring(8), ErrorCode.INVALID_DESTINATION));
    }
    String id = text.startsWith("agent:") ? text.substring(6) : text;
    if (id.equals(Ids.BROADCAST)) {
      return BROADCAST;
    }
    if (text.startsWith("pool:")) {
      return new Destination(Kind.POOL,
          Ids.require("pool capability", text.substring(5), ErrorCode.INVALID_DESTINATION));
    }
    if (text.indexOf(':') >= 0 && !text.startsWith("agent:")) {
      throw new ProtocolException(ErrorCode.INVALID_DESTINATION, "destination_id '" + Text.clip(text)
          + "' must be agent:<id>, channel:<name>, pool:<capability> or agent:broadcast");
    }
    return new Destination(Kind.AGENT, Ids.require("agent id", id, ErrorCode.INVALID_DESTINATION));
  }

  /** @return the canonical text form: {@code agent:x}, {@code channel:x} or {@code agent:broadcast} */
  @Override
  public String toString() {
    return switch (kind) {
      case AGENT -> "agent:" + name;
      case CHANNEL -> "channel:" + name;
      case BROADCAST -> "agent:broadcast";
      case POOL -> "pool:" + name;
    };
  }
}
