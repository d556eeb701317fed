package dev.workspace.model;

/**
 * WebSocket close codes the server uses. The 1000-range codes are the standard ones (RFC 6455); the
 * 4000-range codes are this protocol's own. A client should not reconnect after {@link #UNAUTHORIZED},
 * {@link #TOKEN_EXPIRED} (without a new token), {@link #FORBIDDEN_WORKSPACE} or {@link #REPLACED}.
 */
public final class CloseCodes {
  /** Normal closure: the client or the server ended the session on purpose. */
  public static final short NORMAL = 1000;
  /** The server is shutting down; reconnect (to another node) with backoff. */
  public static final short GOING_AWAY = 1001;
  /** A protocol violation the connection cannot recover from. */
  public static final short PROTOCOL_ERROR = 1002;
  /** A binary frame where a text frame was expected. */
  public static final short UNSUPPORTED_DATA = 1003;
  /** A text frame that is not valid UTF-8. */
  public static final short INVALID_PAYLOAD = 1007;
  /** A policy violation (for example, a disallowed Origin). */
  public static final short POLICY_VIOLATION = 1008;
  /** A frame or message over the size limit. */
  public static final short MESSAGE_TOO_BIG = 1009;
  /** An unexpected server fault. */
  public static final short INTERNAL_ERROR = 1011;

  /** Authentication failed: missing, malformed or wrongly signed token. Do not reconnect with the same token. */
  public static final short UNAUTHORIZED = 4001;
  /** The token expired during the session. Reconnect with a fresh token. */
  public static final short TOKEN_EXPIRED = 4002;
  /** The connection did not send an accepted {@code connect} frame in time. */
  public static final short HANDSHAKE_TIMEOUT = 4003;
  /** The client did not read fast enough: its outbound queue passed its byte limit. */
  public static final short SLOW_CONSUMER = 4004;
  /** Another connection took over this agent id. Do not reconnect automatically. */
  public static final short REPLACED = 4005;
  /** The peer did not answer a ping in time. */
  public static final short PING_TIMEOUT = 4006;
  /** The token does not allow the requested workspace. */
  public static final short FORBIDDEN_WORKSPACE = 4007;
  /** Events per second went past the limit, or too many errors in a row. */
  public static final short FLOODING = 4008;
  /**
   * The node is stopping (after a {@code server.draining} event): reconnect at once, to another node of the cluster
   * when one is known, without a backoff.
   */
  public static final short DRAINING = 4009;

  private CloseCodes() {
  }
}
