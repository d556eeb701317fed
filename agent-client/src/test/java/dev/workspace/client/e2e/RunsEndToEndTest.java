package dev.workspace.client.e2e;

import static dev.workspace.client.e2e.E2E.await;
import static dev.workspace.client.e2e.E2E.failure;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.workspace.client.AgentClient;
import dev.workspace.client.AgentClientOptions;
import dev.workspace.client.ApprovalScope;
import dev.workspace.client.FailureKind;
import dev.workspace.client.LifecycleEvent;
import dev.workspace.client.RemoteAgent;
import dev.workspace.client.Run;
import dev.workspace.client.RunContext;
import dev.workspace.client.RunInput;
import dev.workspace.client.RunResult;
import dev.workspace.client.RunState;
import dev.workspace.client.WorkspaceException;
import dev.workspace.model.Event;
import dev.workspace.model.RunNames;
import dev.workspace.server.ServerOptions;
import dev.workspace.server.WorkspaceServer;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Remote agents as if local, with real AgentClients on a real server: runs, questions, cancel, sessions, pools. */
class RunsEndToEndTest {
  final Vertx vertx = Vertx.vertx();
  final List<WorkspaceServer> servers = new ArrayList<>();
  private TcpProxy proxy;
  private final List<AgentClient> clients = new ArrayList<>();

  /** Starts the nodes; one here, two on Redis in {@link ClusterRunsEndToEndTest}. */
  void startServers() {
    servers.add(await(WorkspaceServer.start(vertx, new ServerOptions().setHost("127.0.0.1").setPort(0)
        .setInstances(2))));
  }

  /** Stops what {@link #startServers} started. */
  void stopServers() {
    for (WorkspaceServer s : servers) {
      await(s.close());
    }
  }

  /**
   * @param agentId an agent of the tests
   * @return the node it connects to: callers to the first, hosts and pool members spread over the others
   */
  WorkspaceServer nodeOf(String agentId) {
    return servers.get(0);
  }

  @BeforeEach
  void start() {
    startServers();
    proxy = TcpProxy.start(vertx, nodeOf("alice").port());
  }

  @AfterEach
  void stop() {
    for (AgentClient c : clients) {
      await(c.close());
    }
    proxy.close();
    stopServers();
    await(vertx.close());
  }

  private AgentClient agent(String id, List<String> subscriptions, Map<String, ?> metadata) {
    return agent(id, subscriptions, metadata, nodeOf(id).port());
  }

  private AgentClient agent(String id, List<String> subscriptions, Map<String, ?> metadata, int port) {
    AgentClient c = AgentClient.create(new AgentClientOptions().setAgentId(id).setSubscriptions(subscriptions)
        .setReconnectInitialDelay(Duration.ofMillis(200)).setReconnectMaxDelay(Duration.ofSeconds(1)));
    clients.add(c);
    await(c.connectToServer("127.0.0.1", port, metadata));
    return c;
  }

  private static List<String> names(List<Event> events) {
    List<String> out = new ArrayList<>();
    for (Event e : events) {
      out.add(e.eventName());
    }
    return out;
  }

  @Test
  void progressArrivesInOrderAndTheResultOnce() {
    AgentClient host = agent("researcher", List.of("agent.task"), Map.of("role", "research"));
    await(host.host(ctx -> {
      ctx.thinking("looking");
      String call = ctx.toolCall("search", JsonNodeFactory.instance.objectNode().put("q", ctx.text()));
      ctx.toolResult(call, JsonNodeFactory.instance.textNode("3 hits"));
      for (int i = 1; i <= 20; i++) {
        ctx.text("chunk" + i + " ");
      }
      ctx.complete("found it for " + ctx.caller());
    }));
    AgentClient caller = agent("alice", List.of(), Map.of());
    List<Event> seen = new CopyOnWriteArrayList<>();
    Run run = caller.remoteAgent("researcher").start("llamas").handler(seen::add);
    RunResult result = await(run.result());
    assertEquals("found it for alice", result.text());
    assertEquals("researcher", result.agentId());
    assertEquals("researcher", await(run.accepted()));
    assertEquals(RunState.COMPLETED, run.state());
    List<String> expected = new ArrayList<>(List.of(RunNames.THINKING, RunNames.TOOL_CALL, RunNames.TOOL_RESULT));
    for (int i = 1; i <= 20; i++) {
      expected.add(RunNames.TEXT);
    }
    assertEquals(expected, names(seen));
    for (int i = 0; i < seen.size(); i++) {
      assertEquals(i + 1, seen.get(i).payload().get("seq").asLong());
      assertEquals(run.id(), seen.get(i).responseTo());
    }
    assertEquals("chunk7 ", seen.get(9).payload().get("text").asText());
    assertEquals(24, result.payload().get("seq").asLong());

    Event reply = await(caller.sendAndWait(Event.of("agent.task", "agent:researcher")
        .withMetadata(JsonNodeFactory.instance.objectNode().put("stream", true))
        .withPayload(JsonNodeFactory.instance.objectNode().put("text", "x")), Duration.ofSeconds(10)));
    assertEquals(RunNames.COMPLETED, reply.eventName());

    RunResult quiet = await(caller.remoteAgent("researcher").input("again"));
    assertEquals("found it for alice", quiet.text());
    assertEquals(1, quiet.payload().get("seq").asLong(), "without stream the host sends only the end");
  }

  @Test
  void questionsApprovalsWithBothScopesAndPlanReviewRoundTrip() {
    AgentClient host = agent("ops", List.of("agent.task"), Map.of());
    List<String> hostLog = new CopyOnWriteArrayList<>();
    await(host.host(ctx -> ctx.askUser("which color?", List.of("red", "blue"), false)
        .compose(color -> {
          hostLog.add("color=" + color.answer());
          return ctx.requestApproval("rm", JsonNodeFactory.instance.objectNode().put("path", "/tmp/x"));
        }).compose(rm1 -> {
          hostLog.add("rm1=" + rm1.isApproved() + "/" + rm1.scope());
          return ctx.requestApproval("rm", JsonNodeFactory.instance.objectNode().put("path", "/tmp/y"));
        }).compose(rm2 -> {
          hostLog.add("rm2=" + rm2.isApproved() + "/" + rm2.scope());
          return ctx.requestApproval("deploy", null);
        }).compose(d1 -> {
          hostLog.add("deploy1=" + d1.isApproved() + "/" + d1.scope());
          return ctx.requestApproval("deploy", null);
        }).compose(d2 -> {
          hostLog.add("deploy2=" + d2.isApproved() + "/" + d2.feedback());
          return ctx.askUser("which sizes?", List.of("s", "m", "l"), true);
        }).compose(sizes -> {
          hostLog.add("sizes=" + sizes.answers());
          return ctx.reviewPlan("1. build 2. ship");
        }).compose(plan -> {
          hostLog.add("plan=" + plan.isApproved());
          return ctx.complete(String.join(",", hostLog));
        })));
    AgentClient caller = agent("alice", List.of(), Map.of());
    List<String> asked = new CopyOnWriteArrayList<>();
    int[] deploys = new int[1];
    Run[] holder = new Run[1];
    Run run = caller.remoteAgent("ops").session("s1").start("do it");
    holder[0] = run;
    run.handler(e -> {
      if (!e.eventName().equals(RunNames.INPUT_REQUIRED)) {
        return;
      }
      String kind = e.payload().get("kind").asText();
      String tool = e.payload().path("tool").asText("");
      asked.add(kind + (tool.isEmpty() ? "" : ":" + tool));
      assertEquals(e, holder[0].pendingInput());
      if (kind.equals("ask_user") && e.payload().get("multi_select").asBoolean()) {
        holder[0].respond(List.of("s", "l"));
      } else if (kind.equals("ask_user")) {
        assertEquals(List.of("red", "blue"), List.of(e.payload().get("options").get(0).asText(),
            e.payload().get("options").get(1).asText()));
        holder[0].respond("blue");
      } else if (tool.equals("rm")) {
        assertEquals("/tmp/x", e.payload().get("arguments").get("path").asText());
        holder[0].approve(ApprovalScope.SESSION);
      } else if (tool.equals("deploy") && deploys[0]++ == 0) {
        holder[0].approve(ApprovalScope.ONCE);
      } else if (tool.equals("deploy")) {
        holder[0].reject("not on friday");
      } else {
        assertEquals("1. build 2. ship", e.payload().get("plan").asText());
        holder[0].approve(ApprovalScope.ONCE);
      }
    });
    RunResult result = await(run.result());
    assertEquals("color=blue,rm1=true/SESSION,rm2=true/SESSION,deploy1=true/ONCE,deploy2=false/not on friday,"
        + "sizes=[s, l],plan=true", result.text());
    assertEquals(List.of("ask_user", "approval:rm", "approval:deploy", "approval:deploy", "ask_user",
        "plan_review"), asked);
    assertEquals(null, run.pendingInput());
    WorkspaceException noQuestion = assertInstanceOf(WorkspaceException.class, failure(run.respond("late")));
    assertEquals(FailureKind.INVALID, noQuestion.kind());
  }

  @Test
  void cancelReachesTheHostAndTheRunEndsCanceledOrWithItsRealEnd() {
    AgentClient host = agent("worker", List.of("agent.task"), Map.of());
    Promise<String> cancelSeen = Promise.promise();
    await(host.host(ctx -> {
      if ("quick".equals(ctx.text())) {
        ctx.complete("done");
        return;
      }
      ctx.onCancel(reason -> {
        cancelSeen.tryComplete(reason);
        ctx.canceled(reason);
      });
      ctx.text("started");
    }));
    AgentClient caller = agent("alice", List.of(), Map.of());
    Promise<Void> started = Promise.promise();
    Run run = caller.remoteAgent("worker").start("long").handler(e -> started.tryComplete());
    await(started.future());
    assertTrue(await(run.cancel()));
    assertEquals("canceled by the caller", await(cancelSeen.future()));
    assertEquals(RunState.CANCELED, run.state());
    WorkspaceException canceled = assertInstanceOf(WorkspaceException.class, failure(run.result()));
    assertEquals(FailureKind.CANCELED, canceled.kind());

    Run quick = caller.remoteAgent("worker").start("quick");
    assertEquals("done", await(quick.result()).text());
    assertFalse(await(quick.cancel()), "a cancel after the end is answered with the run's real end");
  }

  @Test
  void aHostThatDisconnectsMidRunFailsTheRunAtOnceWithAgentDisconnected() {
    AgentClient host = agent("flaky", List.of("agent.task"), Map.of());
    Promise<Void> got = Promise.promise();
    await(host.host(ctx -> {
      ctx.thinking("hmm");
      got.tryComplete();
    }));
    AgentClient caller = agent("alice", List.of(), Map.of());
    Run run = caller.remoteAgent("flaky").timeout(Duration.ofMinutes(5)).start("go");
    await(got.future());
    long before = System.nanoTime();
    await(host.close());
    WorkspaceException gone = assertInstanceOf(WorkspaceException.class, failure(run.result()));
    assertEquals(FailureKind.UNAVAILABLE, gone.kind());
    assertTrue(gone.getMessage().contains("agent_disconnected"), gone.getMessage());
    assertTrue(System.nanoTime() - before < Duration.ofSeconds(10).toNanos());
    assertEquals(RunState.FAILED, run.state());
    WorkspaceException notThere = assertInstanceOf(WorkspaceException.class,
        failure(caller.remoteAgent("flaky").input("again")));
    assertEquals(FailureKind.NOT_FOUND, notThere.kind());
  }

  @Test
  void aCallerThatReconnectsMidRunRecoversEveryEventAndTheResultOnce() {
    AgentClient host = agent("streamer", List.of("agent.task"), Map.of());
    Promise<Void> firstHalf = Promise.promise();
    Promise<Void> goOn = Promise.promise();
    await(host.host(ctx -> {
      List<Future<Void>> sent = new ArrayList<>();
      for (int i = 1; i <= 5; i++) {
        sent.add(ctx.text("t" + i));
      }
      Future.all(sent).onComplete(v -> firstHalf.tryComplete());
      goOn.future().onComplete(v -> {
        for (int i = 6; i <= 10; i++) {
          ctx.text("t" + i);
        }
        ctx.complete("all ten");
      });
    }));
    AgentClient caller = agent("alice", List.of(), Map.of(), proxy.port());
    Promise<Void> dropped = Promise.promise();
    Promise<Void> recovered = Promise.promise();
    caller.lifecycleHandler(e -> {
      if (e.type() == LifecycleEvent.Type.DISCONNECTED) {
        dropped.tryComplete();
      } else if (e.type() == LifecycleEvent.Type.RECOVERED) {
        recovered.tryComplete();
      }
    });
    List<String> texts = new CopyOnWriteArrayList<>();
    Run run = caller.remoteAgent("streamer").start("go").handler(e -> texts.add(e.payload().get("text").asText()));
    await(firstHalf.future());
    proxy.dropAll();
    await(dropped.future());
    goOn.complete();
    RunResult result = await(run.result());
    await(recovered.future());
    assertEquals("all ten", result.text());
    List<String> expected = new ArrayList<>();
    for (int i = 1; i <= 10; i++) {
      expected.add("t" + i);
    }
    assertEquals(expected, texts);
  }

  @Test
  void twoCallersNamingTheSameSessionDoNotShareIt() {
    AgentClient host = agent("chat", List.of("agent.task"), Map.of());
    await(host.host(ctx -> {
      int turn = (Integer) ctx.session().merge("turns", 1, (a, b) -> (Integer) a + (Integer) b);
      ctx.complete(ctx.caller() + " turn " + turn + " in " + ctx.sessionId());
    }));
    AgentClient alice = agent("alice", List.of(), Map.of());
    AgentClient bob = agent("bob", List.of(), Map.of());
    RemoteAgent aliceChat = alice.remoteAgent("chat").session("s1");
    assertEquals("alice turn 1 in s1", await(aliceChat.input("hi")).text());
    assertEquals("alice turn 2 in s1", await(aliceChat.input("again")).text());
    assertEquals("bob turn 1 in s1", await(bob.remoteAgent("chat").session("s1").input("hi")).text());
    assertEquals("alice turn 3 in s1", await(aliceChat.input("more")).text());
    assertEquals("alice turn 1 in s2", await(alice.remoteAgent("chat").session("s2").input("new")).text());
  }

  @Test
  void aPoolSpreadsRunsByOpenRunsNeverTwiceAndSkipsAWorkerThatLeft() throws InterruptedException {
    Map<String, List<RunContext>> held = new ConcurrentHashMap<>();
    Map<String, AgentClient> workers = new HashMap<>();
    java.util.concurrent.CountDownLatch arrived = new java.util.concurrent.CountDownLatch(100);
    for (int i = 1; i <= 4; i++) {
      String id = "w" + i;
      AgentClient w = agent(id, List.of("agent.task"), Map.of("capabilities", List.of("summarize")));
      held.put(id, new CopyOnWriteArrayList<>());
      await(w.host(ctx -> {
        held.get(id).add(ctx);
        arrived.countDown();
      }));
      workers.put(id, w);
    }
    AgentClient boss = agent("boss", List.of("agent.left"), Map.of());
    RemoteAgent pool = boss.pool("summarize");
    List<Run> runs = new ArrayList<>();
    Map<String, Integer> byWorker = new HashMap<>();
    for (int i = 0; i < 100; i++) {
      Run r = pool.start("task " + i);
      runs.add(r);
      byWorker.merge(await(r.accepted()), 1, Integer::sum);
    }
    assertEquals(Map.of("w1", 25, "w2", 25, "w3", 25, "w4", 25), byWorker);
    assertTrue(arrived.await(10, java.util.concurrent.TimeUnit.SECONDS), "every run reached its worker");
    for (List<RunContext> contexts : held.values()) {
      for (RunContext ctx : contexts) {
        if (ctx.text().startsWith("task ")) {
          ctx.complete(ctx.text() + " by " + ctx.request().destinationId());
        }
      }
    }
    Set<String> ids = new HashSet<>();
    for (Run r : runs) {
      RunResult result = await(r.result());
      assertEquals(r.id(), result.runId());
      assertTrue(result.text().endsWith("by agent:" + result.agentId()), result.text());
      ids.add(r.id());
    }
    assertEquals(100, ids.size());
    Set<String> handed = new HashSet<>();
    int total = 0;
    for (List<RunContext> contexts : held.values()) {
      for (RunContext ctx : contexts) {
        if (ctx.text().startsWith("task ")) {
          assertTrue(handed.add(ctx.runId()), "run " + ctx.runId() + " went to two workers");
          total++;
        }
      }
    }
    assertEquals(100, total);

    Promise<Void> left = Promise.promise();
    boss.registerEventHandler(e -> {
      if ("w2".equals(e.payload().path("agent_id").asText())) {
        left.tryComplete();
      }
    }, "agent.left");
    await(workers.get("w2").close());
    await(left.future());
    held.get("w2").clear();
    for (int i = 0; i < 20; i++) {
      Run r = pool.start("later " + i);
      String chosen = await(r.accepted());
      assertFalse(chosen.equals("w2"));
    }
    assertTrue(held.get("w2").isEmpty());
  }

  @Test
  void theCardCacheExpiresAndRefreshesOnAgentUpdated() {
    AgentClient bob = agent("profiler", List.of("agent.task"), Map.of("role", "v1"));
    AgentClient listener = agent("alice", List.of("agent.updated"), Map.of());
    AgentClient deaf = agent("carol", List.of("agent.task"), Map.of());
    RemoteAgent seen = listener.remoteAgent("profiler");
    RemoteAgent cached = deaf.remoteAgent("profiler");
    RemoteAgent expiring = deaf.remoteAgent("profiler").configTtl(Duration.ZERO);
    assertEquals("v1", await(seen.config()).metadata().get("role").asText());
    assertEquals("v1", await(cached.config()).metadata().get("role").asText());
    Future<Event> updated = listener.waitEvent(e -> e.eventName().equals("agent.updated"), Duration.ofSeconds(10));
    await(bob.updateMetadata(JsonNodeFactory.instance.objectNode().put("role", "v2")));
    await(updated);
    assertEquals("v2", await(seen.config()).metadata().get("role").asText(), "agent.updated drops the cache");
    assertEquals("v1", await(cached.config()).metadata().get("role").asText(), "cached for 300 s by default");
    assertEquals("v2", await(expiring.config()).metadata().get("role").asText(), "an expired card is read again");
    assertEquals("v2", await(cached.refreshConfig()).metadata().get("role").asText());
    assertEquals("v2", await(cached.config()).metadata().get("role").asText());
    WorkspaceException pool = assertInstanceOf(WorkspaceException.class, failure(deaf.pool("x").config()));
    assertEquals(FailureKind.INVALID, pool.kind());
  }
}
