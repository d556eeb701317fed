package dev.workspace.server.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.workspace.model.CloseCodes;
import dev.workspace.server.WorkspaceServer;
import dev.workspace.server.testing.RawClient;
import dev.workspace.server.testing.TestServers;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Browser origins: same-origin and listed origins pass, requests without an {@code Origin} (agents) pass, any other
 * origin is closed with 1008 before a frame is read (WebSocket) or refused 403 (REST).
 */
class OriginTest {
  private Vertx vertx;
  private WorkspaceServer server;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    server = TestServers.start(TestServers.options().setAllowedOrigins(List.of("https://app.example.com",
        "http://*.dev.example.com:3000")));
  }

  @AfterEach
  void stop() {
    RawClient.await(server.close());
    RawClient.await(vertx.close());
  }

  @Test
  void foreignOriginIsClosed1008WithNothingSent() {
    for (String origin : List.of("https://evil.example.net", "null", "https://app.example.com.evil.net",
        "http://app.example.com", "http://x.dev.example.com:3001")) {
      try (Wire.FrameSocket s = new Wire.FrameSocket(vertx, server.port(), Map.of("Origin", origin), true)) {
        s.writeQuietly(io.vertx.core.http.WebSocketFrame.textFrame("{\"type\":\"connect\",\"agent_id\":\"x\"}", true));
        assertEquals(CloseCodes.POLICY_VIOLATION, s.awaitClose(), origin);
        assertTrue(s.frames.isEmpty(), origin + ": " + s.frames);
      }
    }
  }

  @Test
  void listedSameOriginAndOriginlessClientsAreServed() {
    for (Map<String, String> headers : List.of(Map.of("Origin", "https://app.example.com"),
        Map.of("Origin", "HTTPS://APP.EXAMPLE.COM/"), Map.of("Origin", "http://a.b.dev.example.com:3000"),
        Map.of("Origin", "http://127.0.0.1:" + server.port()), Map.<String, String>of())) {
      try (Wire.FrameSocket s = new Wire.FrameSocket(vertx, server.port(), headers,
          headers.containsKey("Origin"))) {
        s.send("{\"type\":\"ping\",\"id\":\"o\"}");
        assertEquals("pong", s.next().get("type").asText(), headers.toString());
      }
    }
    try (RawClient c = RawClient.connect(vertx, server.port(), "vertx-client-with-its-default-origin")) {
      c.assertNothingElse();
    }
  }

  @Test
  void restRefusesForeignOrigins() {
    Wire.Response r = Wire.http(vertx, server.port(), HttpMethod.POST, "/api/events",
        Map.of("Origin", "https://evil.example.net", "X-Agent-Id", "victim", "Content-Type", "text/plain"),
        "{\"event_name\":\"agent.broadcast\",\"destination_id\":\"agent:broadcast\",\"payload\":{}}");
    assertEquals(403, r.status());
    assertEquals("forbidden", r.json().get("code").asText());
    assertEquals(200, Wire.http(vertx, server.port(), HttpMethod.GET, "/api/agents",
        Map.of("Origin", "https://app.example.com"), null).status());
    assertEquals(200, Wire.http(vertx, server.port(), HttpMethod.GET, "/api/agents", Map.of(), null).status());
  }
}
