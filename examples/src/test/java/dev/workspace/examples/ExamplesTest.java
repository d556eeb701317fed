package dev.workspace.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.workspace.client.AgentClient;
import dev.workspace.client.AgentClientOptions;
import dev.workspace.model.Event;
import dev.workspace.server.ServerOptions;
import dev.workspace.server.WorkspaceServer;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Each example against a real server on a free loopback port. */
class ExamplesTest {
  private static final Duration WAIT = Duration.ofSeconds(10);
  private WorkspaceServer server;
  private final List<AgentClient> clients = new ArrayList<>();

  @BeforeEach
  void start() {
    server = await(WorkspaceServer.start(new ServerOptions().setHost("127.0.0.1").setPort(0).setInstances(2)));
  }

  @AfterEach
  void stop() {
    for (AgentClient c : clients) {
      await(c.close());
    }
    await(server.close());
  }

  private static <T> T await(Future<T> f) {
    try {
      return f.toCompletionStage().toCompletableFuture().get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private AgentClient human(String id, List<String> subscriptions) {
    AgentClient c = AgentClient.create(new AgentClientOptions().setAgentId(id).setSubscriptions(subscriptions));
    clients.add(c);
    await(c.connectToServer("127.0.0.1", server.port(), Map.of("name", id)));
    return c;
  }

  @Test
  void chatAgentsTalkInASharedChannelAndAnswerPing() {
    AgentClient carol = human("carol", List.of("channel.message.posted"));
    await(carol.workspace().channel("lobby").join());
    Future<Event> hello = carol.waitEvent(e -> "hello from alice".equals(e.text()), WAIT);
    ChatAgent alice = await(ChatAgent.start("127.0.0.1", server.port(), "alice", "lobby"));
    clients.add(alice.client());
    Event greeting = await(hello);
    assertEquals("alice", greeting.sourceId());
    assertEquals("channel:lobby", greeting.destinationId());
    Future<Event> pong = carol.waitEvent(e -> e.sourceId().equals("alice"), WAIT);
    await(carol.workspace().channel("lobby").post("ping"));
    assertEquals("pong", await(pong).text());
    List<Event> history = await(carol.workspace().channel("lobby").history(null, null, 10)).events();
    assertEquals(List.of("hello from alice", "ping", "pong"), history.stream().map(Event::text).toList());
  }

  @Test
  void mentionBotAnswersOnlyItsMentions() {
    MentionBot bot = await(MentionBot.start("127.0.0.1", server.port(), "helper", List.of("general")));
    clients.add(bot.client());
    AgentClient dave = human("dave", List.of("channel.message.posted"));
    await(dave.workspace().channel("general").join());
    await(dave.workspace().channel("general").post("nobody asked the bot this"));
    Future<Event> answer = dave.waitEvent(e -> e.sourceId().equals("helper"), WAIT);
    await(dave.workspace().channel("general").post("@helper what is the plan"));
    Event a = await(answer);
    assertEquals("@dave you asked: \"what is the plan\" (4 words)", a.text());
    List<Event> history = await(dave.workspace().channel("general").history(null, null, 10)).events();
    assertEquals(3, history.size(), "the bot answered exactly one post: " + history);
  }

  @Test
  void orchestratorGathersEveryAnswerFromThePool() {
    for (String id : List.of("w1", "w2", "w3")) {
      clients.add(await(Worker.start("127.0.0.1", server.port(), id)).client());
    }
    Orchestrator o = await(Orchestrator.connect("127.0.0.1", server.port(), "boss"));
    clients.add(o.client());
    List<String> tasks = List.of("alpha", "bravo", "charlie", "delta", "echo");
    List<Orchestrator.Outcome> outcomes = await(o.run(tasks, WAIT));
    assertEquals(5, outcomes.size());
    for (int i = 0; i < tasks.size(); i++) {
      Orchestrator.Outcome out = outcomes.get(i);
      assertNull(out.failure());
      assertEquals(tasks.get(i), out.answer().get("task").asText());
      assertEquals(new StringBuilder(tasks.get(i)).reverse().toString(), out.answer().get("result").asText());
      assertEquals(out.worker(), out.answer().get("worker").asText());
      assertTrue(List.of("w1", "w2", "w3").contains(out.worker()), out.worker());
    }
    for (AgentClient c : List.copyOf(clients.subList(0, 3))) {
      await(c.close());
    }
    clients.subList(0, 3).clear();
    Orchestrator.Outcome none = await(o.run(List.of("nobody"), WAIT)).get(0);
    assertEquals(dev.workspace.client.FailureKind.NOT_FOUND, none.failure().kind());
  }

  @Test
  void anInteractiveCallerSeesTheStreamAndAnswersTheHostsQuestions() {
    clients.add(await(ResearchHost.start("127.0.0.1", server.port(), "researcher")).client());
    AgentClient person = human("person", List.of());
    List<String> prompts = new java.util.concurrent.CopyOnWriteArrayList<>();
    java.util.Iterator<String> answers = List.of("2", "s", "1", "1", "n").iterator();
    java.io.ByteArrayOutputStream shown = new java.io.ByteArrayOutputStream();
    java.io.PrintStream out = new java.io.PrintStream(shown, true, java.nio.charset.StandardCharsets.UTF_8);
    java.util.function.Function<String, String> typist = prompt -> {
      prompts.add(prompt);
      return answers.next();
    };
    assertEquals("- llamas has 3 notes draft deleted",
        await(InteractiveCaller.run(person, "researcher", "s1", "llamas", typist, out)).text());
    assertEquals("alpacas has 3 notes. draft deleted",
        await(InteractiveCaller.run(person, "researcher", "s1", "alpacas", typist, out)).text());
    assertEquals("vicunas has 3 notes. draft kept (declined at the terminal)",
        await(InteractiveCaller.run(person, "researcher", "s2", "vicunas", typist, out)).text());
    assertEquals(5, prompts.size(), "the session approval was not asked again: " + prompts);
    assertTrue(prompts.get(0).contains("Which format do you want?") && prompts.get(0).contains("2) bullets"));
    assertTrue(prompts.get(1).contains("delete_draft") && prompts.get(1).contains("[y = once, s = session, n = no]"));
    assertTrue(prompts.get(3).contains("Which format"), prompts.toString());
    assertTrue(prompts.get(4).contains("delete_draft"), prompts.toString());
    String text = shown.toString(java.nio.charset.StandardCharsets.UTF_8);
    assertTrue(text.contains("[thinking] planning how to research 'llamas'"), text);
    assertTrue(text.contains("[tool] search {\"q\":\"llamas\"}"), text);
    assertTrue(text.contains("[tool] delete_draft {\"path\":\"draft.txt\"}"), text);
    assertTrue(text.contains("- llamas has 3 notes draft deleted\n[done] - llamas has 3 notes draft deleted"), text);
  }
}
