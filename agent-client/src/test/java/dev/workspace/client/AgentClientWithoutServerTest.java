package dev.workspace.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.workspace.model.ErrorCode;
import dev.workspace.model.Event;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** What the client does on its own, with no server to talk to: nothing here opens a session. */
@ExtendWith(VertxExtension.class)
class AgentClientWithoutServerTest {

  private static WorkspaceException failure(Future<?> f) {
    assertTrue(f.failed(), "expected a failure, got " + f.result());
    return assertInstanceOf(WorkspaceException.class, f.cause());
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  @Test
  void requestsBeforeConnectFailDisconnected(Vertx vertx, VertxTestContext ctx) {
    AgentClient client = AgentClient.create(vertx, new AgentClientOptions().setAgentId("alice"));
    List<Future<?>> calls = List.of(
        client.sendEvent(Event.of("agent.message", "agent:bob")),
        client.listAgents(),
        client.workspace().channel("general").join(),
        client.workspace().agent("bob").sendAndWait("hi", Duration.ofSeconds(5)));
    Future.join(calls).onComplete(ar -> ctx.verify(() -> {
      assertEquals("publish agent.message to agent:bob failed: not connected; call connect() first",
          failure(calls.get(0)).getMessage());
      assertEquals("list_agents failed: not connected; call connect() first", failure(calls.get(1)).getMessage());
      assertEquals("join channel general failed: not connected; call connect() first",
          failure(calls.get(2)).getMessage());
      for (Future<?> f : calls) {
        assertSame(FailureKind.DISCONNECTED, failure(f).kind());
        assertNull(failure(f).code());
      }
      assertFalse(client.isConnected());
      assertNull(client.session());
      ctx.completeNow();
    }));
  }

  @Test
  void aRequestWhoseSendFailedLeavesNoReplyWaiterBehind(Vertx vertx, VertxTestContext ctx) {
    AgentClient client = AgentClient.create(vertx, new AgentClientOptions().setAgentId("alice"));
    Event request = Event.of("agent.message", "agent:bob").withEventId("req-1");
    client.sendAndWait(request, Duration.ofSeconds(5))
        .recover(first -> client.sendAndWait(request, Duration.ofSeconds(5)))
        .onComplete(ctx.failing(err -> ctx.verify(() -> {
          WorkspaceException e = assertInstanceOf(WorkspaceException.class, err);
          assertSame(FailureKind.DISCONNECTED, e.kind(),
              "the second request with the same id must not find the first one still waiting");
          ctx.completeNow();
        })));
  }

  @Test
  void invalidEventsAndPatternsFailInvalidBeforeAnythingIsSent(Vertx vertx, VertxTestContext ctx) {
    AgentClient client = AgentClient.create(vertx, new AgentClientOptions().setAgentId("alice"));
    List<Future<?>> calls = List.of(
        client.sendEvent(Event.of("Bad.Name", "agent:bob")),
        client.sendEvent(Event.of("agent.message", "group:x")),
        client.registerEventHandler(e -> { }, "channel.>.x"),
        client.subscribe(),
        client.waitEvent(e -> true, Duration.ZERO));
    Future.join(calls).onComplete(ar -> ctx.verify(() -> {
      assertSame(ErrorCode.INVALID_NAME, failure(calls.get(0)).code());
      assertSame(ErrorCode.INVALID_DESTINATION, failure(calls.get(1)).code());
      assertSame(ErrorCode.INVALID_PATTERN, failure(calls.get(2)).code());
      assertEquals("at least one pattern is required", failure(calls.get(3)).getMessage());
      assertEquals("waitEvent failed: the timeout must be at least 1 ms, was 0 ms", failure(calls.get(4)).getMessage());
      for (Future<?> f : calls) {
        assertSame(FailureKind.INVALID, failure(f).kind());
      }
      ctx.completeNow();
    }));
  }

  @Test
  void handlersAndSubscriptionsCanBeSetUpBeforeConnecting(Vertx vertx, VertxTestContext ctx) {
    AgentClient client = AgentClient.create(vertx, new AgentClientOptions().setAgentId("alice")
        .setSubscriptions(List.of("agent.message")));
    client.registerEventHandler(e -> { }, "channel.>", "agent.message")
        .compose(registration -> {
          ctx.verify(() -> assertEquals(List.of("channel.>", "agent.message"), registration.patterns()));
          return client.subscribe("agent.>")
              .compose(held -> {
                ctx.verify(() -> assertEquals(List.of("agent.message", "channel.>", "agent.>"), held));
                return registration.unregister();
              })
              .compose(v -> client.unsubscribe("agent.>"));
        })
        .onComplete(ctx.succeeding(held -> ctx.verify(() -> {
          assertEquals(List.of("agent.message"), held, "the initial subscription stays after its handler goes");
          ctx.completeNow();
        })));
  }

  @Test
  void waitEventTimesOutNamingTheLimit(Vertx vertx, VertxTestContext ctx) {
    AgentClient client = AgentClient.create(vertx, new AgentClientOptions().setAgentId("alice"));
    client.waitEvent(e -> true, Duration.ofMillis(50)).onComplete(ctx.failing(err -> ctx.verify(() -> {
      WorkspaceException e = assertInstanceOf(WorkspaceException.class, err);
      assertSame(FailureKind.TIMEOUT, e.kind());
      assertEquals("no matching event within 50 ms", e.getMessage());
      ctx.completeNow();
    })));
  }

  @Test
  void waitersAreBounded(Vertx vertx, VertxTestContext ctx) {
    AgentClient client = AgentClient.create(vertx, new AgentClientOptions().setAgentId("alice")
        .setMaxPendingRequests(1));
    Future<Event> first = client.waitEvent(e -> true, Duration.ofSeconds(30));
    client.waitEvent(e -> true, Duration.ofSeconds(30)).onComplete(ctx.failing(err -> ctx.verify(() -> {
      WorkspaceException e = assertInstanceOf(WorkspaceException.class, err);
      assertSame(FailureKind.REJECTED, e.kind());
      assertEquals("waitEvent refused: 1 waiters are already pending", e.getMessage());
      assertFalse(first.isComplete());
      ctx.completeNow();
    })));
  }

  @Test
  void connectingToNothingFailsUnavailable(Vertx vertx, VertxTestContext ctx) throws IOException {
    int port = freePort();
    List<LifecycleEvent> lifecycle = new CopyOnWriteArrayList<>();
    AgentClient client = AgentClient.create(vertx, new AgentClientOptions().setAgentId("alice"));
    client.lifecycleHandler(lifecycle::add);
    client.connectToServer("127.0.0.1", port, (Map<String, ?>) null)
        .onComplete(ctx.failing(err -> ctx.verify(() -> {
          WorkspaceException e = assertInstanceOf(WorkspaceException.class, err);
          assertSame(FailureKind.UNAVAILABLE, e.kind());
          assertTrue(e.getMessage().startsWith("cannot reach ws://127.0.0.1:" + port + "/ws: "), e.getMessage());
          assertFalse(client.isConnected());
          assertEquals(List.of(), lifecycle, "no session opened, so no lifecycle change");
          ctx.completeNow();
        })));
  }

  @Test
  void badUrisAndAgentIdsFailBeforeConnecting(Vertx vertx, VertxTestContext ctx) {
    AgentClient anonymous = AgentClient.create(vertx);
    AgentClient alice = AgentClient.create(vertx, new AgentClientOptions().setAgentId("alice"));
    List<Future<?>> calls = List.of(
        anonymous.connect("http://localhost:8700/ws"),
        anonymous.connect("ws://localhost:8700/ws"),
        alice.connect("ws://localhost:8700/ws?workspace=bad%20name"),
        alice.connectToServer("localhost", 8700, "system", (Map<String, ?>) null));
    Future.join(calls).onComplete(ar -> ctx.verify(() -> {
      assertEquals("connect failed: bad server URI 'http://localhost:8700': the scheme must be ws or wss, "
          + "was 'http'", failure(calls.get(0)).getMessage());
      assertTrue(failure(calls.get(1)).getMessage().startsWith("connect failed: no agent id"));
      assertTrue(failure(calls.get(2)).getMessage().startsWith("connect failed: workspace 'bad name' must be"),
          failure(calls.get(2)).getMessage());
      WorkspaceException reserved = failure(calls.get(3));
      assertEquals("connect failed: agent_id 'system' is reserved", reserved.getMessage());
      assertSame(FailureKind.REJECTED, reserved.kind(), "the server would refuse it as forbidden");
      assertSame(ErrorCode.FORBIDDEN, reserved.code());
      for (Future<?> f : calls.subList(0, 3)) {
        assertSame(FailureKind.INVALID, failure(f).kind());
      }
      ctx.completeNow();
    }));
  }

  @Test
  void closeFailsWaitersThenEveryCall(Vertx vertx, VertxTestContext ctx) {
    AgentClient client = AgentClient.create(vertx, new AgentClientOptions().setAgentId("alice"));
    List<LifecycleEvent> lifecycle = new CopyOnWriteArrayList<>();
    client.lifecycleHandler(lifecycle::add);
    Future<Event> waiting = client.waitEvent(e -> true, Duration.ofSeconds(30));
    Future<Void> closed = client.close();
    assertSame(closed, client.disconnect(), "closing again gives the same future");
    closed.compose(v -> {
      ctx.verify(() -> {
        WorkspaceException e = failure(waiting);
        assertSame(FailureKind.DISCONNECTED, e.kind());
        assertEquals("the client was disconnected", e.getMessage());
      });
      return client.listAgents();
    }).onComplete(ctx.failing(err -> ctx.verify(() -> {
      WorkspaceException e = assertInstanceOf(WorkspaceException.class, err);
      assertSame(FailureKind.DISCONNECTED, e.kind());
      assertEquals(List.of(), lifecycle, "a client that never connected reports no lifecycle change");
      assertSame(FailureKind.DISCONNECTED, failure(client.waitEvent(x -> true, Duration.ofSeconds(1))).kind());
      ctx.completeNow();
    })));
  }

  @Test
  void aClientWithItsOwnVertxClosesIt(VertxTestContext ctx) {
    AgentClient client = AgentClient.create(new AgentClientOptions().setAgentId("alice"));
    client.close().onComplete(ctx.succeedingThenComplete());
  }
}
