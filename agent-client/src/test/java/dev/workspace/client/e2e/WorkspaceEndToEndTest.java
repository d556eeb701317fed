package dev.workspace.client.e2e;

import static dev.workspace.client.e2e.E2E.await;
import static dev.workspace.client.e2e.E2E.failure;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.workspace.client.AgentClient;
import dev.workspace.client.AgentClientOptions;
import dev.workspace.client.AgentInfo;
import dev.workspace.client.ChannelInfo;
import dev.workspace.client.FailureKind;
import dev.workspace.client.HistoryPage;
import dev.workspace.client.HistoryQuery;
import dev.workspace.client.WorkspaceException;
import dev.workspace.model.Event;
import dev.workspace.server.ServerOptions;
import dev.workspace.server.WorkspaceServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Real AgentClients over real WebSockets against a real server on a free loopback port. */
class WorkspaceEndToEndTest {
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

  private AgentClient agent(String id, List<String> subscriptions, String... capabilities) {
    return agent("default", id, subscriptions, capabilities);
  }

  private AgentClient agent(String workspace, String id, List<String> subscriptions, String... capabilities) {
    AgentClient c = AgentClient.create(new AgentClientOptions().setAgentId(id).setWorkspace(workspace)
        .setSubscriptions(subscriptions));
    clients.add(c);
    await(c.connectToServer("127.0.0.1", server.port(), Map.of("name", id.toUpperCase(),
        "capabilities", List.of(capabilities))));
    return c;
  }

  @Test
  void channelPostsReachMembersInOffsetOrderAndNotOutsiders() {
    AgentClient alice = agent("alice", List.of("channel.message.*"));
    AgentClient bob = agent("bob", List.of("channel.message.*"));
    AgentClient eve = agent("eve", List.of("channel.message.*"));
    Recorder bobSaw = new Recorder(bob, "bob", "channel.message.*");
    Recorder eveSaw = new Recorder(eve, "eve", "channel.message.*");
    ChannelInfo joined = await(alice.workspace().channel("design").join());
    assertEquals("design", joined.name());
    await(bob.workspace().channel("design").join());
    for (int i = 1; i <= 20; i++) {
      assertEquals(i, await(alice.workspace().channel("design").post("m" + i)).offset());
    }
    List<Event> got = bobSaw.drain(alice);
    assertEquals(20, got.size());
    for (int i = 0; i < 20; i++) {
      assertEquals("m" + (i + 1), got.get(i).text());
      assertEquals(i + 1, got.get(i).offset());
      assertEquals("alice", got.get(i).sourceId());
      assertEquals("channel:design", got.get(i).destinationId());
    }
    assertEquals(List.of(), eveSaw.drain(alice));
    List<ChannelInfo> channels = await(eve.workspace().channels());
    assertEquals(List.of("design", "general"), channels.stream().map(ChannelInfo::name).toList());
    assertEquals(2, channels.get(0).members());
    assertEquals(20, channels.get(0).lastOffset());
    assertEquals(List.of("alice", "bob"), await(eve.workspace().channel("design").members()));
  }

  @Test
  void postingWithoutJoiningIsRefusedAndDeliveredToNoOne() {
    AgentClient alice = agent("alice", null);
    AgentClient bob = agent("bob", List.of("channel.message.*"));
    Recorder bobSaw = new Recorder(bob, "bob", "channel.message.*");
    await(bob.workspace().channel("general").join());
    WorkspaceException e = assertInstanceOf(WorkspaceException.class,
        failure(alice.workspace().channel("general").post("sneaky")));
    assertEquals(FailureKind.REJECTED, e.kind());
    assertEquals("not_member", e.code().wireName());
    assertEquals(List.of(), bobSaw.drain(alice));
  }

  @Test
  void botSubscribedToMentionsGetsOnlyItsMentions() {
    AgentClient alice = agent("alice", List.of());
    AgentClient bot = agent("bot", List.of("channel.message.mentioned"));
    Recorder botSaw = new Recorder(bot, "bot", "channel.message.mentioned");
    await(alice.workspace().channel("general").join());
    await(bot.workspace().channel("general").join());
    await(alice.workspace().channel("general").post("just chatting"));
    await(alice.workspace().channel("general").post("hey @bot, status?"));
    await(alice.workspace().channel("general").post("explicit", List.of("bot", "ghost")));
    List<Event> got = botSaw.drain(alice);
    assertEquals(List.of("channel.message.mentioned", "channel.message.mentioned"),
        got.stream().map(Event::eventName).toList());
    assertEquals("hey @bot, status?", got.get(0).payload().get("text").asText());
    assertEquals(2, got.get(0).payload().get("post_offset").asLong());
    assertEquals("general", got.get(0).payload().get("channel").asText());
    assertEquals("alice", got.get(0).sourceId());
    assertEquals(3, got.get(1).payload().get("post_offset").asLong());
  }

  @Test
  void directMessagesAndBroadcasts() {
    AgentClient alice = agent("alice", null);
    AgentClient bob = agent("bob", List.of("agent.message", "agent.broadcast"));
    AgentClient carol = agent("carol", List.of("agent.message", "agent.broadcast"));
    Recorder bobSaw = new Recorder(bob, "bob", "agent.message", "agent.broadcast");
    Recorder carolSaw = new Recorder(carol, "carol", "agent.message", "agent.broadcast");
    await(alice.workspace().agent("bob").send("for bob only"));
    await(alice.workspace().broadcast("to everyone"));
    List<Event> bobGot = bobSaw.drain(alice);
    assertEquals(List.of("agent.message", "agent.broadcast"), bobGot.stream().map(Event::eventName).toList());
    assertEquals("for bob only", bobGot.get(0).text());
    assertEquals("agent:bob", bobGot.get(0).destinationId());
    assertEquals("to everyone", bobGot.get(1).text());
    List<Event> carolGot = carolSaw.drain(alice);
    assertEquals(List.of("agent.broadcast"), carolGot.stream().map(Event::eventName).toList());
    WorkspaceException e = assertInstanceOf(WorkspaceException.class,
        failure(alice.workspace().agent("nobody").send("hello?")));
    assertEquals(FailureKind.NOT_FOUND, e.kind());
  }

  @Test
  void presenceEventsForAgentsAndChannels() {
    AgentClient watcher = agent("watcher", List.of("agent.*", "channel.joined", "channel.left"));
    Recorder saw = new Recorder(watcher, "watcher", "agent.*", "channel.joined", "channel.left");
    await(watcher.workspace().channel("general").join());
    AgentClient bob = agent("bob", null);
    await(bob.workspace().channel("general").join());
    await(bob.workspace().channel("general").leave());
    await(bob.workspace().channel("general").join());
    await(bob.disconnect());
    AgentClient peer = agent("peer", List.of());
    List<Event> got = saw.drain(peer);
    assertEquals(List.of("agent.joined", "channel.joined", "channel.left", "channel.joined", "channel.left",
        "agent.left", "agent.joined"), got.stream().map(Event::eventName).toList());
    assertEquals("bob", got.get(0).payload().get("agent_id").asText());
    assertEquals("left", got.get(2).payload().get("reason").asText());
    assertEquals("disconnected", got.get(4).payload().get("reason").asText());
    assertEquals("peer", got.get(6).payload().get("agent_id").asText());
  }

  @Test
  void discoveryListsAgentsWithMetadataAndFiltersByCapability() {
    AgentClient a = agent("searcher", List.of(), "search", "summarize");
    agent("writer", List.of(), "write");
    agent("checker", List.of(), "search");
    List<AgentInfo> all = await(a.listAgents());
    assertEquals(List.of("checker", "searcher", "writer"), all.stream().map(AgentInfo::agentId).toList());
    AgentInfo searcher = all.get(1);
    assertEquals("SEARCHER", searcher.metadata().get("name").asText());
    assertEquals(List.of("search", "summarize"), searcher.capabilities());
    assertEquals("online", searcher.status());
    assertTrue(searcher.connectedSince() > 0);
    assertEquals(List.of("checker", "searcher"),
        await(a.listAgents("search")).stream().map(AgentInfo::agentId).toList());
    assertEquals(List.of(), await(a.workspace().agents()).stream().filter(x -> x.agentId().equals("nobody")).toList());
  }

  @Test
  void historyPagesBackwardAndForwardWithCursors() {
    AgentClient alice = agent("alice", List.of());
    await(alice.workspace().channel("log").join());
    for (int i = 1; i <= 25; i++) {
      await(alice.workspace().channel("log").post("m" + i));
    }
    HistoryPage newest = await(alice.workspace().channel("log").history(HistoryQuery.latest(10)));
    assertEquals(offsets(16, 25), newest.events().stream().map(Event::offset).toList());
    assertTrue(newest.hasMore());
    HistoryPage older = await(alice.workspace().channel("log").history(HistoryQuery.before(16, 10)));
    assertEquals(offsets(6, 15), older.events().stream().map(Event::offset).toList());
    assertTrue(older.hasMore());
    HistoryPage oldest = await(alice.workspace().channel("log").history(HistoryQuery.before(6, 10)));
    assertEquals(offsets(1, 5), oldest.events().stream().map(Event::offset).toList());
    assertFalse(oldest.hasMore());
    HistoryPage forward = await(alice.workspace().channel("log").history(HistoryQuery.after(20, 3)));
    assertEquals(offsets(21, 23), forward.events().stream().map(Event::offset).toList());
    assertTrue(forward.hasMore());
    HistoryPage end = await(alice.workspace().channel("log").history(HistoryQuery.after(23, 10)));
    assertEquals(offsets(24, 25), end.events().stream().map(Event::offset).toList());
    assertFalse(end.hasMore());
    assertEquals("m24", end.events().get(0).text());
    assertEquals(1, end.firstOffset());
    assertEquals(25, end.lastOffset());
    WorkspaceException tooBig = assertInstanceOf(WorkspaceException.class,
        failure(alice.workspace().channel("log").history(null, null, 501)));
    assertEquals("limit_exceeded", tooBig.code().wireName());
  }

  private static List<Long> offsets(long from, long to) {
    List<Long> out = new ArrayList<>();
    for (long i = from; i <= to; i++) {
      out.add(i);
    }
    return out;
  }

  @Test
  void sendAndWaitGetsTheCorrelatedReplyNotAnyOtherEvent() {
    AgentClient asker = agent("asker", List.of());
    AgentClient worker = agent("worker", List.of("agent.message"));
    await(worker.registerEventHandler(req -> {
      if (req.requiresResponse()) {
        worker.sendEvent(Event.of("agent.message", "agent:asker").withPayload(
            JsonNodeFactory.instance.objectNode().put("text", "unrelated chatter first")));
        worker.respond(req, "answer to " + req.text());
      }
    }, "agent.message"));
    Event reply = await(asker.workspace().agent("worker").sendAndWait("question 1", Duration.ofSeconds(5)));
    assertEquals("answer to question 1", reply.text());
    assertEquals("worker", reply.sourceId());
    assertTrue(reply.responseTo() != null);
    Event second = await(asker.workspace().agent("worker").sendAndWait("question 2", Duration.ofSeconds(5)));
    assertEquals("answer to question 2", second.text());
  }

  @Test
  void sendAndWaitFailsAtOnceForAnAbsentAgentAndTimesOutForASilentOne() {
    AgentClient asker = agent("asker", List.of());
    agent("silent", List.of());
    long t0 = System.nanoTime();
    WorkspaceException absent = assertInstanceOf(WorkspaceException.class,
        failure(asker.workspace().agent("nobody").sendAndWait("hello?", Duration.ofSeconds(30))));
    assertEquals(FailureKind.NOT_FOUND, absent.kind());
    assertTrue(System.nanoTime() - t0 < Duration.ofSeconds(10).toNanos(), "not_found must not wait for the timeout");
    WorkspaceException silent = assertInstanceOf(WorkspaceException.class,
        failure(asker.workspace().agent("silent").sendAndWait("hello?", Duration.ofMillis(300))));
    assertEquals(FailureKind.TIMEOUT, silent.kind());
    assertTrue(silent.getMessage().contains("300"), silent.getMessage());
  }

  @Test
  void waitEventSeesAnEventThatArrivesRightAfterTheCall() {
    AgentClient alice = agent("alice", null);
    AgentClient bob = agent("bob", List.of("agent.message"));
    for (int i = 0; i < 20; i++) {
      String text = "n" + i;
      var waiting = bob.waitEvent(e -> text.equals(e.text()), E2E.WAIT);
      await(alice.workspace().agent("bob").send(text));
      assertEquals(text, await(waiting).text());
    }
  }

  @Test
  void workspacesDoNotSeeEachOther() {
    AgentClient a1 = agent("one", "alice", null);
    AgentClient b2 = agent("two", "bob", null);
    Recorder bobSaw = new Recorder(b2, "bob");
    AgentClient c2 = agent("two", "carol", List.of());
    await(a1.workspace().channel("general").join());
    await(b2.workspace().channel("general").join());
    await(a1.workspace().channel("general").post("only in one"));
    await(a1.workspace().broadcast("one-wide"));
    assertEquals(FailureKind.NOT_FOUND,
        ((WorkspaceException) failure(a1.workspace().agent("bob").send("cross?"))).kind());
    assertEquals(List.of("alice"), await(a1.listAgents()).stream().map(AgentInfo::agentId).toList());
    assertEquals(List.of("bob", "carol"), await(b2.listAgents()).stream().map(AgentInfo::agentId).toList());
    assertEquals(0, await(b2.workspace().channel("general").history(null, null, 10)).events().size());
    assertEquals(List.of("agent.joined"), bobSaw.names(c2));
  }
}
