package dev.workspace.server.edge;

import io.netty.channel.SingleThreadIoEventLoop;
import io.netty.util.concurrent.SingleThreadEventExecutor;
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
 * with no wait for more, while a burst of deliveries costs one system call per channel, not per frame. When tasks
 * are already waiting on the loop as the flush comes due (deliveries handed over from another loop), the flush
 * goes behind them, at most {@link #MAX_DEFERRALS} times in a row.
 *
 * <p>One instance per event-loop thread ({@link #current}); confined to that thread.
 */
final class OutboundFlusher implements Runnable {
  private static final FastThreadLocal<OutboundFlusher> LOCAL = new FastThreadLocal<>();

  /**
   * How many times in a row the flush lets tasks already waiting on the loop run first, so that deliveries handed
   * over from another loop in a stream leave together: 2. A flush waits only for tasks already queued, never for
   * more to come, so a lone frame on a quiet loop still leaves at the end of its turn.
   */
  static final int MAX_DEFERRALS = 2;

  private final EventExecutor loop;
  private final List<FrameWriter> dirty = new ArrayList<>();
  private boolean scheduled;
  private int deferrals;

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
    if (deferrals < MAX_DEFERRALS && loop instanceof SingleThreadEventExecutor ex && ex.pendingTasks() > 0) {
      deferrals++;
      loop.execute(this);
      return;
    }
    deferrals = 0;
    scheduled = false;
    for (int i = 0; i < dirty.size(); i++) {
      dirty.get(i).flushNow();
    }
    dirty.clear();
  }
}
