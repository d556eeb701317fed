package dev.workspace.server.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.workspace.model.CloseCodes;
import dev.workspace.server.ServerOptions;
import dev.workspace.server.WorkspaceServer;
import dev.workspace.server.testing.RawClient;
import dev.workspace.server.testing.TestServers;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocketFrame;
import io.vertx.core.http.WebSocketFrameType;
import io.vertx.core.http.impl.ws.WebSocketFrameImpl;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What arrives on the socket before it is JSON: frame and message size, binary frames, invalid UTF-8 and broken
 * fragmentation each close the connection with their documented code, and nothing else is sent; valid fragmented
 * messages (a character split across fragments included) are put back together.
 */
class FrameLimitsTest {
  private static final int FRAME = ServerOptions.DEFAULT_MAX_FRAME_SIZE;
  private static final int MESSAGE = ServerOptions.DEFAULT_MAX_MESSAGE_SIZE;

  private Vertx vertx;
  private WorkspaceServer server;
  private RawClient bystander;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    server = TestServers.start(TestServers.options());
    bystander = RawClient.connect(vertx, server.port(), "bystander");
  }

  @AfterEach
  void stop() {
    bystander.assertNothingElse();
    bystander.close();
    RawClient.await(server.close());
    RawClient.await(vertx.close());
  }

  @Test
  void frameOverTheLimitIsClosedWith1009() {
    try (Wire.FrameSocket s = new Wire.FrameSocket(vertx, server.port())) {
      s.writeQuietly(WebSocketFrame.textFrame(pingPaddedTo(FRAME + 1), true));
      assertEquals(CloseCodes.MESSAGE_TOO_BIG, s.awaitClose());
      assertTrue(s.frames.isEmpty(), "nothing but the close: " + s.frames);
    }
  }

  @Test
  void oversizedFrameInTheSameReadAsGoodOnesStillGets1009() {
    for (int round = 0; round < 5; round++) {
      try (Wire.FrameSocket s = new Wire.FrameSocket(vertx, server.port())) {
        for (int i = 0; i < 20; i++) {
          s.socket.writeFrame(WebSocketFrame.textFrame("{\"type\":\"ping\",\"id\":\"q" + i + "\"}", true));
        }
        s.writeQuietly(WebSocketFrame.textFrame(pingPaddedTo(FRAME + 1), true));
        assertEquals(CloseCodes.MESSAGE_TOO_BIG, s.awaitClose());
      }
    }
  }

  @Test
  void frameAtTheLimitIsAccepted() {
    try (Wire.FrameSocket s = new Wire.FrameSocket(vertx, server.port())) {
      s.write(WebSocketFrame.textFrame(pingPaddedTo(FRAME), true));
      assertEquals("pong", s.next().get("type").asText());
    }
  }

  @Test
  void messageOverTheLimitAcrossFragmentsIsClosedWith1009() {
    try (Wire.FrameSocket s = new Wire.FrameSocket(vertx, server.port())) {
      String chunk = " ".repeat(FRAME / 2);
      s.write(WebSocketFrame.textFrame("{\"type\":\"ping\",\"id\":\"big\",\"pad\":\"", false));
      int sent = 0;
      while (sent <= MESSAGE && !s.closed.isDone()) {
        s.writeQuietly(WebSocketFrame.continuationFrame(Buffer.buffer(chunk), false));
        sent += chunk.length();
      }
      assertEquals(CloseCodes.MESSAGE_TOO_BIG, s.awaitClose());
      assertTrue(s.frames.isEmpty(), "nothing but the close: " + s.frames);
    }
  }

  @Test
  void fragmentedMessageUnderTheLimitIsReassembledEvenWithACharacterSplitAcrossFragments() {
    try (Wire.FrameSocket s = new Wire.FrameSocket(vertx, server.port())) {
      byte[] euro = "\u20ac".getBytes(StandardCharsets.UTF_8);
      s.write(WebSocketFrame.textFrame("{\"type\":\"ping\",\"id\":\"x", false));
      s.write(WebSocketFrame.continuationFrame(Buffer.buffer(new byte[] {euro[0]}), false));
      s.write(WebSocketFrame.continuationFrame(Buffer.buffer(new byte[] {euro[1], euro[2]}), false));
      s.write(WebSocketFrame.continuationFrame(Buffer.buffer("\"}"), true));
      ObjectNode pong = s.next();
      assertEquals("pong", pong.get("type").asText());
      assertEquals("x\u20ac", pong.get("id").asText());
    }
  }

  @Test
  void binaryFrameIsClosedWith1003() {
    try (Wire.FrameSocket s = new Wire.FrameSocket(vertx, server.port())) {
      s.writeQuietly(WebSocketFrame.binaryFrame(Buffer.buffer("{\"type\":\"ping\"}"), true));
      assertEquals(CloseCodes.UNSUPPORTED_DATA, s.awaitClose());
      assertTrue(s.frames.isEmpty(), "nothing but the close: " + s.frames);
    }
  }

  @Test
  void invalidUtf8IsClosedWith1007() {
    try (Wire.FrameSocket s = new Wire.FrameSocket(vertx, server.port())) {
      byte[] bad = "{\"type\":\"ping\",\"id\":\"\u00e9\"}".getBytes(StandardCharsets.UTF_8);
      bad[bad.length - 4] = (byte) 0xff;
      s.writeQuietly(new WebSocketFrameImpl(WebSocketFrameType.TEXT, bad, true));
      assertEquals(CloseCodes.INVALID_PAYLOAD, s.awaitClose());
      assertTrue(s.frames.isEmpty(), "nothing but the close: " + s.frames);
    }
  }

  @Test
  void overlongAndSurrogateEncodingsAreInvalidUtf8() {
    byte[][] cases = {
        {'{', '"', (byte) 0xc0, (byte) 0xaf, '"', ':', '1', '}'},
        {'{', '"', (byte) 0xed, (byte) 0xa0, (byte) 0x80, '"', ':', '1', '}'},
        {'{', '"', (byte) 0xe2, (byte) 0x82},
    };
    for (byte[] bad : cases) {
      try (Wire.FrameSocket s = new Wire.FrameSocket(vertx, server.port())) {
        s.writeQuietly(new WebSocketFrameImpl(WebSocketFrameType.TEXT, bad, true));
        assertEquals(CloseCodes.INVALID_PAYLOAD, s.awaitClose());
      }
    }
  }

  @Test
  void continuationWithoutAMessageIsAProtocolError() {
    try (Wire.FrameSocket s = new Wire.FrameSocket(vertx, server.port())) {
      s.writeQuietly(WebSocketFrame.continuationFrame(Buffer.buffer("{}"), true));
      assertEquals(CloseCodes.PROTOCOL_ERROR, s.awaitClose());
    }
  }

  @Test
  void newMessageInsideAFragmentedOneIsAProtocolError() {
    try (Wire.FrameSocket s = new Wire.FrameSocket(vertx, server.port())) {
      s.write(WebSocketFrame.textFrame("{\"type\":", false));
      s.writeQuietly(WebSocketFrame.textFrame("{\"type\":\"ping\"}", true));
      assertEquals(CloseCodes.PROTOCOL_ERROR, s.awaitClose());
    }
  }

  private static String pingPaddedTo(int bytes) {
    String head = "{\"type\":\"ping\",\"id\":\"p\",\"pad\":\"";
    String tail = "\"}";
    return head + "x".repeat(bytes - head.length() - tail.length()) + tail;
  }
}
