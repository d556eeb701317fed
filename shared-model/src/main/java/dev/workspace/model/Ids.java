package dev.workspace.model;

/**
 * Rules for agent ids, channel names and workspace names: 1 to {@value #MAX_LENGTH} characters from
 * {@code A-Z a-z 0-9 _ - .}, starting with a letter or digit.
 */
public final class Ids {
  /** Longest id or name, in characters. */
  public static final int MAX_LENGTH = 64;
  /** The agent id the server uses as the source of the events it emits itself. */
  public static final String SYSTEM = "system";
  /** The reserved agent id that addresses every agent of the workspace. */
  public static final String BROADCAST = "broadcast";
  /** The workspace a client lands in when it names none. */
  public static final String DEFAULT_WORKSPACE = "default";
  /** The channel every workspace has from the start. */
  public static final String GENERAL = "general";
  /**
   * The prefix of the agent ids the server's gateways act under (an A2A gateway is {@code a2a.<node id>}); no
   * client may connect or act under an id with it.
   */
  public static final String GATEWAY_PREFIX = "a2a.";

  private Ids() {
  }

  /**
   * @param value a candidate id
   * @return whether it follows the id rules
   */
  public static boolean isValid(String value) {
    if (value == null || value.isEmpty() || value.length() > MAX_LENGTH) {
      return false;
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      boolean alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
      if (!alnum && (i == 0 || (c != '_' && c != '-' && c != '.'))) {
        return false;
      }
    }
    return true;
  }

  /**
   * @param what what the value is, for the message ("agent_id", "channel", ...)
   * @param value the value
   * @param code the code to fail with
   * @return {@code value}
   * @throws ProtocolException when the value breaks the rules
   */
  public static String require(String what, String value, ErrorCode code) {
    if (!isValid(value)) {
      throw new ProtocolException(code, what + " '" + Text.clip(value) + "' must be 1-" + MAX_LENGTH
          + " characters of A-Z a-z 0-9 _ - . starting with a letter or digit");
    }
    return value;
  }

  /** Checks an agent id; {@code system}, {@code broadcast} and ids starting {@value #GATEWAY_PREFIX} are reserved. */
  public static String requireAgentId(String value) {
    requireGatewayOrAgentId(value);
    if (isGateway(value)) {
      throw new ProtocolException(ErrorCode.FORBIDDEN, "agent_id '" + value + "' is reserved: ids starting '"
          + GATEWAY_PREFIX + "' belong to the server's gateways");
    }
    return value;
  }

  /**
   * Checks the agent id of a session the server opens itself for a gateway: the id rules, with only
   * {@code system} and {@code broadcast} reserved.
   *
   * @param value the id
   * @return {@code value}
   */
  public static String requireGatewayOrAgentId(String value) {
    require("agent_id", value, ErrorCode.INVALID_FRAME);
    if (SYSTEM.equals(value) || BROADCAST.equals(value)) {
      throw new ProtocolException(ErrorCode.FORBIDDEN, "agent_id '" + value + "' is reserved");
    }
    return value;
  }

  /**
   * @param value an agent id
   * @return whether it is one of the ids reserved for the server's gateways
   */
  public static boolean isGateway(String value) {
    return value != null && value.regionMatches(true, 0, GATEWAY_PREFIX, 0, GATEWAY_PREFIX.length());
  }

  /** Checks an agent id used as a destination; {@code system} is allowed there. */
  static String requireAgentIdOrSystem(String value) {
    return require("agent id", value, ErrorCode.INVALID_DESTINATION);
  }

  /** Checks a channel name. */
  public static String requireChannel(String value) {
    return require("channel", value, ErrorCode.INVALID_FRAME);
  }

  /** Checks a workspace name. */
  public static String requireWorkspace(String value) {
    return require("workspace", value, ErrorCode.INVALID_FRAME);
  }
}
