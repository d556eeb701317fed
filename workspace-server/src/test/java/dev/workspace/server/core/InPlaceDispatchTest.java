package dev.workspace.server.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.workspace.model.FrameCodec;
import dev.workspace.server.edge.DeliveryBatchCodec;
import dev.workspace.server.testing.RawClient;
import io.vertx.core.Context;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.internal.VertxInternal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A delivery dispatched in place on the event loop of the sessions it reaches is handed to them before the
 * dispatch returns, on their own context; one dispatched from another thread, or dispatched plainly, is queued as a
 * task on their loop and arrives after it (over the event bus when their host named no loop). Either way every
 * receiver gets each delivery once, in dispatch order.
 */
class InPlaceDispatchTest {
  private final Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2));
  private final LocalSessions sessions;
  private final Context hostContext;
  private Context otherContext;
  private final LinkedBlockingQueue<Taken> taken = new LinkedBlockingQueue<>();
  private final String address = "test.deliver.host";

  private record Taken(long offset, List<String> receivers, Context context, Thread thread) {
  }

  InPlaceDispatchTest() {
    vertx.eventBus().registerCodec(new DeliveryBatchCodec());
    sessions = new LocalSessions(vertx.eventBus());
    MemoryBroker broker = new MemoryBroker(FrameCodec.DEFAULT, 100, 100);
    sessions.broker(broker);
    RawClient.await(broker.start(sessions));
    hostContext = ((VertxInternal) vertx).createEventLoopContext();
    Handler<DeliveryBatch> host = batch -> {
      List<String> names = new ArrayList<>();
      batch.receivers().forEach(r -> names.add(r.agentId()));
      taken.add(new Taken(batch.offset(), names, Vertx.currentContext(), Thread.currentThread()));
    };
    on(hostContext, () -> {
      vertx.eventBus().<DeliveryBatch>localConsumer(address, m -> host.handle(m.body()));
      sessions.host(address, hostContext, host);
      return null;
    });
    // Contexts take the event loops in turn: one of the next two is on the other loop.
    Thread hostThread = on(hostContext, Thread::currentThread);
    for (int i = 0; i < 2 && (otherContext == null || on(otherContext, Thread::currentThread) == hostThread); i++) {
      otherContext = ((VertxInternal) vertx).createEventLoopContext();
    }
    for (String agent : List.of("r1", "r2")) {
      SessionRef s = new Receiver(agent);
      sessions.add(s);
      sessions.join(s, "room");
    }
  }

  @AfterEach
  void close() {
    RawClient.await(vertx.close());
  }

  private final class Receiver implements SessionRef {
    private final String agent;

    Receiver(String agent) {
      this.agent = agent;
    }

    @Override
    public String sessionId() {
      return "session-" + agent;
    }

    @Override
    public String workspace() {
      return "ws";
    }

    @Override
    public String agentId() {
      return agent;
    }

    @Override
    public String deliveryAddress() {
      return address;
    }

    @Override
    public boolean accepts(String eventName) {
      return true;
    }

    @Override
    public void hold(String stream) {
    }

    @Override
    public void replaced() {
    }
  }

  private static Delivery post(long offset) {
    return new Delivery("ws", Audience.channel("room"), StreamKey.channel("room"), offset, "channel.message.posted",
        "sender", false, ("{\"offset\":" + offset + "}").getBytes(StandardCharsets.UTF_8));
  }

  private <T> T on(Context context, Supplier<T> task) {
    Promise<T> done = Promise.promise();
    context.runOnContext(v -> {
      try {
        done.complete(task.get());
      } catch (Throwable e) {
        done.fail(e);
      }
    });
    return RawClient.await(done.future());
  }

  private Taken next() throws InterruptedException {
    Taken t = taken.poll(10, TimeUnit.SECONDS);
    assertTrue(t != null, "the batch never arrived");
    return t;
  }

  @Test
  void onTheHostsLoopTheBatchIsHandedOverBeforeTheDispatchReturns() throws Exception {
    Taken t = on(hostContext, () -> {
      sessions.dispatchInPlace(post(1));
      return taken.poll();
    });
    assertTrue(t != null, "handed over in place, before dispatchInPlace returned");
    assertEquals(1, t.offset());
    assertEquals(List.of("r1", "r2"), t.receivers().stream().sorted().toList(), "one batch for both receivers");
    assertSame(hostContext, t.context(), "run on the host's own context");
    assertNull(taken.poll(200, TimeUnit.MILLISECONDS), "and nothing else, not a second copy over the event bus");
  }

  @Test
  void fromAnotherThreadOrDispatchedPlainlyTheBatchIsQueuedOnTheHostsLoop() throws Exception {
    Thread hostThread = on(hostContext, Thread::currentThread);
    assertFalse(hostThread == on(otherContext, Thread::currentThread), "two event loops");
    on(otherContext, () -> {
      sessions.dispatchInPlace(post(1));
      return null;
    });
    Taken first = next();
    assertEquals(1, first.offset());
    assertSame(hostThread, first.thread(), "another loop cannot hand it over in place: it ran on the host's loop");
    assertSame(hostContext, first.context(), "on the host's own context");

    assertNull(on(hostContext, () -> {
      sessions.dispatch(post(2));
      return taken.poll();
    }), "a plain dispatch never hands over in place");
    assertEquals(2, next().offset());
    assertNull(taken.poll(200, TimeUnit.MILLISECONDS), "each batch arrived once");
  }

  @Test
  void deliveriesDispatchedInPlaceFromOneThreadArriveInTheirOrder() throws Exception {
    on(hostContext, () -> {
      for (long o = 1; o <= 1000; o++) {
        sessions.dispatchInPlace(post(o));
      }
      return null;
    });
    for (long o = 1; o <= 1000; o++) {
      assertEquals(o, next().offset());
    }
    assertNull(taken.poll(200, TimeUnit.MILLISECONDS), "nothing else arrived");
  }

  @Test
  void deliveriesQueuedFromBothLoopsInTurnArriveInTheirOrder() throws Exception {
    for (long o = 1; o <= 1000; o++) {
      long offset = o;
      // in turn from the other loop and from the host's, each a plain dispatch queued on the host's loop
      on(o % 2 == 0 ? hostContext : otherContext, () -> {
        sessions.dispatch(post(offset));
        return null;
      });
    }
    for (long o = 1; o <= 1000; o++) {
      assertEquals(o, next().offset());
    }
    assertNull(taken.poll(200, TimeUnit.MILLISECONDS), "nothing else arrived");
  }

  @Test
  void aForgottenHostTakesItsBatchesOverTheEventBus() throws Exception {
    sessions.unhost(address);
    assertNull(on(hostContext, () -> {
      sessions.dispatchInPlace(post(1));
      return taken.poll();
    }));
    assertEquals(1, next().offset());
  }
}
