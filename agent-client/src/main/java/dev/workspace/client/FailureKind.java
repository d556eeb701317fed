package dev.workspace.client;

import dev.workspace.model.ErrorCode;

/**
 * Why a call of the {@link AgentClient} failed; the {@link WorkspaceException#kind() kind} of every failure.
 */
public enum FailureKind {
  /** No answer within the time allowed: an ack, a reply, or a matching event. */
  TIMEOUT,
  /** The agent, channel or stream named is not there, e.g. a request to an agent that is not connected. */
  NOT_FOUND,
  /** The server, or the client's own bounds, refused the call: forbidden, not a member, a limit or rate hit. */
  REJECTED,
  /** There is no connection: never connected, lost before the answer came, or closed. */
  DISCONNECTED,
  /** The call or a frame was malformed: an invalid name, destination, pattern or field. */
  INVALID,
  /** Credentials are missing or invalid. */
  UNAUTHORIZED,
  /** The server cannot serve the call right now, or could not be reached, or a remote agent went away mid-run. */
  UNAVAILABLE,
  /** A run ended because it was canceled ({@code run.canceled}). */
  CANCELED,
  /** A remote agent ended a run with a failure of its own ({@code run.failed}). */
  FAILED;

  /**
   * Maps a server error code to the kind of failure it means.
   *
   * @param code a server error code, not {@code null}
   * @return {@link #NOT_FOUND} for {@code not_found}; {@link #INVALID} for {@code bad_json}, {@code invalid_*},
   *     {@code unknown_type}, {@code not_connected} and {@code already_connected}; {@link #REJECTED} for
   *     {@code forbidden}, {@code not_member}, {@code limit_exceeded}, {@code rate_limited} and {@code too_large};
   *     {@link #UNAUTHORIZED} for {@code unauthorized}; {@link #UNAVAILABLE} for {@code unavailable} and
   *     {@code internal}
   */
  public static FailureKind of(ErrorCode code) {
    return switch (code) {
      case NOT_FOUND -> NOT_FOUND;
      case BAD_JSON, INVALID_FRAME, UNKNOWN_TYPE, INVALID_EVENT, INVALID_NAME, INVALID_DESTINATION, INVALID_PATTERN,
          NOT_CONNECTED, ALREADY_CONNECTED -> INVALID;
      case FORBIDDEN, NOT_MEMBER, LIMIT_EXCEEDED, RATE_LIMITED, TOO_LARGE -> REJECTED;
      case UNAUTHORIZED -> UNAUTHORIZED;
      case UNAVAILABLE, INTERNAL -> UNAVAILABLE;
    };
  }
}
