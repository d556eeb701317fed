package dev.workspace.server.edge;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.DefaultEventLoopGroup;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.local.LocalIoHandler;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.local.LocalAddress;
import io.netty.channel.local.LocalChannel;
import io.netty.channel.local.LocalServerChannel;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameDecoder;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The write path on Netty's in-memory transport, one I/O event loop as the server runs: frames written in one loop
 * turn, by any of its tasks, leave with one flush at the end of the turn (or one per {@link FrameWriter#FLUSH_BYTES}),
 * a lone frame is flushed at the end of its turn with nothing else written (on a plain executor, by the next task),
 * the frames of a turn reach each channel as one direct buffer in the order written, the peer decodes RFC 6455 text
 * frames with Netty's own decoder, and the queue bound, which counts the frames still pending, refuses a write.
 */
class FrameWriterTest {
  private EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, LocalIoHandler.newFactory());
  private final LocalAddress address = new LocalAddress("frame-writer-" + UUID.randomUUID());
  private final LinkedBlockingQueue<String> received = new LinkedBlockingQueue<>();
  private final List<Integer> buffersSeen = new ArrayList<>();
  private final List<Boolean> direct = new ArrayList<>();
  private final List<Channel> channels = new ArrayList<>();

  /** Counts flushes; while {@code hold} is set it swallows them, so written bytes stay queued as for a peer that does not read. */
  private static final class Flushes extends ChannelOutboundHandlerAdapter {
    volatile int count;
    volatile boolean hold;

    @Override
    public void flush(ChannelHandlerContext ctx) {
      count++;
      if (!hold) {
        ctx.flush();
      }
    }
  }

  @AfterEach
  void stop() throws Exception {
    for (Channel c : channels) {
      c.close().sync();
    }
    group.shutdownGracefully(0, 5, TimeUnit.SECONDS).sync();
  }

  private Channel serve() throws Exception {
    Channel server = new ServerBootstrap().group(group).channel(LocalServerChannel.class)
        .childHandler(new ChannelInitializer<LocalChannel>() {
          @Override
          protected void initChannel(LocalChannel ch) {
            ch.pipeline().addLast(new ChannelInboundHandlerAdapter() {
              @Override
              public void channelRead(ChannelHandlerContext ctx, Object msg) {
                synchronized (buffersSeen) {
                  buffersSeen.add(((ByteBuf) msg).readableBytes());
                  direct.add(((ByteBuf) msg).isDirect());
                }
                ctx.fireChannelRead(msg);
              }
            }, new WebSocket13FrameDecoder(WebSocketDecoderConfig.newBuilder().expectMaskedFrames(false)
                .maxFramePayloadLength(1 << 20).build()),
                new SimpleChannelInboundHandler<TextWebSocketFrame>() {
                  @Override
                  protected void channelRead0(ChannelHandlerContext ctx, TextWebSocketFrame f) {
                    received.add(f.text());
                  }
                });
          }
        }).bind(address).sync().channel();
    channels.add(server);
    return server;
  }

  private Channel connect(Flushes flushes) throws Exception {
    Channel ch = new Bootstrap().group(group).channel(LocalChannel.class)
        .handler(new ChannelInitializer<LocalChannel>() {
          @Override
          protected void initChannel(LocalChannel c) {
            c.pipeline().addLast(flushes, new ChannelInboundHandlerAdapter());
          }
        }).connect(address).sync().channel();
    channels.add(0, ch);
    return ch;
  }

  private static <T> T onLoop(Channel ch, Callable<T> task) throws Exception {
    return ch.eventLoop().submit(task).get(10, TimeUnit.SECONDS);
  }

  private List<String> take(int n) throws InterruptedException {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      String s = received.poll(10, TimeUnit.SECONDS);
      assertNotNull(s, "frame " + i + " of " + n + " did not arrive");
      out.add(s);
    }
    return out;
  }

  @Test
  void aLoneFrameIsFlushedAtTheEndOfItsTurnAndABurstByOneFlush() throws Exception {
    serve();
    Flushes flushes = new Flushes();
    Channel ch = connect(flushes);
    FrameWriter writer = onLoop(ch, () -> new FrameWriter(ch.pipeline().lastContext(), 1 << 20));
    int before = onLoop(ch, () -> {
      assertTrue(writer.write(bytes("{\"n\":1}")));
      return flushes.count;
    });
    assertEquals(0, before, "nothing is flushed while the task that wrote runs");
    assertEquals(List.of("{\"n\":1}"), take(1));
    assertEquals(1, (int) onLoop(ch, () -> flushes.count));
    onLoop(ch, () -> {
      for (int i = 0; i < 100; i++) {
        assertTrue(writer.write(bytes("{\"n\":" + i + "}")));
      }
      return null;
    });
    List<String> texts = take(100);
    for (int i = 0; i < 100; i++) {
      assertEquals("{\"n\":" + i + "}", texts.get(i));
    }
    assertEquals(2, (int) onLoop(ch, () -> flushes.count), "a burst of 100 frames is one flush");
    assertEquals(2, (int) onLoop(ch, () -> flushes.count), "no flush without a write");
    assertNull(received.poll());
  }

  @Test
  void framesWrittenByLaterTasksOfTheSameTurnLeaveWithTheSameFlush() throws Exception {
    serve();
    Flushes flushes = new Flushes();
    Channel ch = connect(flushes);
    FrameWriter writer = onLoop(ch, () -> new FrameWriter(ch.pipeline().lastContext(), 1 << 20));
    java.util.concurrent.CompletableFuture<Integer> flushesWhenLastTaskRan = new java.util.concurrent.CompletableFuture<>();
    ch.eventLoop().execute(() -> {
      assertTrue(writer.write(bytes("{\"n\":1}")));
      ch.eventLoop().execute(() -> {
        assertTrue(writer.write(bytes("{\"n\":2}")));
        ch.eventLoop().execute(() -> {
          assertTrue(writer.write(bytes("{\"n\":3}")));
          flushesWhenLastTaskRan.complete(flushes.count);
        });
      });
    });
    assertEquals(0, (int) flushesWhenLastTaskRan.get(10, TimeUnit.SECONDS), "no flush between the turn's tasks");
    assertEquals(List.of("{\"n\":1}", "{\"n\":2}", "{\"n\":3}"), take(3));
    assertEquals(1, (int) onLoop(ch, () -> flushes.count), "three tasks of one turn, one flush");
    assertNull(received.poll());
  }

  @Test
  void onAPlainExecutorALoneFrameIsFlushedByTheNextTask() throws Exception {
    group.shutdownGracefully(0, 5, TimeUnit.SECONDS).sync();
    group = new DefaultEventLoopGroup(1);
    serve();
    Flushes flushes = new Flushes();
    Channel ch = connect(flushes);
    FrameWriter writer = onLoop(ch, () -> new FrameWriter(ch.pipeline().lastContext(), 1 << 20));
    assertEquals(0, (int) onLoop(ch, () -> {
      assertTrue(writer.write(bytes("{\"n\":1}")));
      return flushes.count;
    }));
    assertEquals(List.of("{\"n\":1}"), take(1));
    assertEquals(1, (int) onLoop(ch, () -> flushes.count));
    assertNull(received.poll());
  }

  @Test
  void aTurnWithMoreThanTheFlushThresholdFlushesAsItGoes() throws Exception {
    serve();
    Flushes flushes = new Flushes();
    Channel ch = connect(flushes);
    FrameWriter writer = onLoop(ch, () -> new FrameWriter(ch.pipeline().lastContext(), 1 << 22));
    byte[] payload = bytes("y".repeat(1000));
    int frames = 4 * FrameWriter.FLUSH_BYTES / 1000;
    int during = onLoop(ch, () -> {
      for (int i = 0; i < frames; i++) {
        assertTrue(writer.write(payload));
      }
      return flushes.count;
    });
    assertEquals(3, during);
    assertEquals(frames, take(frames).size());
    assertEquals(4, (int) onLoop(ch, () -> flushes.count));
  }

  @Test
  void theFramesOfATurnGoToEachChannelAsOneBuffer() throws Exception {
    serve();
    Channel a = connect(new Flushes());
    Channel b = connect(new Flushes());
    FrameWriter wa = onLoop(a, () -> new FrameWriter(a.pipeline().lastContext(), 1 << 20));
    FrameWriter wb = onLoop(b, () -> new FrameWriter(b.pipeline().lastContext(), 1 << 20));
    byte[] payload = bytes("x".repeat(300));
    onLoop(a, () -> {
      for (int i = 0; i < 3; i++) {
        wa.write(payload);
        wb.write(payload);
      }
      return null;
    });
    assertEquals(java.util.Collections.nCopies(6, "x".repeat(300)), take(6));
    synchronized (buffersSeen) {
      assertEquals(List.of(3 * (4 + 300), 3 * (4 + 300)), buffersSeen, "one buffer per channel for its three frames");
      assertEquals(List.of(true, true), direct);
    }
    byte[] frame = new byte[4 + 300];
    ByteBuf one = TextFrames.encode(io.netty.buffer.UnpooledByteBufAllocator.DEFAULT, payload);
    one.readBytes(frame);
    one.release();
    byte[] header = {(byte) 0x81, 126, 1, 44};
    assertArrayEquals(header, java.util.Arrays.copyOf(frame, 4));
    assertNull(received.poll());
  }

  @Test
  void framesOfAllSizesKeepTheirOrderPastThePendingBuffersSize() throws Exception {
    serve();
    Flushes flushes = new Flushes();
    Channel ch = connect(flushes);
    FrameWriter writer = onLoop(ch, () -> new FrameWriter(ch.pipeline().lastContext(), 1 << 20));
    List<String> sent = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      sent.add(i + ":" + "z".repeat(i % 7 == 0 ? 3 * FrameWriter.PENDING_BYTES + i : i * 11));
      if (i == 20) {
        sent.add("w".repeat(70000));
      }
    }
    onLoop(ch, () -> {
      for (String s : sent) {
        assertTrue(writer.write(bytes(s)));
      }
      return null;
    });
    assertEquals(sent, take(sent.size()));
    assertEquals(2, (int) onLoop(ch, () -> flushes.count), "at once past 64 KiB, then at the end of the turn");
    assertEquals(0, (int) onLoop(ch, () -> (int) writer.queuedBytes()));
    assertNull(received.poll());
  }

  @Test
  void aWriteThatWouldPassTheBoundIsRefusedOnlyWhileThePeerTakesNothing() throws Exception {
    serve();
    Flushes flushes = new Flushes();
    flushes.hold = true;
    Channel ch = connect(flushes);
    FrameWriter writer = onLoop(ch, () -> new FrameWriter(ch.pipeline().lastContext(), 300));
    onLoop(ch, () -> {
      assertTrue(writer.write(bytes("a".repeat(100))));
      assertTrue(writer.write(bytes("b".repeat(100))));
      assertTrue(writer.queuedBytes() >= 204, "queued " + writer.queuedBytes());
      assertFalse(writer.write(bytes("c".repeat(100))));
      assertFalse(writer.writePong(bytes("p".repeat(100))));
      return null;
    });
    flushes.hold = false;
    assertTrue(onLoop(ch, () -> writer.write(bytes("d".repeat(100)))), "the queue is flushed before judging it full");
    assertEquals(List.of("a".repeat(100), "b".repeat(100), "d".repeat(100)), take(3));
    onLoop(ch, () -> writer.write(bytes("e")));
    assertEquals(List.of("e"), take(1), "the refused frames were never sent");
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
