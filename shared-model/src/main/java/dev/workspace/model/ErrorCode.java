package dev.workspace.model;

import java.util.HashMap;
import java.util.Map;

/**
 * The coded errors a server sends in an {@code error} frame, and that a client reports in its failures.
 * Each code has a stable wire name (lower snake case); {@link #wireName()} is what goes on the wire.
 */
public enum ErrorCode {
  /** The frame is not valid JSON, or not a JSON object. */
  BAD_JSON("bad_json"),
  /** A field of the frame is missing, of the wrong type, or not allowed for this frame type. */
  INVALID_FRAME("invalid_frame"),
  /** The frame's {@code type} is not one the server knows. */
  UNKNOWN_TYPE("unknown_type"),
  /** The event is malformed: a missing or wrongly typed field, an unknown field, or a reserved name. */
  INVALID_EVENT("invalid_event"),
  /** An event name does not follow the naming rules. */
  INVALID_NAME("invalid_name"),
  /** A destination is not {@code agent:<id>}, {@code channel:<name>} or {@code agent:broadcast}. */
  INVALID_DESTINATION("invalid_destination"),
  /** A subscription pattern does not follow the pattern rules. */
  INVALID_PATTERN("invalid_pattern"),
  /** The named agent, channel or request is not there (for example, a request to an agent that is not connected). */
  NOT_FOUND("not_found"),
  /** The agent must join the channel before it does this. */
  NOT_MEMBER("not_member"),
  /** The authenticated identity may not do this (another agent's {@code source_id}, a forbidden channel, a reserved event). */
  FORBIDDEN("forbidden"),
  /** No valid credentials: missing, malformed, expired, wrongly signed or wrong-workspace token. */
  UNAUTHORIZED("unauthorized"),
  /** A frame other than {@code connect} arrived before the connection was accepted. */
  NOT_CONNECTED("not_connected"),
  /** A second {@code connect} arrived on a connection that is already accepted. */
  ALREADY_CONNECTED("already_connected"),
  /** A configured limit was passed (subscriptions per connection, pattern length, history page size...). */
  LIMIT_EXCEEDED("limit_exceeded"),
  /** Too many events per second on this connection. */
  RATE_LIMITED("rate_limited"),
  /** A frame, message or payload is larger than allowed. */
  TOO_LARGE("too_large"),
  /** The server cannot do this right now (for example, the cluster store is unreachable); try again later. */
  UNAVAILABLE("unavailable"),
  /** A fault in the server; never sent for a client's mistake. */
  INTERNAL("internal");

  private static final Map<String, ErrorCode> BY_WIRE = new HashMap<>();

  static {
    for (ErrorCode code : values()) {
      BY_WIRE.put(code.wire, code);
    }
  }

  private final String wire;

  ErrorCode(String wire) {
    this.wire = wire;
  }

  /** @return the code as written on the wire, e.g. {@code not_found} */
  public String wireName() {
    return wire;
  }

  /**
   * @param wire a wire name
   * @return the code with that wire name, or {@link #INTERNAL} when the name is unknown
   */
  public static ErrorCode fromWire(String wire) {
    ErrorCode code = BY_WIRE.get(wire);
    return code == null ? INTERNAL : code;
  }
}
