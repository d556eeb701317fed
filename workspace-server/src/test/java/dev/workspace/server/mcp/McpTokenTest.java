package dev.workspace.server.mcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.workspace.server.ServerOptions;
import dev.workspace.server.TokenTool;
import dev.workspace.server.WorkspaceServer;
import dev.workspace.server.testing.RawClient;
import dev.workspace.server.testing.TestServers;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code /mcp} in token mode: the token names the agent, every request carries it, and its channels hold. */
class McpTokenTest {
  private static final String SECRET = "mcp-test-secret-that-is-long-enough-0123456789";
  private Vertx vertx;
  private WorkspaceServer server;
  private McpHttp http;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    server = TestServers.start(TestServers.options().setAuthMode(ServerOptions.AuthMode.TOKEN).setJwtSecret(SECRET));
    http = new McpHttp(vertx, server.port());
  }

  @AfterEach
  void stop() {
    http.close();
    RawClient.await(server.close());
    RawClient.await(vertx.close());
  }

  private String token(String agent, List<String> channels) {
    return TokenTool.mint(vertx, "HS256", SECRET, agent, "default", Duration.ofHours(1), channels);
  }

  @Test
  void theTokenNamesTheAgentAndEveryRequestCarriesIt() {
    McpHttp.Answer none = http.initialize(Map.of(), "2025-11-25");
    assertEquals(401, none.status(), none.body());
    assertEquals(-32000, none.errorCode());
    assertEquals("Bearer", none.headers().get("WWW-Authenticate"));
    assertEquals(401, http.initialize(Map.of("Authorization", "Bearer not-a-token"), "2025-11-25").status());
    assertEquals(403, http.initialize(Map.of("Authorization", "Bearer " + token("alice", null),
        McpInitializer.AGENT_HEADER, "mallory"), "2025-11-25").status());

    String alice = "Bearer " + token("alice", List.of("team-*"));
    McpHttp.Answer ok = http.initialize(Map.of("Authorization", alice), "2025-11-25");
    assertEquals(200, ok.status(), ok.body());
    String s = ok.headers().get(McpEndpoint.SESSION_HEADER);
    String ping = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}";
    assertEquals(401, http.post(Map.of(McpEndpoint.SESSION_HEADER, s), ping).status());
    McpHttp.Answer other = http.post(Map.of(McpEndpoint.SESSION_HEADER, s, "Authorization",
        "Bearer " + token("bob", null)), ping);
    assertEquals(403, other.status(), other.body());
    assertTrue(other.json().path("error").path("message").asText().contains("not the session's agent"));
    assertEquals(200, http.post(Map.of(McpEndpoint.SESSION_HEADER, s, "Authorization", alice), ping).status());

    Map<String, String> auth = Map.of(McpEndpoint.SESSION_HEADER, s, "Authorization", alice);
    JsonNode agents = http.post(auth, "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/call\",\"params\":{\"name\":"
        + "\"list_agents\",\"arguments\":{}}}").json().path("result").path("structuredContent").path("agents");
    assertEquals("alice", agents.get(0).path("agent_id").asText());
    JsonNode refused = http.post(auth, "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/call\",\"params\":{\"name\":"
        + "\"join_channel\",\"arguments\":{\"channel\":\"general\"}}}").json().path("result");
    assertTrue(refused.path("isError").asBoolean(), refused.toString());
    assertEquals("forbidden", refused.path("structuredContent").path("error").path("code").asText());
    JsonNode allowed = http.post(auth, "{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":\"tools/call\",\"params\":{\"name\":"
        + "\"join_channel\",\"arguments\":{\"channel\":\"team-a\"}}}").json().path("result");
    assertEquals("team-a", allowed.path("structuredContent").path("channel").asText(), allowed.toString());
  }
}
