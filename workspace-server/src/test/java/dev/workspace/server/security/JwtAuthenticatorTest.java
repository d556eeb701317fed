package dev.workspace.server.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.workspace.model.ProtocolException;
import dev.workspace.server.ServerOptions;
import dev.workspace.server.TokenTool;
import dev.workspace.server.edge.Authenticator;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The token check on its own: the pinned algorithm (HMAC, RSA and EC public keys), algorithm confusion, the claims
 * the server needs, and the options that configure it; plus the token minting command.
 */
class JwtAuthenticatorTest {
  private final Vertx vertx = Vertx.vertx();
  private final Tokens tokens = new Tokens(vertx);

  @AfterEach
  void stop() {
    vertx.close();
  }

  @Test
  void hmacTokenGivesItsIdentity() {
    Authenticator auth = hmac();
    Authenticator.Identity id = ok(auth.verify(tokens.withChannels("bob", "alpha", List.of("general", "team-*"))));
    assertEquals("bob", id.agentId());
    assertEquals("alpha", id.workspace());
    assertEquals(List.of("general", "team-*"), id.channelPatterns());
    long inAnHour = System.currentTimeMillis() + 3_600_000;
    assertTrue(Math.abs(id.expiresAt() - inAnHour) < 5_000, "exp " + id.expiresAt());
    assertNull(ok(auth.verify(tokens.valid("bob", "alpha"))).channelPatterns());
  }

  @Test
  void claimsTheServerNeedsAreChecked() {
    Authenticator auth = hmac();
    long exp = System.currentTimeMillis() / 1000 + 3600;
    assertEquals("token is not valid yet (nbf)", refused(auth.verify(tokens.sign("HS256", Tokens.SECRET,
        new JsonObject().put("sub", "bob").put("ws", "alpha").put("exp", exp).put("nbf", exp)))));
    assertEquals("token sub must be a valid agent id", refused(auth.verify(tokens.sign("HS256", Tokens.SECRET,
        new JsonObject().put("sub", "system").put("ws", "alpha").put("exp", exp)))));
    assertEquals("token sub must be a valid agent id", refused(auth.verify(tokens.sign("HS256", Tokens.SECRET,
        new JsonObject().put("sub", "bad id!").put("ws", "alpha").put("exp", exp)))));
    assertEquals("token claims are malformed", refused(auth.verify(tokens.sign("HS256", Tokens.SECRET,
        new JsonObject().put("sub", "bob").put("ws", "alpha").put("exp", "tomorrow")))));
    assertEquals("token claims are malformed", refused(auth.verify(tokens.sign("HS256", Tokens.SECRET,
        new JsonObject().put("sub", "bob").put("ws", "alpha").put("exp", Long.MAX_VALUE / 10)))));
    assertEquals("token channels must be channel names, '*' matching any run of characters",
        refused(auth.verify(tokens.sign("HS256", Tokens.SECRET, new JsonObject().put("sub", "bob").put("ws", "alpha")
            .put("exp", exp).put("channels", new io.vertx.core.json.JsonArray().add("a b"))))));
    String header = Tokens.b64("{\"alg\":\"HS256\",\"crit\":[\"exp\"]}");
    String signed = tokens.valid("bob", "alpha");
    assertEquals("token header has critical extensions this server does not understand",
        refused(auth.verify(header + signed.substring(signed.indexOf('.')))));
    assertEquals("token is not signed", refused(auth.verify(signed.substring(0, signed.lastIndexOf('.') + 1))));
  }

  @Test
  void rsaPublicKeyChecksRs256AndRefusesTheKeyUsedAsAnHmacSecret() throws Exception {
    KeyPairGenerator gen = KeyPairGenerator.getInstance("RSA");
    gen.initialize(2048);
    KeyPair pair = gen.generateKeyPair();
    KeyPair other = gen.generateKeyPair();
    String publicPem = pem("PUBLIC KEY", pair.getPublic().getEncoded());
    Authenticator auth = Authenticator.create(vertx, new ServerOptions().setAuthMode(ServerOptions.AuthMode.TOKEN)
        .setJwtAlgorithm("RS256").setJwtPublicKey(publicPem));
    String good = TokenTool.mint(vertx, "RS256", pem("PRIVATE KEY", pair.getPrivate().getEncoded()), "bob", "alpha",
        Duration.ofMinutes(5), null);
    assertEquals("bob", ok(auth.verify(good)).agentId());
    String forged = TokenTool.mint(vertx, "RS256", pem("PRIVATE KEY", other.getPrivate().getEncoded()), "bob",
        "alpha", Duration.ofMinutes(5), null);
    assertEquals("token signature is invalid", refused(auth.verify(forged)));
    String confused = tokens.sign("HS256", publicPem, new JsonObject().put("sub", "bob").put("ws", "alpha")
        .put("exp", System.currentTimeMillis() / 1000 + 600));
    assertEquals("token algorithm 'HS256' is not accepted; this server takes RS256 only",
        refused(auth.verify(confused)));
    assertEquals("token algorithm 'none' is not accepted; this server takes RS256 only",
        refused(auth.verify(tokens.algNone("bob", "alpha"))));
  }

  @Test
  void ecPublicKeyChecksEs256() throws Exception {
    KeyPairGenerator gen = KeyPairGenerator.getInstance("EC");
    gen.initialize(new ECGenParameterSpec("secp256r1"));
    KeyPair pair = gen.generateKeyPair();
    Authenticator auth = Authenticator.create(vertx, new ServerOptions().setAuthMode(ServerOptions.AuthMode.TOKEN)
        .setJwtAlgorithm("ES256").setJwtPublicKey(pem("PUBLIC KEY", pair.getPublic().getEncoded())));
    String good = TokenTool.mint(vertx, "ES256", pem("PRIVATE KEY", pair.getPrivate().getEncoded()), "eve", "alpha",
        Duration.ofMinutes(5), List.of("ops-*"));
    Authenticator.Identity id = ok(auth.verify(good));
    assertEquals("eve", id.agentId());
    assertEquals(List.of("ops-*"), id.channelPatterns());
    assertEquals("token signature is invalid", refused(auth.verify(good.substring(0, good.length() - 4)
        + (good.endsWith("AAAA") ? "BBBB" : "AAAA"))));
  }

  @Test
  void optionsRefuseWeakOrMissingKeys() {
    ServerOptions o = new ServerOptions();
    assertThrows(IllegalArgumentException.class, () -> o.setJwtSecret("short"));
    assertThrows(IllegalArgumentException.class, () -> o.setJwtAlgorithm("none"));
    assertThrows(IllegalArgumentException.class, () -> o.setJwtAlgorithm("HS128"));
    assertThrows(IllegalArgumentException.class, () -> o.setJwtPublicKey("not a key"));
    assertThrows(IllegalArgumentException.class, () -> o.setAllowedOrigins(List.of("example.com")));
    assertThrows(IllegalArgumentException.class, () -> Authenticator.create(vertx,
        new ServerOptions().setAuthMode(ServerOptions.AuthMode.TOKEN)));
    assertThrows(IllegalArgumentException.class, () -> Authenticator.create(vertx,
        new ServerOptions().setAuthMode(ServerOptions.AuthMode.TOKEN).setJwtAlgorithm("RS256")
            .setJwtSecret(Tokens.SECRET)));
    assertTrue(!Authenticator.create(vertx, new ServerOptions()).required());
  }

  @Test
  void mintCommandMakesTokensTheServerAccepts() {
    String token = TokenTool.run(new String[] {"--agent", "bob", "--workspace", "alpha", "--ttl", "90s",
        "--channels", "general,team-*"}, Map.of("WORKSPACE_JWT_SECRET", Tokens.SECRET));
    Authenticator.Identity id = ok(hmac().verify(token));
    assertEquals("bob", id.agentId());
    assertEquals("alpha", id.workspace());
    assertEquals(List.of("general", "team-*"), id.channelPatterns());
    assertTrue(id.expiresAt() - System.currentTimeMillis() <= 90_000 + 1_000);
    String withFlag = TokenTool.run(new String[] {"--agent", "carol", "--secret", Tokens.SECRET, "--ttl", "2h"},
        Map.of());
    assertEquals("default", ok(hmac().verify(withFlag)).workspace());
    assertThrows(IllegalArgumentException.class, () -> TokenTool.run(new String[] {"--agent", "bob"}, Map.of()));
    assertThrows(IllegalArgumentException.class, () -> TokenTool.run(new String[] {"--workspace", "w"},
        Map.of("WORKSPACE_JWT_SECRET", Tokens.SECRET)));
    assertThrows(IllegalArgumentException.class, () -> TokenTool.run(new String[] {"--agent", "bob", "--ttl",
        "soon"}, Map.of("WORKSPACE_JWT_SECRET", Tokens.SECRET)));
    assertThrows(IllegalArgumentException.class, () -> TokenTool.run(new String[] {"--agent", "bob", "--secret",
        "short"}, Map.of()));
  }

  private Authenticator hmac() {
    return Authenticator.create(vertx, Tokens.tokenMode(new ServerOptions()));
  }

  private static Authenticator.Identity ok(Future<Authenticator.Identity> f) {
    if (f.failed()) {
      throw new AssertionError("refused: " + f.cause().getMessage());
    }
    return f.result();
  }

  private static String refused(Future<Authenticator.Identity> f) {
    assertTrue(f.failed(), "accepted");
    ProtocolException e = (ProtocolException) f.cause();
    assertEquals("unauthorized", e.code().wireName());
    return e.getMessage();
  }

  private static String pem(String type, byte[] der) {
    return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(der)
        + "\n-----END " + type + "-----\n";
  }
}
