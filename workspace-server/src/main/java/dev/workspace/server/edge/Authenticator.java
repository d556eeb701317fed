package dev.workspace.server.edge;

import dev.workspace.model.ErrorCode;
import dev.workspace.model.ProtocolException;
import dev.workspace.server.ServerOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.List;

/**
 * Decides who a connection is. The server asks it at the WebSocket handshake (with the token from the
 * {@code Authorization} header or the {@code token} query parameter, when there is one), at {@code connect} (with
 * the frame's {@code token}), and on every REST call.
 */
public interface Authenticator {
  /**
   * The identity a token proves.
   *
   * @param workspace the one workspace it may enter
   * @param agentId the agent it is
   * @param expiresAt when it expires, epoch milliseconds
   * @param channelPatterns channel-name patterns it may use ({@code *} matches any run of characters), or
   *     {@code null} for every channel
   */
  record Identity(String workspace, String agentId, long expiresAt, List<String> channelPatterns) {
  }

  /** @return whether a connection must present a token */
  boolean required();

  /**
   * Checks a token.
   *
   * @param token the token
   * @return the identity, or a failed future with a {@link ProtocolException} coded {@code unauthorized} whose
   *     message says what is wrong (never the token itself)
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
      return Future.failedFuture(new ProtocolException(ErrorCode.UNAUTHORIZED, "this server does not use tokens"));
    }
  };

  /**
   * The authenticator the options ask for.
   *
   * @param vertx the Vert.x instance
   * @param options the node's options
   * @return {@link #NONE}, or a token authenticator pinned to {@link ServerOptions#getJwtAlgorithm()}
   * @throws IllegalArgumentException when token mode lacks its secret or public key
   */
  static Authenticator create(Vertx vertx, ServerOptions options) {
    return options.getAuthMode() == ServerOptions.AuthMode.TOKEN ? new JwtAuthenticator(vertx, options) : NONE;
  }
}
