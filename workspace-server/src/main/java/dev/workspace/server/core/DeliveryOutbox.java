package dev.workspace.server.core;

import io.netty.channel.SingleThreadIoEventLoop;
import io.netty.util.concurrent.FastThreadLocal;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.internal.ContextInternal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.RejectedExecutionException;

/**
 * Groups the delivery batches that one event-loop thread dispatches during a turn of its loop by receiving event
 * loop, and sends each group as one event-bus message once the turn's I/O and tasks have run (Netty's
 * after-iteration tasks), as NATS hands what one read produced to each client once per read loop. A publisher's
 * read of many events therefore costs each other event loop one hand-over and one wake-up, and each receiving
 * connection one flush, instead of one per event; a lone event still leaves at the end of the turn that
 * dispatched it, without waiting for more.
 *
 * <p>Off an event loop (a worker thread, a test's thread) each batch is sent at once. Order is kept: from one
 * thread, groups leave in the order of their first batch and batches keep their order within a group, and every
 * batch from a thread to an address goes the same way.
 */
final class DeliveryOutbox {
  private final EventBus eventBus;
  private final DeliveryOptions options;
  private final FastThreadLocal<Turn> turns = new FastThreadLocal<>();

  DeliveryOutbox(EventBus eventBus, DeliveryOptions options) {
    this.eventBus = eventBus;
    this.options = options;
  }

  /**
   * Sends {@code batch} to the event loop at {@code address} at the end of the calling event loop's turn, or at
   * once off an event loop.
   */
  void send(String address, DeliveryBatch batch) {
    Turn turn = turns.get();
    if (turn == null) {
      ContextInternal ctx = (ContextInternal) Vertx.currentContext();
      if (ctx == null || !ctx.isEventLoopContext() || !(ctx.nettyEventLoop() instanceof SingleThreadIoEventLoop loop)
          || !loop.inEventLoop()) {
        eventBus.send(address, new DeliveryTurn(List.of(batch)), options);
        return;
      }
      turn = new Turn(loop, ctx);
      turns.set(turn);
    }
    turn.add(address, batch);
  }

  /** What this event-loop thread dispatched in the current turn; confined to that thread. */
  private final class Turn implements Runnable {
    private final SingleThreadIoEventLoop loop;
    private final ContextInternal context;
    private Map<String, List<DeliveryBatch>> pending = new LinkedHashMap<>();
    private boolean scheduled;

    Turn(SingleThreadIoEventLoop loop, ContextInternal context) {
      this.loop = loop;
      this.context = context;
    }

    void add(String address, DeliveryBatch batch) {
      if (!scheduled) {
        try {
          loop.executeAfterEventLoopIteration(this);
        } catch (RejectedExecutionException stopping) {
          eventBus.send(address, new DeliveryTurn(List.of(batch)), options);
          return;
        }
        scheduled = true;
      }
      pending.computeIfAbsent(address, a -> new ArrayList<>()).add(batch);
    }

    @Override
    public void run() {
      scheduled = false;
      Map<String, List<DeliveryBatch>> out = pending;
      pending = new LinkedHashMap<>();
      context.dispatch(() -> {
        for (Map.Entry<String, List<DeliveryBatch>> e : out.entrySet()) {
          eventBus.send(e.getKey(), new DeliveryTurn(e.getValue()), options);
        }
      });
    }
  }
}
