package dev.workspace.server.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.workspace.server.WorkspaceServer;
import dev.workspace.server.testing.RawClient;
import dev.workspace.server.testing.TestServers;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * In open mode a web page on a rebinding name (one that resolves to 127.0.0.1) must not reach the server: only a
 * loopback {@code Host} or an allowed name passes, on the WebSocket and every REST route alike. Requests are
 * written by hand, so that the {@code Host} header is exactly the one a browser on that name would send.
 */
class DnsRebindingTest {
  private static final String KEY = "dGhlIHNhbXBsZSBub25jZQ==";

  private WorkspaceServer server;

  @AfterEach
  void stop() {
    if (server != null) {
      RawClient.await(server.close());
    }
  }

  @Test
  void aRebindingNameGets403OnTheWebSocketAndEveryApiRoute() throws IOException {
    server = TestServers.start(TestServers.options());
    String evil = "evil.example.com:" + server.port();
    for (String request : requests()) {
      assertEquals(403, status(request, evil, "http://" + evil), request);
      assertEquals(403, status(request, evil, null), request + " without Origin");
    }
    assertEquals(200, status("GET /health", evil, "http://" + evil));
  }

  @Test
  void loopbackNamesPassWithAnyPort() throws IOException {
    server = TestServers.start(TestServers.options());
    int port = server.port();
    for (String host : List.of("localhost:" + port, "127.0.0.1:" + port, "[::1]:" + port, "LOCALHOST", "127.0.0.1")) {
      assertEquals(101, status("WS /ws", host, null), host);
      assertEquals(200, status("GET /api/agents", host, null), host);
      assertEquals(200, status("GET /api/channels/general/messages", host, null), host);
    }
    assertEquals(101, status("WS /ws", "localhost:" + port, "http://localhost:" + port));
  }

  @Test
  void aNameGivenByTheOptionPassesAndLookalikesDoNot() throws IOException {
    server = TestServers.start(TestServers.options().setAllowedHosts(List.of("workspace.internal")));
    int port = server.port();
    assertEquals(200, status("GET /api/agents", "workspace.internal:" + port, null));
    assertEquals(101, status("WS /ws", "workspace.internal:" + port, null));
    for (String host : List.of("workspace.internal.evil.com", "localhost.evil.com:" + port, "evil.com:80@localhost",
        "localhost:x", "")) {
      assertEquals(403, status("GET /api/agents", host, null), host);
    }
    assertEquals(403, status("GET /api/agents", null, null), "no Host at all");
  }

  @Test
  void tokenModeLeavesTheHostAlone() throws IOException {
    server = TestServers.start(Tokens.tokenMode(TestServers.options()));
    String evil = "evil.example.com:" + server.port();
    assertEquals(401, status("GET /api/agents", evil, null));
    assertEquals(101, status("WS /ws", evil, null), "the token may come in connect");
  }

  private static List<String> requests() {
    return List.of("WS /ws", "GET /api/agents", "GET /api/channels", "GET /api/channels/general/messages",
        "POST /api/events", "GET /api/unknown");
  }

  /**
   * Sends one request ({@code WS /path} is an upgrade) with this {@code Host} ({@code null}: none, as HTTP/1.0)
   * and returns the status code.
   */
  private int status(String request, String host, String origin) throws IOException {
    String[] parts = request.split(" ", 2);
    boolean ws = parts[0].equals("WS");
    StringBuilder req = new StringBuilder((ws ? "GET" : parts[0]) + " " + parts[1]
        + (host == null ? " HTTP/1.0\r\n" : " HTTP/1.1\r\nHost: " + host + "\r\n"));
    if (origin != null) {
      req.append("Origin: ").append(origin).append("\r\n");
    }
    if (ws) {
      req.append("Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: ")
          .append(KEY).append("\r\n");
    } else {
      req.append("Connection: close\r\n");
    }
    String body = parts[0].equals("POST") ? "{\"event_name\":\"channel.message.posted\",\"destination_id\":"
        + "\"channel:general\",\"payload\":{\"text\":\"rebound\"}}" : "";
    if (!body.isEmpty()) {
      req.append("X-Agent-Id: victim\r\nContent-Type: application/json\r\nContent-Length: ").append(body.length())
          .append("\r\n");
    }
    req.append("\r\n").append(body);
    try (Socket s = new Socket()) {
      s.setSoTimeout((int) RawClient.WAIT.toMillis());
      s.connect(new InetSocketAddress("127.0.0.1", server.port()), (int) RawClient.WAIT.toMillis());
      s.getOutputStream().write(req.toString().getBytes(StandardCharsets.UTF_8));
      InputStream in = s.getInputStream();
      ByteArrayOutputStream line = new ByteArrayOutputStream();
      int b;
      while ((b = in.read()) >= 0 && b != '\n') {
        line.write(b);
      }
      String status = line.toString(StandardCharsets.US_ASCII);
      assertTrue(status.startsWith("HTTP/1."), "status line: " + status);
      return Integer.parseInt(status.split(" ")[1]);
    }
  }
}
