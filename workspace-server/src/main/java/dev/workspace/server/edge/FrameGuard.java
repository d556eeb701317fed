package dev.workspace.server.edge;

import dev.workspace.model.CloseCodes;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.util.ReferenceCountUtil;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.internal.http.WebSocketInternal;

/**
 * Sits in a WebSocket's Netty pipeline just before Vert.x's own handler, where every decoded (and decompressed)
 * frame passes, control frames included. It refuses a frame with reserved bits set (no extension left any for us:
 * permessage-deflate clears its own bit before this point) with 1002, and takes WebSocket PING frames away from
 * Vert.x, which would otherwise answer each one with a PONG outside any bound: the connection decides whether a
 * ping is within its frame budget and writes the pong itself, counted against its outbound bound. Runs on the
 * connection's event loop.
 */
final class FrameGuard extends ChannelInboundHandlerAdapter {
  /** Receives what the guard takes out of the stream. */
  interface Listener {
    /**
     * A PING frame arrived.
     *
     * @param payload its application data, at most 125 bytes
     */
    void ping(Buffer payload);

    /** The peer broke a rule; the connection must be closed with this code. */
    void violation(short code, String reason);

    /** The channel became writable again: what waited for the socket fell below the low-water mark. */
    void writable();
  }

  static final String NAME = "workspace-frame-guard";

  private final Listener listener;
  private boolean broken;

  private FrameGuard(Listener listener) {
    this.listener = listener;
  }

  /**
   * Puts a guard in front of the socket's Vert.x handler.
   *
   * @param socket the accepted socket, on its event loop
   * @param listener where pings and violations go
   * @return false when the socket exposes no pipeline (then Vert.x answers pings itself)
   */
  static boolean install(ServerWebSocket socket, Listener listener) {
    if (!(socket instanceof WebSocketInternal internal)) {
      return false;
    }
    ChannelHandlerContext vertxHandler = internal.channelHandlerContext();
    if (vertxHandler.pipeline().get(NAME) == null) {
      vertxHandler.pipeline().addBefore(vertxHandler.name(), NAME, new FrameGuard(listener));
    }
    return true;
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) throws Exception {
    if (ctx.channel().isWritable()) {
      listener.writable();
    }
    super.channelWritabilityChanged(ctx);
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof WebSocketFrame frame)) {
      ctx.fireChannelRead(msg);
      return;
    }
    if (broken) {
      ReferenceCountUtil.release(msg);
      return;
    }
    if (frame.rsv() != 0) {
      broken = true;
      ReferenceCountUtil.release(msg);
      listener.violation(CloseCodes.PROTOCOL_ERROR, "reserved bits set without a negotiated extension");
      return;
    }
    if (frame instanceof PingWebSocketFrame ping) {
      try {
        listener.ping(Buffer.buffer(io.netty.buffer.ByteBufUtil.getBytes(ping.content())));
      } finally {
        ReferenceCountUtil.release(msg);
      }
      return;
    }
    ctx.fireChannelRead(msg);
  }
}
