package dev.workspace.server.edge;

import io.vertx.core.Future;

/**
 * Decides who a connection is. The server asks it twice: at the WebSocket handshake (with the token from the
 * {@code Authorization} header or the {@code token} query parameter, when there is one) and at {@code connect}.
 */
public interface Authenticator {
  /**
   * The identity a token proves.
   *
   * @param workspace the workspace it may enter
   * @param agentId the agent it is, or {@code null} when the client names itself
   * @param expiresAt when it expires, epoch milliseconds, or 0 for never
   * @param channelPatterns channel-name patterns it may use, or {@code null} for all
   */
  record Identity(String workspace, String agentId, long expiresAt, java.util.List<String> channelPatterns) {
  }

  /** @return whether a connection must present a token */
  boolean required();

  /**
   * Checks a token.
   *
   * @param token the token
   * @return the identity, or a failed future with a {@link dev.workspace.model.ProtocolException} coded
   *     {@code unauthorized}
   */
  Future<Identity> verify(String token);

  /** The open mode: no token, the client names itself. */
  Authenticator NONE = new Authenticator() {
    @Override
    public boolean required() {
      return false;
    }

    @Override
    public Future<Identity> verify(String token) {
      return Future.failedFuture(new dev.workspace.model.ProtocolException(dev.workspace.model.ErrorCode.UNAUTHORIZED,
          "this server does not use tokens"));
    }
  };
}
