package dev.workspace.server.edge;

import io.netty.channel.SingleThreadIoEventLoop;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.FastThreadLocal;
import java.util.ArrayList;
import java.util.List;

/**
 * Flushes the WebSocket channels of one event loop once per loop turn instead of once per frame, as NATS flushes
 * each pending client once per read loop and Netty's {@code FlushConsolidationHandler} consolidates flushes. The
 * first write to a quiet channel schedules one flush of every channel written since, to run once the loop has
 * finished the current turn's reads and tasks (Netty's after-iteration tasks; on an executor without them, a task
 * queued behind those already waiting). A lone frame therefore still leaves at the end of the turn that wrote it,
 * with no wait for more, while a burst of deliveries costs one system call per channel, not per frame.
 *
 * <p>One instance per event-loop thread ({@link #current}); confined to that thread.
 */
final class OutboundFlusher implements Runnable {
  private static final FastThreadLocal<OutboundFlusher> LOCAL = new FastThreadLocal<>();

  private final EventExecutor loop;
  private final List<FrameWriter> dirty = new ArrayList<>();
  private boolean scheduled;

  private OutboundFlusher(EventExecutor loop) {
    this.loop = loop;
  }

  /**
   * @param loop the event loop the caller runs on
   * @return the flusher of that loop's thread
   */
  static OutboundFlusher current(EventExecutor loop) {
    OutboundFlusher f = LOCAL.get();
    if (f == null || f.loop != loop) {
      f = new OutboundFlusher(loop);
      LOCAL.set(f);
    }
    return f;
  }

  /** Asks for {@code writer}'s channel to be flushed at the end of this loop turn. */
  void flushLater(FrameWriter writer) {
    dirty.add(writer);
    if (!scheduled) {
      scheduled = true;
      if (loop instanceof SingleThreadIoEventLoop io) {
        io.executeAfterEventLoopIteration(this);
      } else {
        loop.execute(this);
      }
    }
  }

  @Override
  public void run() {
    scheduled = false;
    for (int i = 0; i < dirty.size(); i++) {
      dirty.get(i).flushNow();
    }
    dirty.clear();
  }
}
