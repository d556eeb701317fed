package dev.workspace.server.edge;

import dev.workspace.model.ErrorCode;
import dev.workspace.model.Ids;
import dev.workspace.model.ProtocolException;
import dev.workspace.server.ServerOptions;
import dev.workspace.server.session.ChannelPermissions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * Checks signed tokens (JWT) with Vert.x's JWT provider, pinned to one algorithm: a token whose header names any
 * other algorithm ({@code none} included) is refused before its signature is looked at. Claims: {@code sub} the
 * agent id, {@code ws} the workspace, {@code exp} (required), optional {@code nbf}, optional {@code channels}, an
 * array of channel-name patterns where {@code *} matches any run of characters. Thread-safe.
 */
final class JwtAuthenticator implements Authenticator {
  /** Longest token accepted, in characters. */
  static final int MAX_TOKEN_LENGTH = 8192;
  /** Most channel patterns a token may carry. */
  static final int MAX_CHANNEL_PATTERNS = 256;

  private final JWTAuth jwt;
  private final String algorithm;

  JwtAuthenticator(Vertx vertx, ServerOptions options) {
    this.algorithm = options.getJwtAlgorithm();
    PubSecKeyOptions key = new PubSecKeyOptions().setAlgorithm(algorithm);
    if (algorithm.startsWith("HS")) {
      if (options.getJwtSecret() == null) {
        throw new IllegalArgumentException("token mode with " + algorithm + " needs a secret (WORKSPACE_JWT_SECRET)");
      }
      key.setBuffer(options.getJwtSecret());
    } else {
      if (options.getJwtPublicKey() == null) {
        throw new IllegalArgumentException("token mode with " + algorithm
            + " needs a PEM public key (--jwt-public-key-file)");
      }
      key.setBuffer(options.getJwtPublicKey());
    }
    // Expiry and not-before are checked below, on the verified claims, so that each failure has its own message.
    this.jwt = JWTAuth.create(vertx, new JWTAuthOptions().addPubSecKey(key)
        .setJWTOptions(new JWTOptions().setIgnoreExpiration(true)));
  }

  @Override
  public boolean required() {
    return true;
  }

  @Override
  public Future<Identity> verify(String token) {
    try {
      checkHeader(token);
    } catch (ProtocolException e) {
      return Future.failedFuture(e);
    }
    Future<io.vertx.ext.auth.User> checked;
    try {
      checked = jwt.authenticate(new TokenCredentials(token));
    } catch (RuntimeException e) {
      // The provider throws, rather than fails, on some signed but ill-typed claims (an exp that is a string).
      return Future.failedFuture(refused("token claims are malformed"));
    }
    return checked.transform(ar -> {
      if (ar.failed()) {
        return Future.failedFuture(refused("token signature is invalid"));
      }
      try {
        // The provider keeps the verified payload, every claim included, under the accessToken attribute.
        JsonObject claims = ar.result().attributes().getJsonObject("accessToken");
        if (claims == null) {
          return Future.failedFuture(refused("token payload is not a JSON object"));
        }
        return Future.succeededFuture(identity(claims));
      } catch (ProtocolException e) {
        return Future.failedFuture(e);
      } catch (RuntimeException e) {
        return Future.failedFuture(refused("token claims are malformed"));
      }
    });
  }

  private void checkHeader(String token) {
    if (token == null || token.isBlank()) {
      throw refused("a token is required");
    }
    if (token.length() > MAX_TOKEN_LENGTH) {
      throw refused("token is longer than " + MAX_TOKEN_LENGTH + " characters");
    }
    String[] parts = token.split("\\.", -1);
    if (parts.length != 3) {
      throw refused("token is malformed: a JWT has three dot-separated parts");
    }
    JsonObject header;
    try {
      header = new JsonObject(new String(Base64.getUrlDecoder().decode(parts[0]), StandardCharsets.UTF_8));
    } catch (RuntimeException e) {
      throw refused("token is malformed: its header is not base64url JSON");
    }
    Object alg = header.getValue("alg");
    if (!(alg instanceof String) || !algorithm.equals(alg)) {
      throw refused("token algorithm " + (alg instanceof String s ? "'" + clip(s) + "'" : "(missing)")
          + " is not accepted; this server takes " + algorithm + " only");
    }
    if (header.containsKey("crit")) {
      throw refused("token header has critical extensions this server does not understand");
    }
    if (parts[2].isEmpty()) {
      throw refused("token is not signed");
    }
  }

  private static Identity identity(JsonObject claims) {
    long now = System.currentTimeMillis();
    Object exp = claims.getValue("exp");
    if (!(exp instanceof Number)) {
      throw refused("token has no exp claim");
    }
    long expiresAt = Math.multiplyExact(((Number) exp).longValue(), 1000L);
    if (expiresAt <= now) {
      throw refused("token expired");
    }
    Object nbf = claims.getValue("nbf");
    if (nbf != null && (!(nbf instanceof Number) || ((Number) nbf).longValue() * 1000L > now)) {
      throw refused("token is not valid yet (nbf)");
    }
    Object sub = claims.getValue("sub");
    if (!(sub instanceof String) || !Ids.isValid((String) sub) || Ids.SYSTEM.equals(sub) || Ids.BROADCAST.equals(sub)) {
      throw refused("token sub must be a valid agent id");
    }
    Object ws = claims.getValue("ws");
    if (!(ws instanceof String) || !Ids.isValid((String) ws)) {
      throw refused("token ws must be a valid workspace name");
    }
    Object channels = claims.getValue("channels");
    List<String> patterns = null;
    if (channels != null) {
      if (!(channels instanceof JsonArray arr) || arr.size() > MAX_CHANNEL_PATTERNS) {
        throw refused("token channels must be an array of at most " + MAX_CHANNEL_PATTERNS + " channel patterns");
      }
      patterns = new ArrayList<>(arr.size());
      for (Object p : arr) {
        if (!(p instanceof String s) || !ChannelPermissions.isValidPattern(s)) {
          throw refused("token channels must be channel names, '*' matching any run of characters");
        }
        patterns.add(s);
      }
      patterns = List.copyOf(patterns);
    }
    return new Identity((String) ws, (String) sub, expiresAt, patterns);
  }

  private static ProtocolException refused(String message) {
    return new ProtocolException(ErrorCode.UNAUTHORIZED, message);
  }

  private static String clip(String s) {
    String printable = s.replaceAll("[^A-Za-z0-9_-]", "?");
    return printable.length() <= 16 ? printable : printable.substring(0, 16) + "...";
  }
}
