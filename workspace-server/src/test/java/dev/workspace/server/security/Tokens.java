package dev.workspace.server.security;

import dev.workspace.server.ServerOptions;
import dev.workspace.server.TokenTool;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;

/** Good and bad tokens for tests, all for one test secret. */
final class Tokens {
  /** The secret test servers check HS256 tokens with. */
  static final String SECRET = "test-secret-that-is-long-enough-0123456789";
  /** Another secret, for wrongly signed tokens. */
  static final String OTHER_SECRET = "another-secret-that-is-long-enough-9876543210";

  private final Vertx vertx;

  Tokens(Vertx vertx) {
    this.vertx = vertx;
  }

  /** @return options for a test node in token mode with {@link #SECRET} */
  static ServerOptions tokenMode(ServerOptions options) {
    return options.setAuthMode(ServerOptions.AuthMode.TOKEN).setJwtSecret(SECRET);
  }

  /** A valid token: one hour, every channel. */
  String valid(String agent, String workspace) {
    return TokenTool.mint(vertx, "HS256", SECRET, agent, workspace, Duration.ofHours(1), null);
  }

  /** A valid token limited to some channels. */
  String withChannels(String agent, String workspace, List<String> channels) {
    return TokenTool.mint(vertx, "HS256", SECRET, agent, workspace, Duration.ofHours(1), channels);
  }

  /** A valid token expiring in {@code ttl}. */
  String expiringIn(String agent, String workspace, Duration ttl) {
    return TokenTool.mint(vertx, "HS256", SECRET, agent, workspace, ttl, null);
  }

  /** Signed correctly, but its {@code exp} is a minute in the past. */
  String expired(String agent, String workspace) {
    long now = System.currentTimeMillis() / 1000;
    return sign("HS256", SECRET, new JsonObject().put("sub", agent).put("ws", workspace).put("iat", now - 120)
        .put("exp", now - 60));
  }

  /** Signed with another secret. */
  String wrongSignature(String agent, String workspace) {
    return TokenTool.mint(vertx, "HS256", OTHER_SECRET, agent, workspace, Duration.ofHours(1), null);
  }

  /** {@code alg: none}, no signature. */
  String algNone(String agent, String workspace) {
    long now = System.currentTimeMillis() / 1000;
    return b64("{\"alg\":\"none\",\"typ\":\"JWT\"}") + "." + b64(new JsonObject().put("sub", agent).put("ws", workspace)
        .put("exp", now + 3600).encode()) + ".";
  }

  /** Signed with the right secret but HS512: an algorithm switch. */
  String algSwitch(String agent, String workspace) {
    return TokenTool.mint(vertx, "HS512", SECRET, agent, workspace, Duration.ofHours(1), null);
  }

  /** A good token whose payload was edited to another agent after signing. */
  String tampered(String agent, String workspace, String otherAgent) {
    String[] parts = valid(agent, workspace).split("\\.");
    String payload = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8)
        .replace("\"" + agent + "\"", "\"" + otherAgent + "\"");
    return parts[0] + "." + b64(payload) + "." + parts[2];
  }

  /** Signed correctly, without {@code exp}. */
  String noExpiry(String agent, String workspace) {
    return sign("HS256", SECRET, new JsonObject().put("sub", agent).put("ws", workspace));
  }

  /** Signed correctly, without {@code ws}. */
  String noWorkspace(String agent) {
    return sign("HS256", SECRET, new JsonObject().put("sub", agent)
        .put("exp", System.currentTimeMillis() / 1000 + 3600));
  }

  /** Signed correctly, with a {@code channels} claim that is not an array of patterns. */
  String badChannelsClaim(String agent, String workspace) {
    return sign("HS256", SECRET, new JsonObject().put("sub", agent).put("ws", workspace).put("channels", "general")
        .put("exp", System.currentTimeMillis() / 1000 + 3600));
  }

  /** Not a JWT at all. */
  static String malformed() {
    return "this-is-not.a-token";
  }

  /** Signs arbitrary claims, without adding any. */
  String sign(String alg, String key, JsonObject claims) {
    JWTAuth jwt = JWTAuth.create(vertx, new JWTAuthOptions().addPubSecKey(new PubSecKeyOptions().setAlgorithm(alg)
        .setBuffer(key)));
    return jwt.generateToken(claims, new JWTOptions().setAlgorithm(alg).setNoTimestamp(true));
  }

  static String b64(String s) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }
}
