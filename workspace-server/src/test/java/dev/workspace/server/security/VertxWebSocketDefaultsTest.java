package dev.workspace.server.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.workspace.server.testing.RawClient;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.WebSocketFrame;
import io.vertx.core.http.WebSocketFrameType;
import io.vertx.core.http.impl.ws.WebSocketFrameImpl;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What a plain Vert.x 5 WebSocket server does on its own with bad input, measured rather than assumed. These are
 * the reasons the workspace server reassembles frames itself ({@code MessageAssembler}) and maps decoder failures
 * to close codes: without that, invalid UTF-8 is silently replaced, an oversized message leaves the connection
 * open, and an oversized frame drops the TCP connection with no close code at all.
 */
class VertxWebSocketDefaultsTest {
  private static final int FRAME = 1024;
  private static final int MESSAGE = 4096;

  private Vertx vertx;
  private HttpServer server;
  private final CompletableFuture<String> text = new CompletableFuture<>();
  private final CompletableFuture<Throwable> failure = new CompletableFuture<>();
  private final CompletableFuture<Buffer> binary = new CompletableFuture<>();

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    server = vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(0)
        .setMaxWebSocketFrameSize(FRAME).setMaxWebSocketMessageSize(MESSAGE))
        .webSocketHandler(ws -> {
          ws.textMessageHandler(text::complete);
          ws.binaryMessageHandler(binary::complete);
          ws.exceptionHandler(failure::complete);
        });
    RawClient.await(server.listen());
  }

  @AfterEach
  void stop() {
    RawClient.await(server.close());
    RawClient.await(vertx.close());
  }

  @Test
  void invalidUtf8IsSilentlyReplacedNotRefused() throws Exception {
    try (Wire.FrameSocket s = new Wire.FrameSocket(vertx, server.actualPort())) {
      s.write(new WebSocketFrameImpl(WebSocketFrameType.TEXT, new byte[] {'a', (byte) 0xff, 'b'}, true));
      assertEquals("a\ufffdb", text.get(RawClient.WAIT.toMillis(), TimeUnit.MILLISECONDS));
      assertFalse(s.closed.isDone());
    }
  }

  @Test
  void messageOverTheLimitIsAnExceptionAndTheConnectionStaysOpen() throws Exception {
    try (Wire.FrameSocket s = new Wire.FrameSocket(vertx, server.actualPort())) {
      s.write(WebSocketFrame.textFrame("x".repeat(FRAME), false));
      for (int i = 0; i < MESSAGE / FRAME + 1; i++) {
        s.write(WebSocketFrame.continuationFrame(Buffer.buffer("x".repeat(FRAME)), false));
      }
      Throwable t = failure.get(RawClient.WAIT.toMillis(), TimeUnit.MILLISECONDS);
      assertTrue(t instanceof IllegalStateException, t.toString());
      s.write(WebSocketFrame.continuationFrame(Buffer.buffer("x"), true));
      s.write(WebSocketFrame.textFrame("still open", true));
      assertEquals("still open", text.get(RawClient.WAIT.toMillis(), TimeUnit.MILLISECONDS));
      assertFalse(s.closed.isDone());
    }
  }

  @Test
  void frameOverTheLimitDropsTheConnectionWithoutACloseCode() {
    try (Wire.FrameSocket s = new Wire.FrameSocket(vertx, server.actualPort())) {
      s.writeQuietly(WebSocketFrame.textFrame("x".repeat(FRAME + 1), true));
      short code = s.awaitClose();
      assertTrue(code == -1 || code == 1006, "close code " + code);
    }
  }

  @Test
  void binaryFramesAreDeliveredNotRefused() throws Exception {
    try (Wire.FrameSocket s = new Wire.FrameSocket(vertx, server.actualPort())) {
      s.write(WebSocketFrame.binaryFrame(Buffer.buffer("bytes".getBytes(StandardCharsets.UTF_8)), true));
      assertEquals("bytes", binary.get(RawClient.WAIT.toMillis(), TimeUnit.MILLISECONDS).toString());
      assertFalse(s.closed.isDone());
    }
  }
}
