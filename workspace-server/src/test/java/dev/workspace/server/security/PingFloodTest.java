package dev.workspace.server.security;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.workspace.model.CloseCodes;
import dev.workspace.model.FrameCodec;
import dev.workspace.server.ServerOptions;
import dev.workspace.server.WorkspaceServer;
import dev.workspace.server.testing.RawClient;
import dev.workspace.server.testing.TcpWebSocket;
import dev.workspace.server.testing.TestServers;
import io.vertx.core.Vertx;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * WebSocket control frames are frames like any other: each PING counts against the frame budget, and each PONG
 * the server queues counts against the outbound bound, before and after {@code connect}, with or without a token.
 * The attackers here write PINGs and never read until they stop.
 */
class PingFloodTest {
  private static final int SOCKETS = 4;
  private static final int PINGS = 150_000;
  private static final int PER_WRITE = 1_000;
  private static final long HEAP_SLACK = 48L * 1024 * 1024;

  private final Vertx vertx = Vertx.vertx();
  private final ExecutorService writers = Executors.newFixedThreadPool(SOCKETS);
  private final List<TcpWebSocket> sockets = new ArrayList<>();
  private WorkspaceServer server;

  @AfterEach
  void stop() {
    sockets.forEach(TcpWebSocket::close);
    writers.shutdownNow();
    if (server != null) {
      RawClient.await(server.close());
    }
    RawClient.await(vertx.close());
  }

  @Test
  void pingsPastTheFrameBudgetCloseWith4008InTokenModeWithAndWithoutAToken() throws Exception {
    server = TestServers.start(Tokens.tokenMode(options()));
    Tokens tokens = new Tokens(vertx);
    List<Boolean> connected = new ArrayList<>();
    for (int i = 0; i < SOCKETS; i++) {
      TcpWebSocket s = open(0);
      boolean connect = i % 2 == 1;
      if (connect) {
        s.write(TcpWebSocket.text("{\"type\":\"connect\",\"id\":\"c\",\"token\":\"" + tokens.valid("a" + i, "w" + i)
            + "\"}"));
      }
      connected.add(connect);
    }
    long before = heapAfterGc();
    flood();
    long after = heapAfterGc();
    assertTrue(after - before < HEAP_SLACK, "heap grew by " + (after - before) / 1024 + " KiB during the flood");
    int rate = ServerOptions.DEFAULT_MAX_FRAMES_PER_SECOND;
    for (int i = 0; i < SOCKETS; i++) {
      List<TcpWebSocket.Frame> frames = sockets.get(i).readToClose();
      int pongs = checkAnswers(frames, connected.get(i));
      assertEquals(CloseCodes.FLOODING, frames.get(frames.size() - 1).closeCode(), "socket " + i);
      // The burst, plus what the budget refilled while the flood lasted (generously: up to a minute of it).
      assertTrue(pongs >= ServerOptions.DEFAULT_FRAME_BURST && pongs <= ServerOptions.DEFAULT_FRAME_BURST + 60 * rate,
          "socket " + i + " got " + pongs + " pongs");
    }
  }

  @Test
  void pongsPastTheOutboundBoundCloseWith4004BeforeAndAfterConnect() throws Exception {
    server = TestServers.start(options().setMaxFramesPerSecond(0));
    List<Boolean> connected = new ArrayList<>();
    for (int i = 0; i < SOCKETS; i++) {
      TcpWebSocket s = open(16 * 1024);
      boolean connect = i % 2 == 1;
      if (connect) {
        s.write(TcpWebSocket.text("{\"type\":\"connect\",\"id\":\"c\",\"agent_id\":\"a\",\"workspace\":\"w" + i + "\"}"));
      }
      connected.add(connect);
    }
    long before = heapAfterGc();
    flood();
    long after = heapAfterGc();
    assertTrue(after - before < HEAP_SLACK, "heap grew by " + (after - before) / 1024 + " KiB during the flood");
    for (int i = 0; i < SOCKETS; i++) {
      List<TcpWebSocket.Frame> frames = sockets.get(i).readToClose();
      int pongs = checkAnswers(frames, connected.get(i));
      assertEquals(CloseCodes.SLOW_CONSUMER, frames.get(frames.size() - 1).closeCode(), "socket " + i);
      assertTrue(pongs < PINGS, "socket " + i + " was answered every ping: nothing was bounded");
    }
  }

  @Test
  void aBurstOfJsonPingsInOneWriteFromAReaderMeetsRateLimitedThen4008Not4004() throws Exception {
    // The default burst, whose replies alone pass the outbound bound, but a slow refill, so that the outcome does
    // not depend on how fast the server works through the burst.
    server = TestServers.start(TestServers.options().setMaxFramesPerSecond(100));
    TcpWebSocket s = open(0);
    s.write(TcpWebSocket.text("{\"type\":\"connect\",\"id\":\"c\",\"agent_id\":\"bursty\"}"));
    ByteArrayOutputStream burst = new ByteArrayOutputStream();
    int count = 25_000;
    for (int i = 1; i <= count; i++) {
      burst.write(TcpWebSocket.text("{\"type\":\"ping\",\"id\":\"p" + i + "\"}"));
    }
    Future<?> written = writers.submit(() -> {
      s.write(burst.toByteArray());
      return null;
    });
    List<TcpWebSocket.Frame> frames = s.readToClose();
    try {
      written.get(RawClient.WAIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      // the server may close before it has read the whole burst
    }
    assertEquals(TcpWebSocket.CLOSE, frames.get(frames.size() - 1).opcode(), "no close frame");
    assertEquals(CloseCodes.FLOODING, frames.get(frames.size() - 1).closeCode());
    assertEquals("ack", json(frames.get(0)).get("type").asText());
    int pongs = 0;
    int limited = 0;
    for (int i = 1; i < frames.size() - 1; i++) {
      ObjectNode f = json(frames.get(i));
      assertEquals("p" + i, f.path("id").asText(), "answers in order: " + f);
      if ("pong".equals(f.path("type").asText())) {
        pongs++;
      } else {
        assertEquals("rate_limited", f.path("code").asText(), f.toString());
        limited++;
      }
    }
    int answered = frames.size() - 2;
    assertTrue(pongs >= ServerOptions.DEFAULT_FRAME_BURST && pongs < ServerOptions.DEFAULT_FRAME_BURST + 6_000,
        "pongs: " + pongs);
    assertTrue(limited >= ServerOptions.DEFAULT_FRAME_BURST, "rate_limited answers: " + limited);
    assertTrue(answered < count, "every ping was answered: no flood close");
  }

  /** Test options with a handshake timeout long enough that a slow machine still sees the bound close first. */
  private static ServerOptions options() {
    return TestServers.options().setHandshakeTimeout(java.time.Duration.ofSeconds(90));
  }

  private TcpWebSocket open(int receiveBuffer) {
    TcpWebSocket s = TcpWebSocket.open(server.port(), receiveBuffer);
    sockets.add(s);
    return s;
  }

  // Each connected socket is alone in its workspace, so that no presence event reaches it.

  /** Every socket writes {@link #PINGS} PINGs of 125 bytes, a thousand per write, reading nothing meanwhile. */
  private void flood() throws Exception {
    byte[] payload = new byte[125];
    for (int i = 0; i < payload.length; i++) {
      payload[i] = (byte) ('a' + i % 26);
    }
    ByteArrayOutputStream batch = new ByteArrayOutputStream();
    for (int i = 0; i < PER_WRITE; i++) {
      batch.write(TcpWebSocket.frame(TcpWebSocket.PING, true, 0, payload));
    }
    byte[] bytes = batch.toByteArray();
    List<Future<?>> done = new ArrayList<>();
    for (TcpWebSocket s : sockets) {
      done.add(writers.submit(() -> {
        try {
          for (int i = 0; i < PINGS / PER_WRITE; i++) {
            s.write(bytes);
          }
        } catch (IOException e) {
          // the server closed the connection: the flood is over for this socket
        }
        return null;
      }));
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
    for (Future<?> f : done) {
      try {
        f.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      } catch (TimeoutException e) {
        throw new AssertionError("the flood did not end within 90 s: the server stopped reading", e);
      }
    }
  }

  /**
   * Checks that a flooding socket got only PONGs echoing the PING payload, the connect ack if it connected, and a
   * close frame last.
   *
   * @return the number of PONGs
   */
  private static int checkAnswers(List<TcpWebSocket.Frame> frames, boolean connected) {
    assertTrue(!frames.isEmpty() && frames.get(frames.size() - 1).opcode() == TcpWebSocket.CLOSE,
        "the connection ended without a close frame after " + frames.size() + " frames");
    byte[] payload = new byte[125];
    for (int i = 0; i < payload.length; i++) {
      payload[i] = (byte) ('a' + i % 26);
    }
    int pongs = 0;
    int texts = 0;
    for (TcpWebSocket.Frame f : frames.subList(0, frames.size() - 1)) {
      if (f.opcode() == TcpWebSocket.PONG) {
        assertArrayEquals(payload, f.payload());
        pongs++;
      } else {
        assertEquals(TcpWebSocket.TEXT, f.opcode(), "unexpected frame opcode " + f.opcode());
        ObjectNode ack = json(f);
        assertTrue(connected && texts == 0 && "ack".equals(ack.path("type").asText())
            && "c".equals(ack.path("id").asText()), "unexpected frame " + f.text());
        texts++;
      }
    }
    assertEquals(connected ? 1 : 0, texts, "connect acks");
    return pongs;
  }

  private static ObjectNode json(TcpWebSocket.Frame f) {
    return FrameCodec.DEFAULT.parseObject(f.text());
  }

  private static long heapAfterGc() {
    System.gc();
    System.gc();
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }
}
