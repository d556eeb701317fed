package dev.workspace.server.edge;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundBuffer;

/**
 * Writes already-encoded text messages to one WebSocket's channel, bypassing the per-frame flush, future and
 * listener of the Vert.x write path. The frames one loop turn writes to a connection are framed straight into one
 * pending direct buffer, which goes down the channel's pipeline as a single write when its loop's
 * {@link OutboundFlusher} flushes at the end of the turn, or at once when {@link #FLUSH_BYTES} are waiting: a frame
 * costs a copy of its bytes, not a pipeline walk, an outbound-buffer entry and a buffer object of its own. The
 * bytes counted against the outbound bound are those pending here plus those written and not yet taken by the
 * socket (Netty's own count).
 *
 * <p>Anything else written to the channel (the close frame) must come after {@link #flushNow} so it does not
 * overtake what is pending. Confined to the channel's event loop. Frames are sent unmasked and uncompressed, as a
 * server may.
 */
final class FrameWriter {
  /** Bytes written but not flushed after which the channel is flushed without waiting for the turn to end: 64 KiB. */
  static final int FLUSH_BYTES = 64 * 1024;

  /** The smallest pending buffer taken for a turn's frames: 1 KiB (about seven 128-byte deliveries). */
  static final int PENDING_BYTES = 1024;

  /**
   * Where pending buffers come from: Netty's pooled allocator, whose buffers lend the socket their cached NIO view
   * (the channel's own allocator makes a new view object for every buffer written).
   */
  private static final ByteBufAllocator ALLOC = PooledByteBufAllocator.DEFAULT;

  private final ChannelHandlerContext ctx;
  private final Channel channel;
  private final OutboundFlusher flusher;
  private final long maxQueuedBytes;
  private ByteBuf pending;
  private int lastTurnBytes;
  private boolean flushPending;
  private int unflushed;

  /**
   * @param ctx the context of the handler at the end of the WebSocket's pipeline (frames pass its encoders)
   * @param maxQueuedBytes the outbound bound: a write that would queue more is refused
   */
  FrameWriter(ChannelHandlerContext ctx, long maxQueuedBytes) {
    this.ctx = ctx;
    this.channel = ctx.channel();
    this.flusher = OutboundFlusher.current(ctx.executor());
    this.maxQueuedBytes = maxQueuedBytes;
  }

  /**
   * Queues one text message for the socket.
   *
   * @param payload UTF-8 JSON
   * @return {@code false} if the channel's queue would pass the bound (nothing was written); {@code true} otherwise,
   *     also when the channel is already closed and the frame was dropped
   */
  boolean write(byte[] payload) {
    return queue(TextFrames.TEXT, payload);
  }

  /**
   * Queues the answer to a WebSocket ping, counted against the bound like any frame.
   *
   * @param payload the ping's application data, at most 125 bytes
   * @return as {@link #write}
   */
  boolean writePong(byte[] payload) {
    return queue(TextFrames.PONG, payload);
  }

  private boolean queue(int firstByte, byte[] payload) {
    if (!channel.isActive()) {
      return true;
    }
    int size = TextFrames.size(payload.length);
    if (!room(size)) {
      return false;
    }
    if (pending != null && pending.writableBytes() < size) {
      int grown = Math.min(FLUSH_BYTES, 2 * pending.capacity());
      ctx.write(pending, ctx.voidPromise());
      pending = ALLOC.directBuffer(Math.max(size, grown));
    } else if (pending == null) {
      pending = ALLOC.directBuffer(Math.max(size, Math.max(PENDING_BYTES, lastTurnBytes)));
    }
    TextFrames.write(pending, firstByte, payload);
    unflushed += size;
    if (unflushed >= FLUSH_BYTES) {
      flushNow();
    } else if (!flushPending) {
      flushPending = true;
      flusher.flushLater(this);
    }
    return true;
  }

  /**
   * Whether {@code size} more bytes fit under the bound. Before judging it passed, what waits for the end of the
   * turn is flushed, so that only bytes the peer has not taken count, not replies to a burst that arrived at once.
   */
  private boolean room(int size) {
    if (queuedBytes() + size <= maxQueuedBytes) {
      return true;
    }
    flushPending = false;
    writePending();
    unflushed = 0;
    ctx.flush();
    return queuedBytes() + size <= maxQueuedBytes;
  }

  /**
   * Writes and flushes one text message after everything queued, and runs {@code written} once the socket has taken
   * it (or failed to); at once when the channel is closed.
   */
  void writeLast(byte[] payload, Runnable written) {
    if (!channel.isActive()) {
      written.run();
      return;
    }
    writePending();
    unflushed = 0;
    ctx.writeAndFlush(TextFrames.encode(ctx.alloc(), payload)).addListener(f -> written.run());
  }

  /** @return whether the channel takes more without passing its high-water mark (and is open) */
  boolean writable() {
    return channel.isActive() && channel.isWritable();
  }

  /** @return bytes queued for the channel (pending here, or written to it) and not yet taken by the socket */
  long queuedBytes() {
    ChannelOutboundBuffer out = channel.unsafe().outboundBuffer();
    long written = out == null ? 0 : out.totalPendingWriteBytes();
    return pending == null ? written : written + pending.readableBytes();
  }

  /** Writes what is pending to the channel and flushes it; what a closed channel can no longer take is let go. */
  void flushNow() {
    flushPending = false;
    writePending();
    if (unflushed > 0) {
      lastTurnBytes = Math.min(FLUSH_BYTES, unflushed);
      unflushed = 0;
      ctx.flush();
    }
  }

  private void writePending() {
    ByteBuf p = pending;
    if (p != null) {
      pending = null;
      if (channel.isActive()) {
        ctx.write(p, ctx.voidPromise());
      } else {
        p.release();
      }
    }
  }
}
