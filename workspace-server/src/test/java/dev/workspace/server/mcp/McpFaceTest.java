package dev.workspace.server.mcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.workspace.server.ServerOptions;
import dev.workspace.server.WorkspaceServer;
import dev.workspace.server.testing.RawClient;
import dev.workspace.server.testing.TestServers;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code /mcp} over raw HTTP against a real node: every refusal with the status and JSON-RPC code the MCP SDK
 * expects, the session table and its limit, the idle time to live, the inbox bound, the GET stream, the limits.
 */
class McpFaceTest {
  private Vertx vertx;
  private WorkspaceServer server;
  private McpHttp http;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
  }

  private void startServer(Consumer<McpOptions> mcp) {
    startNode(o -> mcp.accept(o.getMcp()));
  }

  private void startNode(Consumer<ServerOptions> configure) {
    ServerOptions options = TestServers.options();
    configure.accept(options);
    server = TestServers.start(options);
    http = new McpHttp(vertx, server.port());
  }

  @AfterEach
  void stop() {
    if (http != null) {
      http.close();
    }
    if (server != null) {
      RawClient.await(server.close());
    }
    RawClient.await(vertx.close());
  }

  private static Map<String, String> session(String id) {
    return Map.of(McpEndpoint.SESSION_HEADER, id);
  }

  private static void assertRefused(McpHttp.Answer a, int status, int code, String text) {
    assertEquals(status, a.status(), a.body());
    assertEquals("application/json", a.headers().get("content-type"));
    ObjectNode body = a.json();
    assertEquals("2.0", body.path("jsonrpc").asText());
    assertEquals(code, body.path("error").path("code").asInt(), a.body());
    assertTrue(body.path("error").path("message").asText().contains(text), a.body());
  }

  @Test
  void initializeEchoesASupportedVersionAndGivesASession() {
    startServer(o -> { });
    McpHttp.Answer a = http.initialize(Map.of(), "2025-06-18");
    assertEquals(200, a.status(), a.body());
    assertNotNull(a.headers().get(McpEndpoint.SESSION_HEADER));
    JsonNode result = a.json().path("result");
    assertEquals("2025-06-18", result.path("protocolVersion").asText());
    assertEquals("workspace", result.path("serverInfo").path("name").asText());
    assertTrue(result.path("capabilities").has("tools"));
    assertTrue(result.path("capabilities").path("resources").path("subscribe").asBoolean());
    assertEquals("2025-11-25", http.initialize(Map.of(), "1999-01-01").json().path("result")
        .path("protocolVersion").asText(), "an unknown version is answered with the newest");
    String s = http.open();
    assertEquals(202, http.post(session(s), "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}").status());
    McpHttp.Answer ping = http.call(s, 7, "ping", "{}");
    assertEquals(200, ping.status());
    assertEquals("{\"jsonrpc\":\"2.0\",\"id\":7,\"result\":{}}", ping.body());
  }

  @Test
  void everyRefusalHasItsStatusAndCode() {
    startServer(o -> { });
    String s = http.open();
    String ping = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}";
    assertRefused(http.post(Map.of(), ping), 400, -32000, "Mcp-Session-Id header is required");
    assertRefused(http.post(session("no-such-session"), ping), 404, -32001, "Session not found");
    assertRefused(http.send(HttpMethod.POST, Map.of("content-type", "application/json", "accept", "application/json",
        McpEndpoint.SESSION_HEADER, s), ping), 406, -32000, "Not Acceptable");
    assertRefused(http.send(HttpMethod.POST, Map.of("content-type", "text/plain",
        "accept", "application/json, text/event-stream", McpEndpoint.SESSION_HEADER, s), ping), 415, -32000,
        "Content-Type must be application/json");
    assertRefused(http.post(Map.of(McpEndpoint.SESSION_HEADER, s, McpEndpoint.VERSION_HEADER, "1999-01-01"), ping),
        400, -32000, "Unsupported protocol version");
    assertRefused(http.post(session(s), "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{}}"),
        400, -32600, "already initialized");
    assertRefused(http.post(session(s), "{\"jsonrpc\":"), 400, -32700, "Parse error");
    assertRefused(http.post(session(s), "[" + ping + "]"), 400, -32600, "batches");
    assertRefused(http.post(session(s), "{\"jsonrpc\":\"1.0\",\"id\":1,\"method\":\"ping\"}"), 400, -32600, "2.0");
    assertRefused(http.send(HttpMethod.PUT, session(s), ping), 405, -32000, "Method Not Allowed");
    assertRefused(http.send(HttpMethod.GET, Map.of("accept", "application/json", McpEndpoint.SESSION_HEADER, s), null),
        406, -32000, "text/event-stream");
    assertEquals(-32601, http.call(s, 2, "prompts/list", "{}").errorCode());
    assertEquals(-32602, http.tool(s, 3, "no_such_tool", "{}").errorCode());
    assertEquals(-32602, http.call(s, 4, "logging/setLevel", "{\"level\":\"loud\"}").errorCode());
    McpHttp.Answer badArg = http.tool(s, 5, "join_channel", "{\"channel\":7}");
    assertEquals(200, badArg.status());
    assertTrue(badArg.json().path("result").path("isError").asBoolean(), badArg.body());
    assertEquals("invalid_frame", badArg.json().path("result").path("structuredContent").path("error").path("code")
        .asText());
    assertEquals(200, http.call(s, 6, "ping", "{}").status(), "the session survives every refusal");
  }

  @Test
  void aRebindingHostOrAForeignOriginGets403() {
    startServer(o -> { });
    String init = "{\"jsonrpc\":\"2.0\",\"id\":0,\"method\":\"initialize\",\"params\":{\"protocolVersion\":"
        + "\"2025-11-25\",\"capabilities\":{},\"clientInfo\":{\"name\":\"x\",\"version\":\"1\"}}}";
    assertRefused(http.post(Map.of("Host", "evil.example.com", "Origin", "http://evil.example.com"), init), 403,
        -32000, "DNS rebinding");
    assertRefused(http.post(Map.of("Host", "evil.example.com:" + server.port()), init), 403, -32000, "Host");
    assertRefused(http.post(Map.of("Origin", "http://evil.example.com"), init), 403, -32000, "Origin");
    assertEquals(200, http.post(Map.of("Host", "localhost:" + server.port(),
        "Origin", "http://localhost:" + server.port()), init).status());
    assertEquals(200, http.post(Map.of("Host", "[::1]:" + server.port()), init).status());
  }

  @Test
  void deleteEndsTheSessionAndItsAgentLeaves() {
    startServer(o -> { });
    try (RawClient observer = RawClient.connect(vertx, server.port(), "observer")) {
      McpHttp.Answer a = http.initialize(Map.of(McpInitializer.AGENT_HEADER, "mcp-bob"), "2025-11-25");
      String s = a.headers().get(McpEndpoint.SESSION_HEADER);
      ObjectNode joined = observer.take(f -> f.path("event").path("event_name").asText().equals("agent.joined"));
      assertEquals("mcp-bob", joined.path("event").path("payload").path("agent_id").asText());
      assertEquals(200, http.send(HttpMethod.DELETE, session(s), null).status());
      ObjectNode left = observer.take(f -> f.path("event").path("event_name").asText().equals("agent.left"));
      assertEquals("mcp-bob", left.path("event").path("payload").path("agent_id").asText());
      assertRefused(http.call(s, 1, "ping", "{}"), 404, -32001, "Session not found");
      assertRefused(http.send(HttpMethod.DELETE, session(s), null), 404, -32001, "Session not found");
      observer.assertNothingElse();
    }
  }

  @Test
  void anIdleSessionExpiresAfterItsTimeToLive() {
    startServer(o -> o.setSessionTtl(Duration.ofMillis(300)));
    try (RawClient observer = RawClient.connect(vertx, server.port(), "observer")) {
      String s = http.initialize(Map.of(McpInitializer.AGENT_HEADER, "mcp-idle"), "2025-11-25").headers()
          .get(McpEndpoint.SESSION_HEADER);
      observer.take(f -> f.path("event").path("event_name").asText().equals("agent.joined"));
      ObjectNode left = observer.take(f -> f.path("event").path("event_name").asText().equals("agent.left"));
      assertEquals("mcp-idle", left.path("event").path("payload").path("agent_id").asText());
      assertRefused(http.call(s, 1, "ping", "{}"), 404, -32001, "Session not found");
    }
  }

  @Test
  void theSessionTableHasALimit() {
    startServer(o -> o.setMaxSessions(2));
    String first = http.open();
    http.open();
    McpHttp.Answer third = http.initialize(Map.of(), "2025-11-25");
    assertRefused(third, 503, -32000, "2 MCP sessions");
    assertEquals(200, http.send(HttpMethod.DELETE, session(first), null).status());
    assertEquals(200, http.initialize(Map.of(), "2025-11-25").status(), "a freed place can be taken");
  }

  @Test
  void theInboxIsBoundedAndTheNextReadReportsTheOverflow() {
    startServer(o -> o.setInboxEvents(3));
    String s = http.initialize(Map.of(McpInitializer.AGENT_HEADER, "mcp-reader"), "2025-11-25").headers()
        .get(McpEndpoint.SESSION_HEADER);
    try (RawClient sender = RawClient.connect(vertx, server.port(), "sender")) {
      for (int i = 1; i <= 5; i++) {
        ObjectNode ack = sender.request("{\"type\":\"publish\",\"event\":{\"event_name\":\"agent.message\","
            + "\"destination_id\":\"agent:mcp-reader\",\"payload\":{\"text\":\"m" + i + "\"}}}");
        assertEquals("ack", ack.path("type").asText(), ack.toString());
      }
    }
    JsonNode last = http.tool(s, 1, "wait_for_events", "{\"after\":4,\"timeout_s\":10}").answer().path("result");
    assertEquals(List.of("m5"), texts(last));
    JsonNode all = http.tool(s, 2, "wait_for_events", "{\"after\":0,\"timeout_s\":0}").answer().path("result");
    assertEquals(2, all.path("structuredContent").path("dropped").asInt(), all.toString());
    assertEquals(List.of("m3", "m4", "m5"), texts(all));
    assertEquals(5, all.path("structuredContent").path("cursor").asInt());
    assertTrue(all.path("content").get(0).path("text").asText().startsWith("2 event(s) were dropped"));
    JsonNode none = http.tool(s, 3, "wait_for_events", "{\"timeout_s\":0}").answer().path("result");
    assertEquals(List.of(), texts(none));
    assertTrue(!none.path("structuredContent").has("dropped"), "an overflow is reported once");
  }

  private static List<String> texts(JsonNode result) {
    List<String> out = new java.util.ArrayList<>();
    for (JsonNode e : result.path("structuredContent").path("events")) {
      out.add(e.path("event").path("payload").path("text").asText());
    }
    return out;
  }

  @Test
  void oneGetStreamPerSessionAndItCarriesInboxUpdates() throws Exception {
    startServer(o -> { });
    String s = http.initialize(Map.of(McpInitializer.AGENT_HEADER, "mcp-push"), "2025-11-25").headers()
        .get(McpEndpoint.SESSION_HEADER);
    assertEquals(200, http.call(s, 1, "resources/subscribe", "{\"uri\":\"workspace://inbox\"}").status());
    HttpClientResponse stream = http.openStream(s);
    assertEquals(200, stream.statusCode());
    assertEquals("text/event-stream", stream.getHeader("content-type"));
    assertEquals(s, stream.getHeader(McpEndpoint.SESSION_HEADER));
    CompletableFuture<String> pushed = new CompletableFuture<>();
    StringBuilder received = new StringBuilder();
    stream.handler(b -> {
      received.append(b.toString());
      if (received.indexOf("\n\n") >= 0 && received.indexOf("data: ") >= 0) {
        pushed.complete(received.toString());
      }
    });
    McpHttp.Answer second = http.send(HttpMethod.GET, Map.of("accept", "text/event-stream",
        McpEndpoint.SESSION_HEADER, s), null);
    assertRefused(second, 409, -32000, "Only one SSE stream");
    try (RawClient sender = RawClient.connect(vertx, server.port(), "sender")) {
      sender.request("{\"type\":\"publish\",\"event\":{\"event_name\":\"agent.message\","
          + "\"destination_id\":\"agent:mcp-push\",\"payload\":{\"text\":\"hi\"}}}");
      String event = pushed.get(RawClient.WAIT.toMillis(), TimeUnit.MILLISECONDS);
      assertTrue(event.startsWith("event: message\nid: 1\ndata: "), event);
      assertTrue(event.contains("\"method\":\"notifications/resources/updated\""), event);
      assertTrue(event.contains("\"uri\":\"workspace://inbox\""), event);
    }
  }

  @Test
  void theRateAndBodyLimitsSayWhich() {
    startNode(o -> {
      o.setMaxFramesPerSecond(1).setFrameBurst(2);
      o.getMcp().setMaxBodySize(512);
    });
    String s = http.open();
    assertEquals(200, http.call(s, 1, "ping", "{}").status());
    McpHttp.Answer limited = http.call(s, 2, "ping", "{}");
    assertRefused(limited, 429, -32000, "1 requests per second (burst 2)");
    String big = "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"ping\",\"params\":{\"pad\":\"" + "x".repeat(600) + "\"}}";
    assertRefused(http.post(session(s), big), 413, -32000, "larger than 512 bytes");
  }
}
