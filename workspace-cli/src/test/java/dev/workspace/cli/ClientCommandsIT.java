package dev.workspace.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.workspace.client.AgentClient;
import dev.workspace.client.AgentClientOptions;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** pub, sub, post, request, history, agents and channels against a live server process, output read line by line. */
class ClientCommandsIT {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static Proc server;
  private static Vertx vertx;

  @BeforeAll
  static void start() throws Exception {
    server = Proc.server(Map.of());
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void stop() throws Exception {
    server.signalTerm();
    assertEquals(0, server.waitFor(WAIT), server.stderrText());
    vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  private static <T> T await(io.vertx.core.Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  private static AgentClient agent(String id) {
    return AgentClient.create(vertx, new AgentClientOptions().setAgentId(id));
  }

  @Test
  void subPrintsExactlyTheMatchingEventsOneJsonLineEach() throws Exception {
    try (Proc sub = Proc.start(Map.of(), "sub", "--url", server.wsUrl(), "--agent", "watcher", "--join", "ops",
        "--count", "3", "--timeout", "60s", "channel.message.*", "task.>")) {
      sub.awaitErr(l -> l.startsWith("subscribed to [channel.message.*, task.>] in [ops]"), WAIT);
      Proc post = Proc.run(Map.of(), "post", "--url", server.wsUrl(), "--agent", "alice", "ops", "hello @watcher");
      assertEquals(0, post.exit(), post.stderrText());
      JsonObject posted = new JsonObject(post.stdoutText());
      assertEquals(1L, posted.getLong("offset"));
      Proc skipped = Proc.run(Map.of(), "pub", "--url", server.wsUrl(), "--agent", "alice", "--to", "channel:ops",
          "metrics.sample", "{\"v\":1}");
      assertEquals(0, skipped.exit(), skipped.stderrText());
      Proc task = Proc.run(Map.of(), "pub", "--url", server.wsUrl(), "--agent", "bob", "--to", "channel:ops",
          "task.created.urgent", "{\"id\":7}");
      assertEquals(0, task.exit(), task.stderrText());
      assertEquals(3L, new JsonObject(task.stdoutText()).getLong("offset"));
      assertEquals(0, sub.waitFor(WAIT), sub.stderrText());
      List<String> lines = sub.stdout();
      assertEquals(3, lines.size(), String.join("\n", lines));
      JsonObject first = new JsonObject(lines.get(0));
      assertEquals("channel.message.posted", first.getString("event_name"));
      assertEquals("alice", first.getString("source_id"));
      assertEquals("hello @watcher", first.getJsonObject("payload").getString("text"));
      assertEquals(posted.getString("event_id"), first.getString("event_id"));
      JsonObject mention = new JsonObject(lines.get(1));
      assertEquals("channel.message.mentioned", mention.getString("event_name"));
      JsonObject third = new JsonObject(lines.get(2));
      assertEquals("task.created.urgent", third.getString("event_name"));
      assertEquals(7, third.getJsonObject("payload").getInteger("id"));
      assertEquals(3L, third.getLong("offset"));

      Proc history = Proc.run(Map.of(), "history", "--url", server.wsUrl(), "ops");
      assertEquals(0, history.exit(), history.stderrText());
      List<String> page = history.stdout();
      assertEquals(List.of("channel.message.posted", "metrics.sample", "task.created.urgent"),
          page.stream().map(l -> new JsonObject(l).getString("event_name")).toList());
      assertEquals(List.of(1L, 2L, 3L), page.stream().map(l -> new JsonObject(l).getLong("offset")).toList());
      Proc last = Proc.run(Map.of(), "history", "--url", server.wsUrl(), "ops", "--limit", "1");
      assertEquals(List.of(3L), last.stdout().stream().map(l -> new JsonObject(l).getLong("offset")).toList());
    }
  }

  @Test
  void requestPrintsTheReplyAndAgentsListsWhoIsThere() throws Exception {
    AgentClient worker = agent("worker-1");
    worker.registerEventHandler(e -> {
      if (e.requiresResponse()) {
        worker.respond(e, "done: " + e.text());
      }
    }, "agent.message");
    await(worker.connect(server.wsUrl()));
    try {
      Proc request = Proc.run(Map.of(), "request", "--url", server.wsUrl(), "worker-1", "build it", "--timeout", "30s");
      assertEquals(0, request.exit(), request.stderrText());
      assertEquals(1, request.stdout().size(), request.stdoutText());
      JsonObject reply = new JsonObject(request.stdoutText());
      assertEquals("worker-1", reply.getString("source_id"));
      assertEquals("done: build it", reply.getJsonObject("payload").getString("text"));
      assertTrue(reply.getString("response_to") != null);

      Proc agents = Proc.run(Map.of(), "agents", "--url", server.wsUrl());
      assertEquals(0, agents.exit(), agents.stderrText());
      List<String> ids = agents.stdout().stream().map(l -> new JsonObject(l).getString("agent_id")).toList();
      assertEquals(List.of("worker-1"), ids);
      Proc channels = Proc.run(Map.of(), "channels", "--url", server.wsUrl());
      assertEquals(0, channels.exit(), channels.stderrText());
      for (String line : channels.stdout()) {
        assertTrue(new JsonObject(line).containsKey("last_offset"), line);
      }
    } finally {
      await(worker.close());
    }
  }

  @Test
  void failuresHaveDistinctExitStatuses() throws Exception {
    Proc absent = Proc.run(Map.of(), "request", "--url", server.wsUrl(), "nobody", "hi");
    assertEquals(4, absent.exit(), absent.stderrText());
    assertTrue(absent.stderrText().contains("not_found"), absent.stderrText());
    AgentClient silent = agent("silent");
    await(silent.connect(server.wsUrl()));
    try {
      Proc timeout = Proc.run(Map.of(), "request", "--url", server.wsUrl(), "silent", "hi", "--timeout", "1s");
      assertEquals(5, timeout.exit(), timeout.stderrText());
      assertTrue(timeout.stderrText().contains("timeout"), timeout.stderrText());
    } finally {
      await(silent.close());
    }
    Proc unreachable = Proc.run(Map.of(), "agents", "--url", "ws://127.0.0.1:1/ws");
    assertEquals(3, unreachable.exit(), unreachable.stderrText());
    Proc badPayload = Proc.run(Map.of(), "pub", "--url", server.wsUrl(), "x.y", "not json");
    assertEquals(2, badPayload.exit(), badPayload.stderrText());
  }
}
