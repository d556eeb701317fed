package dev.workspace.server.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.workspace.model.CloseCodes;
import dev.workspace.server.WorkspaceServer;
import dev.workspace.server.testing.RawClient;
import dev.workspace.server.testing.TestServers;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Connections that never authenticate are cut off once the handshake timeout passes, whatever stage they stall at:
 * a TCP connection with no HTTP request, a half-sent HTTP request, a WebSocket with no {@code connect}, one that
 * keeps sending other frames, one whose token never comes. An authenticated agent connected throughout is not
 * disturbed.
 */
class HandshakeTimeoutTest {
  private static final Duration TIMEOUT = Duration.ofMillis(500);

  private Vertx vertx;
  private WorkspaceServer server;
  private Tokens tokens;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    tokens = new Tokens(vertx);
    server = TestServers.start(Tokens.tokenMode(TestServers.options()).setHandshakeTimeout(TIMEOUT));
  }

  @AfterEach
  void stop() {
    RawClient.await(server.close());
    RawClient.await(vertx.close());
  }

  @Test
  void everyStalledConnectionIsClosedAfterTheTimeout() throws Exception {
    try (RawClient agent = RawClient.open(vertx, server.port(), "/ws",
        Map.of("Authorization", "Bearer " + tokens.valid("steady", "alpha")))) {
      ObjectNode ack = agent.request("{\"type\":\"connect\",\"subscriptions\":[]}");
      assertEquals("ack", ack.get("type").asText());

      long started = System.nanoTime();
      NetClient tcp = vertx.createNetClient();
      List<CompletableFuture<Void>> tcpClosed = new ArrayList<>();
      for (int i = 0; i < 10; i++) {
        tcpClosed.add(closedFuture(RawClient.await(tcp.connect(server.port(), "127.0.0.1"))));
      }
      for (int i = 0; i < 5; i++) {
        NetSocket half = RawClient.await(tcp.connect(server.port(), "127.0.0.1"));
        tcpClosed.add(closedFuture(half));
        RawClient.await(half.write("GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"));
      }
      List<RawClient> silent = new ArrayList<>();
      List<RawClient> chatty = new ArrayList<>();
      List<RawClient> tokenless = new ArrayList<>();
      try {
        for (int i = 0; i < 10; i++) {
          silent.add(RawClient.open(vertx, server.port()));
        }
        for (int i = 0; i < 5; i++) {
          RawClient c = RawClient.open(vertx, server.port());
          chatty.add(c);
          ObjectNode err = c.request("{\"type\":\"join\",\"channel\":\"general\"}");
          assertEquals("not_connected", err.get("code").asText());
          err = c.request("{\"type\":\"list_agents\"}");
          assertEquals("not_connected", err.get("code").asText());
        }
        for (int i = 0; i < 5; i++) {
          RawClient c = RawClient.open(vertx, server.port(), "/ws",
              Map.of("Authorization", "Bearer " + tokens.valid("slow" + i, "alpha")));
          tokenless.add(c);
          assertEquals("forbidden", c.request("{\"type\":\"connect\",\"agent_id\":\"someone-else\"}").get("code")
              .asText());
        }
        for (RawClient c : silent) {
          assertEquals(CloseCodes.HANDSHAKE_TIMEOUT, c.awaitClose());
          assertTrue(c.drain().isEmpty());
        }
        for (RawClient c : chatty) {
          assertEquals(CloseCodes.HANDSHAKE_TIMEOUT, c.awaitClose());
          assertTrue(c.drain().isEmpty());
        }
        for (RawClient c : tokenless) {
          assertEquals(CloseCodes.HANDSHAKE_TIMEOUT, c.awaitClose());
          assertTrue(c.drain().isEmpty());
        }
        for (CompletableFuture<Void> closed : tcpClosed) {
          closed.get(RawClient.WAIT.toMillis(), TimeUnit.MILLISECONDS);
        }
        long tookMs = (System.nanoTime() - started) / 1_000_000;
        assertTrue(tookMs >= TIMEOUT.toMillis() && tookMs < TIMEOUT.toMillis() + 5_000, "took " + tookMs + " ms");
      } finally {
        silent.forEach(RawClient::close);
        chatty.forEach(RawClient::close);
        tokenless.forEach(RawClient::close);
        tcp.close();
      }
      agent.assertNothingElse();
    }
  }

  @Test
  void connectWithoutATokenIsRefusedAtOnceNotAtTheTimeout() {
    try (RawClient c = RawClient.open(vertx, server.port())) {
      long started = System.nanoTime();
      assertEquals("unauthorized", c.request("{\"type\":\"connect\",\"agent_id\":\"anon\"}").get("code").asText());
      assertEquals(CloseCodes.UNAUTHORIZED, c.awaitClose());
      assertTrue((System.nanoTime() - started) / 1_000_000 < TIMEOUT.toMillis());
    }
  }

  private static CompletableFuture<Void> closedFuture(NetSocket socket) {
    Promise<Void> closed = Promise.promise();
    socket.closeHandler(v -> closed.tryComplete());
    socket.handler(b -> { });
    return closed.future().toCompletionStage().toCompletableFuture();
  }
}
