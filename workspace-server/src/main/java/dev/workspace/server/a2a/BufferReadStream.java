package dev.workspace.server.a2a;

import io.vertx.core.Context;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;

/**
 * A {@link ReadStream} of one buffer already in memory (an inline file part of an A2A message, bounded by the body
 * limit), emitted in 64 KiB chunks with back-pressure, for the file store's upload.
 */
final class BufferReadStream implements ReadStream<Buffer> {
  private static final int CHUNK = 64 * 1024;

  private final Buffer data;
  private final Context context;
  private Handler<Buffer> handler;
  private Handler<Void> endHandler;
  private long demand = Long.MAX_VALUE;
  private int position;
  private boolean ended;
  private boolean scheduled;

  BufferReadStream(Buffer data, Context context) {
    this.data = data;
    this.context = context;
  }

  @Override
  public ReadStream<Buffer> exceptionHandler(Handler<Throwable> h) {
    return this;
  }

  @Override
  public ReadStream<Buffer> handler(Handler<Buffer> h) {
    this.handler = h;
    schedule();
    return this;
  }

  @Override
  public ReadStream<Buffer> pause() {
    demand = 0;
    return this;
  }

  @Override
  public ReadStream<Buffer> resume() {
    return fetch(Long.MAX_VALUE);
  }

  @Override
  public ReadStream<Buffer> fetch(long amount) {
    demand = demand + amount < 0 ? Long.MAX_VALUE : demand + amount;
    schedule();
    return this;
  }

  @Override
  public ReadStream<Buffer> endHandler(Handler<Void> h) {
    this.endHandler = h;
    schedule();
    return this;
  }

  private void schedule() {
    if (!scheduled && !ended) {
      scheduled = true;
      context.runOnContext(v -> {
        scheduled = false;
        pump();
      });
    }
  }

  private void pump() {
    while (handler != null && demand > 0 && position < data.length()) {
      int end = Math.min(data.length(), position + CHUNK);
      Buffer chunk = data.getBuffer(position, end);
      position = end;
      if (demand != Long.MAX_VALUE) {
        demand--;
      }
      handler.handle(chunk);
    }
    if (position >= data.length() && !ended && handler != null && endHandler != null) {
      ended = true;
      endHandler.handle(null);
    }
  }
}
