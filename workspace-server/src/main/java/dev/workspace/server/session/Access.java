package dev.workspace.server.session;

import dev.workspace.model.ErrorCode;
import dev.workspace.model.Frame;
import dev.workspace.model.Ids;
import dev.workspace.model.ProtocolException;
import dev.workspace.server.edge.Authenticator;
import io.vertx.core.Future;

/**
 * Who a caller is and what it may touch: the rules for identity, workspace and channel permissions, in one place
 * for every face (a WebSocket session, the REST API). In open mode the caller names itself; in token mode the
 * token decides the agent, the workspace and the channels, and a caller may repeat them but never name others.
 * Thread-safe.
 */
public final class Access {
  private final Authenticator authenticator;

  /**
   * @param authenticator checks tokens
   */
  public Access(Authenticator authenticator) {
    this.authenticator = authenticator;
  }

  /** @return whether callers must present a token */
  public boolean required() {
    return authenticator.required();
  }

  /**
   * Verifies a token given at a WebSocket handshake or REST call.
   *
   * @param token the token
   * @return the identity, or a failed future coded {@code unauthorized}
   */
  public Future<Authenticator.Identity> verify(String token) {
    return authenticator.verify(token);
  }

  /**
   * Decides the identity of a {@code connect}: none in open mode; else the token of the frame (which must name
   * the same agent and workspace as one given at the handshake), or the handshake's.
   *
   * @param token the frame's {@code token}, or {@code null}
   * @param handshake the identity proven at the handshake, or {@code null}
   * @return the identity ({@code null} in open mode), or a failed future coded {@code unauthorized}
   */
  public Future<Authenticator.Identity> atConnect(String token, Authenticator.Identity handshake) {
    if (!authenticator.required()) {
      return Future.succeededFuture();
    }
    if (token == null) {
      return handshake != null ? Future.succeededFuture(handshake) : Future.failedFuture(new ProtocolException(
          ErrorCode.UNAUTHORIZED, "this server requires a token: send it as Authorization: Bearer, as the token "
          + "query parameter, or in connect's token field"));
    }
    return authenticator.verify(token).compose(identity -> handshake != null
        && (!handshake.agentId().equals(identity.agentId()) || !handshake.workspace().equals(identity.workspace()))
        ? Future.failedFuture(new ProtocolException(ErrorCode.UNAUTHORIZED,
            "the token in connect differs from the one given at the handshake"))
        : Future.succeededFuture(identity));
  }

  /**
   * Verifies the {@code Authorization} header of a REST call.
   *
   * @param header the header value, or {@code null}
   * @return the identity, or a failed future coded {@code unauthorized}
   */
  public Future<Authenticator.Identity> atRequest(String header) {
    try {
      if (header == null) {
        throw new ProtocolException(ErrorCode.UNAUTHORIZED, "this server requires Authorization: Bearer <token>");
      }
      return authenticator.verify(bearer(header));
    } catch (ProtocolException e) {
      return Future.failedFuture(e);
    }
  }

  /**
   * Reads a bearer token from an {@code Authorization} header value.
   *
   * @param header the header value
   * @return the token
   * @throws ProtocolException {@code unauthorized} when the value is not {@code Bearer <token>}
   */
  public static String bearer(String header) {
    if (header.length() < 8 || !header.regionMatches(true, 0, "Bearer ", 0, 7) || header.substring(7).isBlank()) {
      throw new ProtocolException(ErrorCode.UNAUTHORIZED, "the Authorization header must be 'Bearer <token>'");
    }
    return header.substring(7).trim();
  }

  /**
   * The workspace a {@code connect} enters: the one it names, else the URL's, else the token's, else
   * {@code default}. Whether the identity may enter it is {@link #allowsWorkspace}.
   *
   * @param c the frame
   * @param queryWorkspace the {@code workspace} of the URL, or {@code null}
   * @param identity the identity, or {@code null}
   * @return the workspace
   * @throws ProtocolException when it is malformed or differs from the URL's
   */
  public static String connectWorkspace(Frame.Connect c, String queryWorkspace, Authenticator.Identity identity) {
    String ws = c.workspace() != null ? c.workspace() : queryWorkspace != null ? queryWorkspace
        : identity != null ? identity.workspace() : Ids.DEFAULT_WORKSPACE;
    Ids.requireWorkspace(ws);
    if (c.workspace() != null && queryWorkspace != null && !c.workspace().equals(queryWorkspace)) {
      throw new ProtocolException(ErrorCode.INVALID_FRAME, "workspace in connect differs from the URL's");
    }
    return ws;
  }

  /**
   * @param identity the identity, or {@code null} in open mode
   * @param workspace a workspace
   * @return whether the identity may enter it
   */
  public static boolean allowsWorkspace(Authenticator.Identity identity, String workspace) {
    return identity == null || workspace.equals(identity.workspace());
  }

  /**
   * The agent a {@code connect} opens a session for.
   *
   * @param named the frame's {@code agent_id}, or {@code null}
   * @param identity the identity, or {@code null}
   * @return the agent id
   * @throws ProtocolException when none is named, it is malformed, or it is not the token's agent
   */
  public static String connectAgent(String named, Authenticator.Identity identity) {
    return connectAgent(named, identity, false);
  }

  /**
   * The agent a {@code connect} opens a session for, on a transport that may be a gateway's.
   *
   * @param named the frame's {@code agent_id}, or {@code null}
   * @param identity the identity, or {@code null}
   * @param gateway whether the session is one the server opened for a gateway, which alone may use the ids
   *     reserved for gateways ({@link Ids#GATEWAY_PREFIX})
   * @return the agent id
   * @throws ProtocolException as {@link #connectAgent(String, Authenticator.Identity)}
   */
  public static String connectAgent(String named, Authenticator.Identity identity, boolean gateway) {
    String agent = named != null ? named : identity != null ? identity.agentId() : null;
    if (agent == null) {
      throw new ProtocolException(ErrorCode.INVALID_FRAME, "agent_id is required");
    }
    if (gateway) {
      Ids.requireGatewayOrAgentId(agent);
    } else {
      Ids.requireAgentId(agent);
    }
    if (identity != null && !agent.equals(identity.agentId())) {
      throw new ProtocolException(ErrorCode.FORBIDDEN, "agent_id '" + agent + "' is not the token's agent");
    }
    return agent;
  }

  /**
   * The workspace a REST call acts in.
   *
   * @param named the {@code workspace} query parameter, or {@code null}
   * @param identity the identity, or {@code null}
   * @return the named workspace, the token's, or {@code default}
   * @throws ProtocolException when it is malformed or the token does not allow it
   */
  public static String requestWorkspace(String named, Authenticator.Identity identity) {
    if (identity == null) {
      return named == null ? Ids.DEFAULT_WORKSPACE : Ids.requireWorkspace(named);
    }
    if (named != null && !named.equals(identity.workspace())) {
      Ids.requireWorkspace(named);
      throw new ProtocolException(ErrorCode.FORBIDDEN, "the token does not allow workspace '" + named + "'");
    }
    return identity.workspace();
  }

  /**
   * The agent a REST call acts for.
   *
   * @param named the {@code X-Agent-Id} header, or {@code null}
   * @param identity the identity, or {@code null}
   * @return the agent id
   * @throws ProtocolException when none is named in open mode, or it is not the token's agent
   */
  public static String requestAgent(String named, Authenticator.Identity identity) {
    String agent = requestCaller(named, identity);
    if (agent == null) {
      throw new ProtocolException(ErrorCode.INVALID_FRAME, "name the sending agent in the X-Agent-Id header");
    }
    return agent;
  }

  /**
   * The agent a REST call acts for, when it need not name one.
   *
   * @param named the {@code X-Agent-Id} header, or {@code null}
   * @param identity the identity, or {@code null}
   * @return the token's agent, else the named one, else {@code null} (open mode, no header)
   * @throws ProtocolException when the named agent is malformed or not the token's
   */
  public static String requestCaller(String named, Authenticator.Identity identity) {
    if (identity != null) {
      if (named != null && !named.equals(identity.agentId())) {
        throw new ProtocolException(ErrorCode.FORBIDDEN, "X-Agent-Id is not the token's agent");
      }
      return identity.agentId();
    }
    return named == null ? null : Ids.requireAgentId(named);
  }

  /**
   * @param identity the identity, or {@code null}
   * @return the channels it may use
   */
  public static ChannelPermissions permissions(Authenticator.Identity identity) {
    return identity == null ? ChannelPermissions.ALL : ChannelPermissions.of(identity.channelPatterns());
  }

  /**
   * @param permissions the caller's permissions
   * @param channel a channel name
   * @return the channel
   * @throws ProtocolException when it is malformed or not allowed
   */
  public static String requireChannel(ChannelPermissions permissions, String channel) {
    Ids.requireChannel(channel);
    if (!permissions.allows(channel)) {
      throw forbiddenChannel(channel);
    }
    return channel;
  }

  /**
   * @param channel a channel the caller may not use
   * @return the error that says so
   */
  public static ProtocolException forbiddenChannel(String channel) {
    return new ProtocolException(ErrorCode.FORBIDDEN, "the token does not allow channel '" + channel + "'");
  }
}
