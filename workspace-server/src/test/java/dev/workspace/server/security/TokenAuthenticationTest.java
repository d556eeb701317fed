package dev.workspace.server.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.workspace.model.CloseCodes;
import dev.workspace.server.WorkspaceServer;
import dev.workspace.server.testing.RawClient;
import dev.workspace.server.testing.TestServers;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Token mode: every kind of bad token is refused at the handshake (HTTP 401, no WebSocket), in {@code connect}
 * ({@code unauthorized} then close 4001) and on REST (401), and nothing of the workspace reaches the client; a good
 * token decides the agent and the workspace; a token that expires during a session ends it with 4002.
 */
class TokenAuthenticationTest {
  private Vertx vertx;
  private WorkspaceServer server;
  private Tokens tokens;
  private RawClient insider;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    tokens = new Tokens(vertx);
    server = TestServers.start(Tokens.tokenMode(TestServers.options()));
    insider = withBearer(tokens.valid("insider", "alpha"));
    ObjectNode ack = insider.request("{\"type\":\"connect\"}");
    assertEquals("ack", ack.get("type").asText(), ack.toString());
    insider.request("{\"type\":\"join\",\"channel\":\"general\"}");
  }

  @AfterEach
  void stop() {
    insider.assertNothingElse();
    insider.close();
    RawClient.await(server.close());
    RawClient.await(vertx.close());
  }

  /** Every kind of bad token, named. */
  private Map<String, String> badTokens() {
    Map<String, String> bad = new LinkedHashMap<>();
    bad.put("malformed", Tokens.malformed());
    bad.put("garbage in three parts", "a.b.c");
    bad.put("expired", tokens.expired("mallory", "alpha"));
    bad.put("wrongly signed", tokens.wrongSignature("mallory", "alpha"));
    bad.put("alg none", tokens.algNone("mallory", "alpha"));
    bad.put("alg switched to HS512", tokens.algSwitch("mallory", "alpha"));
    bad.put("payload edited after signing", tokens.tampered("mallory", "alpha", "insider"));
    bad.put("no exp", tokens.noExpiry("mallory", "alpha"));
    bad.put("no ws", tokens.noWorkspace("mallory"));
    bad.put("channels not an array", tokens.badChannelsClaim("mallory", "alpha"));
    return bad;
  }

  @Test
  void tokenTooLongIsRefusedByHttpLimitsOrByTheServer() {
    String huge = "x".repeat(9000);
    assertEquals(431, Wire.refusedUpgrade(vertx, server.port(), "/ws", Map.of("Authorization", "Bearer " + huge)));
    assertEquals(414, Wire.refusedUpgrade(vertx, server.port(), "/ws?token=" + huge, Map.of()));
    try (RawClient c = RawClient.open(vertx, server.port())) {
      ObjectNode err = c.request("{\"type\":\"connect\",\"token\":\"" + huge + "\"}");
      assertEquals("unauthorized", err.get("code").asText());
      assertEquals("token is longer than 8192 characters", err.get("message").asText());
      assertEquals(CloseCodes.UNAUTHORIZED, c.awaitClose());
    }
  }

  @Test
  void badTokenInAuthorizationHeaderIsRefusedWith401BeforeTheUpgrade() {
    badTokens().forEach((kind, token) -> assertEquals(401, Wire.refusedUpgrade(vertx, server.port(), "/ws",
        Map.of("Authorization", "Bearer " + token)), kind));
    assertEquals(401, Wire.refusedUpgrade(vertx, server.port(), "/ws", Map.of("Authorization", "Basic YTpi")));
    assertEquals(401, Wire.refusedUpgrade(vertx, server.port(), "/ws", Map.of("Authorization", "Bearer ")));
  }

  @Test
  void badTokenInQueryParameterIsRefusedWith401BeforeTheUpgrade() {
    badTokens().forEach((kind, token) -> assertEquals(401, Wire.refusedUpgrade(vertx, server.port(),
        "/ws?token=" + URLEncoder.encode(token, StandardCharsets.UTF_8), Map.of()), kind));
    assertEquals(401, Wire.refusedUpgrade(vertx, server.port(), "/ws?token=", Map.of()));
  }

  @Test
  void badTokenInConnectIsAnsweredUnauthorizedThenClosed4001WithNothingElse() {
    badTokens().forEach((kind, token) -> {
      try (RawClient c = RawClient.open(vertx, server.port())) {
        ObjectNode err = c.request("{\"type\":\"connect\",\"token\":\"" + token + "\"}");
        assertEquals("error", err.get("type").asText(), kind);
        assertEquals("unauthorized", err.get("code").asText(), kind);
        assertEquals(CloseCodes.UNAUTHORIZED, c.awaitClose(), kind);
        assertTrue(c.drain().isEmpty(), kind);
      }
    });
  }

  @Test
  void refusalsSayWhatIsWrongWithoutEchoingTheToken() {
    Map<String, String> expected = Map.of(
        tokens.expired("mallory", "alpha"), "token expired",
        tokens.algNone("mallory", "alpha"), "token algorithm 'none' is not accepted; this server takes HS256 only",
        tokens.algSwitch("mallory", "alpha"), "token algorithm 'HS512' is not accepted; this server takes HS256 only",
        tokens.wrongSignature("mallory", "alpha"), "token signature is invalid",
        tokens.noExpiry("mallory", "alpha"), "token has no exp claim");
    expected.forEach((token, message) -> {
      try (RawClient c = RawClient.open(vertx, server.port())) {
        ObjectNode err = c.request("{\"type\":\"connect\",\"token\":\"" + token + "\"}");
        assertEquals(message, err.get("message").asText());
        assertFalse(err.toString().contains(token));
        c.awaitClose();
      }
    });
  }

  @Test
  void missingTokenIsUnauthorizedAndClosed4001() {
    try (RawClient c = RawClient.open(vertx, server.port())) {
      ObjectNode err = c.request("{\"type\":\"connect\",\"agent_id\":\"mallory\",\"workspace\":\"alpha\"}");
      assertEquals("unauthorized", err.get("code").asText());
      assertEquals(CloseCodes.UNAUTHORIZED, c.awaitClose());
      assertTrue(c.drain().isEmpty());
    }
  }

  @Test
  void goodTokenAtTheHandshakeNamesTheAgentAndWorkspace() {
    try (RawClient c = withBearer(tokens.valid("bob", "alpha"))) {
      ObjectNode ack = c.request("{\"type\":\"connect\"}");
      assertEquals("bob", ack.get("result").get("agent_id").asText());
      assertEquals("alpha", ack.get("result").get("workspace").asText());
      assertEquals("agent.joined", insider.nextEvent().get("event_name").asText());
      c.assertNothingElse();
    }
    assertEquals("agent.left", insider.nextEvent().get("event_name").asText());
  }

  @Test
  void goodTokenInTheQueryOrInConnectWorksToo() {
    String query = tokens.valid("bob", "alpha");
    try (RawClient c = RawClient.open(vertx, server.port(), "/ws?token=" + query, Map.of())) {
      assertEquals("bob", c.request("{\"type\":\"connect\",\"agent_id\":\"bob\"}").get("result").get("agent_id")
          .asText());
    }
    assertEquals("agent.joined", insider.nextEvent().get("event_name").asText());
    assertEquals("agent.left", insider.nextEvent().get("event_name").asText());
    try (RawClient c = RawClient.open(vertx, server.port())) {
      ObjectNode ack = c.request("{\"type\":\"connect\",\"token\":\"" + tokens.valid("carol", "alpha") + "\"}");
      assertEquals("carol", ack.get("result").get("agent_id").asText());
    }
    assertEquals("agent.joined", insider.nextEvent().get("event_name").asText());
    assertEquals("agent.left", insider.nextEvent().get("event_name").asText());
  }

  @Test
  void agentIdOtherThanTheTokensIsForbiddenAndTheConnectionMayRetry() {
    try (RawClient c = withBearer(tokens.valid("bob", "alpha"))) {
      ObjectNode err = c.request("{\"type\":\"connect\",\"agent_id\":\"insider\"}");
      assertEquals("forbidden", err.get("code").asText());
      c.assertNothingElse();
      assertEquals("ack", c.request("{\"type\":\"connect\",\"agent_id\":\"bob\"}").get("type").asText());
    }
    assertEquals("agent.joined", insider.nextEvent().get("event_name").asText());
    assertEquals("agent.left", insider.nextEvent().get("event_name").asText());
  }

  @Test
  void workspaceOtherThanTheTokensIsRefused() {
    String token = tokens.valid("bob", "alpha");
    assertEquals(403, Wire.refusedUpgrade(vertx, server.port(), "/ws?workspace=beta",
        Map.of("Authorization", "Bearer " + token)));
    try (RawClient c = withBearer(token)) {
      ObjectNode err = c.request("{\"type\":\"connect\",\"workspace\":\"beta\"}");
      assertEquals("forbidden", err.get("code").asText());
      assertEquals(CloseCodes.FORBIDDEN_WORKSPACE, c.awaitClose());
      assertTrue(c.drain().isEmpty());
    }
    try (RawClient c = RawClient.open(vertx, server.port())) {
      c.request("{\"type\":\"connect\",\"workspace\":\"beta\",\"token\":\"" + token + "\"}");
      assertEquals(CloseCodes.FORBIDDEN_WORKSPACE, c.awaitClose());
    }
  }

  @Test
  void connectTokenNamingAnotherAgentThanTheHandshakeTokenIsRefused() {
    try (RawClient c = withBearer(tokens.valid("bob", "alpha"))) {
      ObjectNode err = c.request("{\"type\":\"connect\",\"token\":\"" + tokens.valid("carol", "alpha") + "\"}");
      assertEquals("unauthorized", err.get("code").asText());
      assertEquals(CloseCodes.UNAUTHORIZED, c.awaitClose());
    }
  }

  @Test
  void tokenThatExpiresDuringTheSessionEndsItWith4002() {
    try (RawClient c = withBearer(tokens.expiringIn("brief", "alpha", Duration.ofSeconds(2)))) {
      assertEquals("ack", c.request("{\"type\":\"connect\",\"subscriptions\":[]}").get("type").asText());
      assertEquals("agent.joined", insider.nextEvent().get("event_name").asText());
      assertEquals(CloseCodes.TOKEN_EXPIRED, c.awaitClose());
      assertEquals("agent.left", insider.nextEvent().get("event_name").asText());
    }
  }

  @Test
  void restTakesTheSameTokens() {
    int port = server.port();
    Wire.Response none = Wire.http(vertx, port, HttpMethod.GET, "/api/agents", Map.of(), null);
    assertEquals(401, none.status());
    assertEquals("unauthorized", none.json().get("code").asText());
    assertEquals("Bearer", none.wwwAuthenticate());
    badTokens().forEach((kind, token) -> assertEquals(401, Wire.http(vertx, port, HttpMethod.GET, "/api/agents",
        Map.of("Authorization", "Bearer " + token), null).status(), kind));

    Map<String, String> bob = Map.of("Authorization", "Bearer " + tokens.valid("bob", "alpha"));
    Wire.Response agents = Wire.http(vertx, port, HttpMethod.GET, "/api/agents", bob, null);
    assertEquals(200, agents.status());
    assertEquals("insider", agents.json().get("agents").get(0).get("agent_id").asText());
    assertEquals(403, Wire.http(vertx, port, HttpMethod.GET, "/api/agents?workspace=beta", bob, null).status());

    String post = "{\"event_name\":\"channel.message.posted\",\"destination_id\":\"channel:general\","
        + "\"payload\":{\"text\":\"over rest\"}}";
    Wire.Response posted = Wire.http(vertx, port, HttpMethod.POST, "/api/events", bob, post);
    assertEquals(202, posted.status(), posted.body());
    ObjectNode ev = insider.nextEvent();
    assertEquals("bob", ev.get("source_id").asText());
    assertEquals("over rest", ev.get("payload").get("text").asText());

    Map<String, String> impostor = new LinkedHashMap<>(bob);
    impostor.put("X-Agent-Id", "insider");
    Wire.Response refused = Wire.http(vertx, port, HttpMethod.POST, "/api/events", impostor, post);
    assertEquals(403, refused.status());
    assertEquals("forbidden", refused.json().get("code").asText());
    Wire.Response spoofed = Wire.http(vertx, port, HttpMethod.POST, "/api/events", bob,
        post.replace("{\"event_name\"", "{\"source_id\":\"insider\",\"event_name\""));
    assertEquals(403, spoofed.status());
    assertEquals(401, Wire.http(vertx, port, HttpMethod.POST, "/api/events", Map.of("X-Agent-Id", "insider"), post)
        .status());
    assertEquals(200, Wire.http(vertx, port, HttpMethod.GET, "/health", Map.of(), null).status());
  }

  @Test
  void everyRestRouteRefusesAnXAgentIdOtherThanTheTokensSubject() {
    int port = server.port();
    String bearer = "Bearer " + tokens.valid("bob", "alpha");
    for (String uri : new String[] {"/api/agents", "/api/channels", "/api/channels/general/messages"}) {
      Wire.Response refused = Wire.http(vertx, port, HttpMethod.GET, uri,
          Map.of("Authorization", bearer, "X-Agent-Id", "insider"), null);
      assertEquals(403, refused.status(), uri + ": " + refused.body());
      assertEquals("forbidden", refused.json().get("code").asText(), uri);
      Wire.Response same = Wire.http(vertx, port, HttpMethod.GET, uri,
          Map.of("Authorization", bearer, "X-Agent-Id", "bob"), null);
      assertEquals(200, same.status(), uri + ": " + same.body());
    }
  }

  @Test
  void serverInTokenModeWithoutAKeyDoesNotStart() {
    Throwable failure = WorkspaceServer.start(TestServers.options().setAuthMode(
        dev.workspace.server.ServerOptions.AuthMode.TOKEN)).toCompletionStage().toCompletableFuture()
        .handle((ok, e) -> e).join();
    assertTrue(failure != null && failure.getMessage().contains("needs a secret"), String.valueOf(failure));
  }

  private RawClient withBearer(String token) {
    return RawClient.open(vertx, server.port(), "/ws", Map.of("Authorization", "Bearer " + token));
  }

}
