package dev.workspace.server.security;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.workspace.model.CloseCodes;
import dev.workspace.model.FrameCodec;
import dev.workspace.server.WorkspaceServer;
import dev.workspace.server.testing.RawClient;
import dev.workspace.server.testing.TcpWebSocket;
import dev.workspace.server.testing.TestServers;
import io.vertx.core.Vertx;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Frames below JSON that the rate limit and RFC 6455 must see: reserved bits, empty continuations and unsolicited
 * PONGs, written raw in one write as an attacker would.
 */
class ControlFramesTest {
  private static final byte[] EMPTY = new byte[0];

  private final Vertx vertx = Vertx.vertx();
  private WorkspaceServer server;
  private TcpWebSocket socket;

  @BeforeEach
  void start() {
    server = TestServers.start(TestServers.options().setMaxFramesPerSecond(100).setFrameBurst(50));
  }

  @AfterEach
  void stop() {
    if (socket != null) {
      socket.close();
    }
    RawClient.await(server.close());
    RawClient.await(vertx.close());
  }

  @Test
  void aTextFrameWithAReservedBitAndNoExtensionClosesWith1002Unprocessed() throws IOException {
    for (int rsv = 1; rsv <= 4; rsv <<= 1) {
      socket = TcpWebSocket.open(server.port(), 0);
      socket.write(TcpWebSocket.frame(TcpWebSocket.TEXT, true, rsv,
          "{\"type\":\"connect\",\"id\":\"c\",\"agent_id\":\"rsv\"}".getBytes(StandardCharsets.UTF_8)));
      List<TcpWebSocket.Frame> frames = socket.readToClose();
      assertEquals(1, frames.size(), "only a close frame, no ack: " + frames);
      assertEquals(CloseCodes.PROTOCOL_ERROR, frames.get(0).closeCode(), "rsv " + rsv);
      socket.close();
    }
  }

  @Test
  void aPingWithAReservedBitClosesWith1002AndGetsNoPong() throws IOException {
    socket = TcpWebSocket.open(server.port(), 0);
    socket.write(TcpWebSocket.frame(TcpWebSocket.PING, true, 4, "x".getBytes(StandardCharsets.UTF_8)));
    List<TcpWebSocket.Frame> frames = socket.readToClose();
    assertEquals(1, frames.size(), "only a close frame: " + frames);
    assertEquals(CloseCodes.PROTOCOL_ERROR, frames.get(0).closeCode());
  }

  @Test
  void endlessEmptyContinuationFramesCountAgainstTheRateAndCloseWith4008() throws IOException {
    socket = TcpWebSocket.open(server.port(), 0);
    ByteArrayOutputStream flood = new ByteArrayOutputStream();
    flood.write(TcpWebSocket.frame(TcpWebSocket.TEXT, false, 0, "{".getBytes(StandardCharsets.UTF_8)));
    for (int i = 0; i < 5_000; i++) {
      flood.write(TcpWebSocket.frame(TcpWebSocket.CONTINUATION, false, 0, EMPTY));
    }
    writeQuietly(flood.toByteArray());
    List<TcpWebSocket.Frame> frames = socket.readToClose();
    assertEquals(1, frames.size(), "only a close frame: " + frames);
    assertEquals(CloseCodes.FLOODING, frames.get(0).closeCode());
  }

  @Test
  void aMessageWithAFragmentPastTheBudgetIsRateLimitedWithItsId() throws IOException {
    socket = TcpWebSocket.open(server.port(), 0);
    socket.write(TcpWebSocket.text("{\"type\":\"connect\",\"id\":\"c\",\"agent_id\":\"frag\"}"));
    assertEquals("ack", json(socket.read()).path("type").asText());
    ByteArrayOutputStream burst = new ByteArrayOutputStream();
    // 49 frames left in the burst: a message of 60 fragments passes it.
    burst.write(TcpWebSocket.frame(TcpWebSocket.TEXT, false, 0, "{\"type\":\"ping\",".getBytes(StandardCharsets.UTF_8)));
    for (int i = 0; i < 58; i++) {
      burst.write(TcpWebSocket.frame(TcpWebSocket.CONTINUATION, false, 0, " ".getBytes(StandardCharsets.UTF_8)));
    }
    burst.write(TcpWebSocket.frame(TcpWebSocket.CONTINUATION, true, 0, "\"id\":\"long\"}".getBytes(StandardCharsets.UTF_8)));
    socket.write(burst.toByteArray());
    ObjectNode answer = json(socket.read());
    assertEquals("error", answer.path("type").asText(), answer.toString());
    assertEquals("rate_limited", answer.path("code").asText());
    assertEquals("long", answer.path("id").asText());
  }

  @Test
  void unsolicitedPongFramesCountAgainstTheRateAndCloseWith4008() throws IOException {
    socket = TcpWebSocket.open(server.port(), 0);
    ByteArrayOutputStream flood = new ByteArrayOutputStream();
    for (int i = 0; i < 5_000; i++) {
      flood.write(TcpWebSocket.frame(TcpWebSocket.PONG, true, 0, EMPTY));
    }
    writeQuietly(flood.toByteArray());
    List<TcpWebSocket.Frame> frames = socket.readToClose();
    assertEquals(1, frames.size(), "only a close frame: " + frames);
    assertEquals(CloseCodes.FLOODING, frames.get(0).closeCode());
  }

  @Test
  void aJsonPingBeforeConnectIsAnsweredAndOtherFramesGetNotConnected() throws IOException {
    socket = TcpWebSocket.open(server.port(), 0);
    socket.write(TcpWebSocket.text("{\"type\":\"ping\",\"id\":\"early\"}"));
    ObjectNode pong = json(socket.read());
    assertEquals("pong", pong.path("type").asText());
    assertEquals("early", pong.path("id").asText());
    socket.write(TcpWebSocket.text("{\"type\":\"list_agents\",\"id\":\"l\"}"));
    ObjectNode err = json(socket.read());
    assertEquals("not_connected", err.path("code").asText());
    assertEquals("l", err.path("id").asText());
  }

  private void writeQuietly(byte[] bytes) {
    try {
      socket.write(bytes);
    } catch (IOException e) {
      // closed before the server read it all: the close frame tells why
    }
  }

  private static ObjectNode json(TcpWebSocket.Frame f) {
    assertEquals(TcpWebSocket.TEXT, f.opcode(), "a text frame");
    return FrameCodec.DEFAULT.parseObject(f.text());
  }
}
