package dev.workspace.server.edge;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundBuffer;

/**
 * Writes already-encoded text messages to one WebSocket's channel, bypassing the per-frame flush, future and
 * listener of the Vert.x write path: each frame goes to the channel with a void promise and the channel is flushed
 * by its loop's {@link OutboundFlusher} at the end of the turn, or at once when {@link #FLUSH_BYTES} are waiting.
 * The bytes queued for the channel (written and not yet taken by the socket) are Netty's own count, so the bound
 * that cuts off a slow consumer needs no bookkeeping per frame.
 *
 * <p>Confined to the channel's event loop. Frames are sent unmasked and uncompressed, as a server may.
 */
final class FrameWriter {
  /** Bytes written but not flushed after which the channel is flushed without waiting for the turn to end: 64 KiB. */
  static final int FLUSH_BYTES = 64 * 1024;

  private final ChannelHandlerContext ctx;
  private final Channel channel;
  private final OutboundFlusher flusher;
  private final long maxQueuedBytes;
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
   * @param payload UTF-8 JSON; the same array written to several channels in one turn is framed once
   * @return {@code false} if the channel's queue would pass the bound (nothing was written); {@code true} otherwise,
   *     also when the channel is already closed and the frame was dropped
   */
  boolean write(byte[] payload) {
    if (!channel.isActive()) {
      return true;
    }
    if (!room(payload.length)) {
      return false;
    }
    queue(flusher.frame(ctx.alloc(), payload));
    return true;
  }

  /**
   * Queues the answer to a WebSocket ping, counted against the bound like any frame.
   *
   * @param payload the ping's application data, at most 125 bytes
   * @return as {@link #write}
   */
  boolean writePong(byte[] payload) {
    if (!channel.isActive()) {
      return true;
    }
    if (!room(payload.length)) {
      return false;
    }
    queue(TextFrames.encode(ctx.alloc(), TextFrames.PONG, payload));
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
    unflushed = 0;
    ctx.flush();
    return queuedBytes() + size <= maxQueuedBytes;
  }

  private void queue(ByteBuf frame) {
    int size = frame.readableBytes();
    ctx.write(frame, ctx.voidPromise());
    unflushed += size;
    if (unflushed >= FLUSH_BYTES) {
      flushNow();
    } else if (!flushPending) {
      flushPending = true;
      flusher.flushLater(this);
    }
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
    unflushed = 0;
    ctx.writeAndFlush(flusher.frame(ctx.alloc(), payload)).addListener(f -> written.run());
  }

  /** @return whether the channel takes more without passing its high-water mark (and is open) */
  boolean writable() {
    return channel.isActive() && channel.isWritable();
  }

  /** @return bytes written to the channel and not yet taken by the socket */
  long queuedBytes() {
    ChannelOutboundBuffer out = channel.unsafe().outboundBuffer();
    return out == null ? 0 : out.totalPendingWriteBytes();
  }

  void flushNow() {
    flushPending = false;
    if (unflushed > 0) {
      unflushed = 0;
      ctx.flush();
    }
  }
}
