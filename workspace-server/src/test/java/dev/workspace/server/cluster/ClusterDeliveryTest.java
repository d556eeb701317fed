package dev.workspace.server.cluster;

import static dev.workspace.server.cluster.ClusterFixture.briefs;
import static dev.workspace.server.cluster.ClusterFixture.join;
import static dev.workspace.server.cluster.ClusterFixture.json;
import static dev.workspace.server.cluster.ClusterFixture.post;
import static dev.workspace.server.cluster.ClusterFixture.publish;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.workspace.model.CloseCodes;
import dev.workspace.server.WorkspaceServer;
import dev.workspace.server.testing.RawClient;
import dev.workspace.server.testing.RedisProcess;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Three nodes on one real Redis: everything an agent can do works the same whichever node it is on. */
class ClusterDeliveryTest {
  private static RedisProcess redis;
  private ClusterFixture cluster;
  private WorkspaceServer a;
  private WorkspaceServer b;
  private WorkspaceServer c;

  @BeforeAll
  static void startRedis() {
    redis = RedisProcess.start();
  }

  @AfterAll
  static void stopRedis() {
    redis.close();
  }

  @BeforeEach
  void startNodes() {
    cluster = new ClusterFixture(redis);
    a = cluster.node("node-a");
    b = cluster.node("node-b");
    c = cluster.node("node-c");
  }

  @AfterEach
  void stopNodes() {
    cluster.close();
    try (var r = redis.client()) {
      r.call("FLUSHALL");
    }
  }

  @Test
  void channelPostsReachMembersOnEveryNodeOnceAndInOffsetOrder() throws Exception {
    RawClient a1 = cluster.connect(a, "a1");
    RawClient b1 = cluster.connect(b, "b1");
    RawClient c1 = cluster.connect(c, "c1");
    RawClient a2 = cluster.connect(a, "a2");
    for (RawClient x : List.of(a1, b1, c1, a2)) {
      join(x, "room");
    }
    cluster.quiet(a, a1, b1, c1, a2);

    int perPublisher = 60;
    List<RawClient> publishers = List.of(a1, b1, c1);
    Map<RawClient, List<Long>> acked = new HashMap<>();
    List<Thread> threads = new ArrayList<>();
    for (RawClient p : publishers) {
      List<Long> offsets = new ArrayList<>();
      acked.put(p, offsets);
      Thread t = new Thread(() -> {
        for (int i = 0; i < perPublisher; i++) {
          offsets.add(post(p, "room", "m" + i));
        }
      });
      threads.add(t);
      t.start();
    }
    for (Thread t : threads) {
      t.join(60_000);
      assertFalse(t.isAlive(), "publisher did not finish");
    }
    TreeSet<Long> all = new TreeSet<>();
    acked.values().forEach(all::addAll);
    assertEquals(3 * perPublisher, all.size(), "every post got its own offset");
    assertEquals(1L, all.first());
    assertEquals(3L * perPublisher, all.last());

    Map<RawClient, String> names = Map.of(a1, "a1", b1, "b1", c1, "c1", a2, "a2");
    for (RawClient r : List.of(a1, b1, c1, a2)) {
      List<ObjectNode> got = cluster.settle(b, r);
      List<Long> expected = new ArrayList<>();
      for (long o : all) {
        if (!acked.getOrDefault(r, List.of()).contains(o)) {
          expected.add(o);
        }
      }
      List<Long> offsets = new ArrayList<>();
      Map<String, Integer> nextText = new HashMap<>();
      for (ObjectNode ev : got) {
        assertEquals("channel.message.posted", ev.get("event_name").asText(), () -> names.get(r) + " got " + ev);
        offsets.add(ev.get("offset").asLong());
        String source = ev.get("source_id").asText();
        int n = nextText.getOrDefault(source, 0);
        assertEquals("m" + n, ev.get("payload").get("text").asText(),
            () -> names.get(r) + ": each publisher's posts arrive in its order; got " + got + " acked " + acked.values());
        nextText.put(source, n + 1);
      }
      assertEquals(expected, offsets, names.get(r) + " receives every other post once, in offset order");
    }

    List<JsonNode> histories = new ArrayList<>();
    for (WorkspaceServer n : List.of(a, b, c)) {
      ObjectNode page = json(cluster.get(n, "/api/channels/room/messages?limit=500"));
      histories.add(page.get("events"));
      assertEquals(3 * perPublisher, page.get("events").size());
      assertEquals(3L * perPublisher, page.get("last_offset").asLong());
      assertEquals(1L, page.get("first_offset").asLong());
    }
    assertEquals(histories.get(0), histories.get(1), "history is the same from every node");
    assertEquals(histories.get(0), histories.get(2), "history is the same from every node");
  }

  @Test
  void directMessagesRequestsRepliesBroadcastsAndMentionsCrossNodes() {
    RawClient alice = cluster.connect(a, "alice");
    RawClient bob = cluster.connect(b, "bob");
    RawClient carol = cluster.connect(c, "carol");
    for (RawClient x : List.of(alice, bob, carol)) {
      join(x, "room");
    }
    cluster.quiet(a, alice, bob, carol);

    ObjectNode dm = publish(alice, "{\"event_name\":\"agent.message\",\"destination_id\":\"agent:bob\","
        + "\"payload\":{\"text\":\"hi bob\"}}");
    assertEquals(1L, dm.get("result").get("offset").asLong(), "first event of bob's inbox");
    ObjectNode request = publish(bob, "{\"event_id\":\"q1\",\"event_name\":\"task.ask\",\"destination_id\":\"agent:carol\","
        + "\"requires_response\":true,\"payload\":{\"text\":\"sum?\"}}");
    assertEquals("ack", request.get("type").asText(), request::toString);
    ObjectNode reply = publish(carol, "{\"event_name\":\"agent.response\",\"destination_id\":\"agent:bob\","
        + "\"response_to\":\"q1\",\"payload\":{\"text\":\"42\"}}");
    assertEquals("ack", reply.get("type").asText(), reply::toString);
    ObjectNode bc = publish(carol, "{\"event_name\":\"agent.broadcast\",\"destination_id\":\"agent:broadcast\","
        + "\"payload\":{\"text\":\"all hands\"}}");
    assertEquals("ack", bc.get("type").asText(), bc::toString);
    post(alice, "room", "thanks @bob");

    List<ObjectNode> toBob = cluster.settle(c, bob);
    assertEquals(List.of("agent.message alice hi bob", "agent.response carol 42", "agent.broadcast carol all hands",
        "channel.message.posted alice thanks @bob", "channel.message.mentioned alice thanks @bob"), briefs(toBob));
    assertEquals("q1", toBob.get(1).get("response_to").asText());
    assertEquals(1L, toBob.get(0).get("offset").asLong());
    assertEquals(2L, toBob.get(1).get("offset").asLong());
    assertEquals(3L, toBob.get(4).get("offset").asLong(), "the mention lands in bob's inbox");
    assertEquals("room", toBob.get(4).get("payload").get("channel").asText());
    assertEquals(toBob.get(3).get("event_id").asText(), toBob.get(4).get("payload").get("post_id").asText());

    List<ObjectNode> toCarol = cluster.settle(a, carol);
    assertEquals(List.of("task.ask bob sum?", "channel.message.posted alice thanks @bob"), briefs(toCarol));
    assertTrue(toCarol.get(0).get("requires_response").asBoolean());

    List<ObjectNode> toAlice = cluster.settle(b, alice);
    assertEquals(List.of("agent.broadcast carol all hands"), briefs(toAlice));
  }

  @Test
  void repliesReachAnAgentOnAnotherNodeWhateverItsSubscriptions() {
    RawClient asker = cluster.connectWith(a, "\"agent_id\":\"asker\",\"subscriptions\":[]");
    RawClient worker = cluster.connect(b, "worker");
    cluster.quiet(a, worker);
    ObjectNode req = publish(asker, "{\"event_id\":\"r1\",\"event_name\":\"task.run\",\"destination_id\":\"agent:worker\","
        + "\"requires_response\":true,\"payload\":{}}");
    assertEquals("ack", req.get("type").asText(), req::toString);
    ObjectNode got = worker.nextEvent();
    assertEquals("r1", got.get("event_id").asText());
    publish(worker, "{\"event_name\":\"task.done\",\"destination_id\":\"agent:asker\",\"response_to\":\"r1\","
        + "\"payload\":{\"ok\":true}}");
    publish(worker, "{\"event_name\":\"task.noise\",\"destination_id\":\"agent:asker\",\"payload\":{}}");
    ObjectNode answer = asker.nextEvent();
    assertEquals("task.done", answer.get("event_name").asText());
    assertEquals("r1", answer.get("response_to").asText());
    cluster.quiet(c, worker);
    asker.assertNothingElse();
  }

  @Test
  void discoveryListsTheAgentsOfEveryNode() {
    RawClient alice = cluster.connectWith(a, "\"agent_id\":\"alice\",\"metadata\":{\"capabilities\":[\"search\"]}");
    RawClient bob = cluster.connectWith(b, "\"agent_id\":\"bob\",\"metadata\":{\"capabilities\":[\"write\"]}");
    RawClient carol = cluster.connect(c, "carol");
    join(bob, "room");
    join(carol, "room");

    ObjectNode listed = alice.request("{\"type\":\"list_agents\"}");
    JsonNode agents = listed.get("result").get("agents");
    assertEquals(3, agents.size(), listed::toString);
    assertEquals("alice", agents.get(0).get("agent_id").asText());
    assertEquals("node-a", agents.get(0).get("node_id").asText());
    assertEquals("bob", agents.get(1).get("agent_id").asText());
    assertEquals("node-b", agents.get(1).get("node_id").asText());
    assertEquals("carol", agents.get(2).get("agent_id").asText());
    assertEquals("node-c", agents.get(2).get("node_id").asText());

    ObjectNode searchers = json(cluster.get(c, "/api/agents?capability=search"));
    assertEquals(1, searchers.get("agents").size());
    assertEquals("alice", searchers.get("agents").get(0).get("agent_id").asText());
    assertEquals(3, json(cluster.get(b, "/api/agents")).get("agents").size());

    ObjectNode channels = alice.request("{\"type\":\"list_channels\"}");
    JsonNode list = channels.get("result").get("channels");
    assertEquals(2, list.size(), channels::toString);
    assertEquals("general", list.get(0).get("name").asText());
    assertEquals("room", list.get(1).get("name").asText());
    assertEquals(2, list.get(1).get("members").asInt());
    ObjectNode members = alice.request("{\"type\":\"members\",\"channel\":\"room\"}");
    assertEquals("[\"bob\",\"carol\"]", members.get("result").get("members").toString());
  }

  @Test
  void presenceEventsFireOnEveryNode() {
    RawClient alice = cluster.connect(a, "alice");
    join(alice, "room");
    cluster.quiet(a, alice);

    RawClient bob = cluster.connect(b, "bob");
    join(bob, "room");
    ObjectNode left = bob.request("{\"type\":\"leave\",\"channel\":\"room\"}");
    assertEquals("ack", left.get("type").asText());
    List<ObjectNode> got = cluster.settle(c, alice);
    assertEquals(List.of("agent.joined bob", "channel.joined bob", "channel.left bob left"), briefs(got));

    join(bob, "room");
    assertEquals(List.of("channel.joined bob"), briefs(cluster.settle(c, alice)));
    bob.close();
    ObjectNode channelLeft = alice.nextEvent();
    assertEquals("channel.left bob disconnected", ClusterFixture.brief(channelLeft));
    ObjectNode agentLeft = alice.nextEvent();
    assertEquals("agent.left bob", ClusterFixture.brief(agentLeft));
    assertEquals(List.of(), briefs(cluster.settle(b, alice)));
  }

  @Test
  void aReconnectingAgentRecoversMissedPostsFromAnotherNode() {
    RawClient alice = cluster.connect(a, "alice");
    RawClient bob = cluster.connect(b, "bob");
    ObjectNode joined = join(alice, "room");
    String epoch = joined.get("epoch").asText();
    join(bob, "room");
    post(bob, "room", "one");
    cluster.quiet(c, alice, bob);
    alice.close();
    post(bob, "room", "two");
    post(bob, "room", "three");

    RawClient again = cluster.connectWith(c, "\"agent_id\":\"alice\",\"recover\":{\"channels\":{\"room\":"
        + "{\"offset\":1,\"epoch\":\"" + epoch + "\"}}}");
    List<ObjectNode> got = cluster.settle(a, again);
    assertEquals(List.of("channel.message.posted bob two", "channel.message.posted bob three"), briefs(got));
    assertEquals(2L, got.get(0).get("offset").asLong());
    assertEquals(3L, got.get(1).get("offset").asLong());
  }

  @Test
  void streamsAreRecoveredThroughANodeThatRestarted() {
    RawClient alice = cluster.open(a);
    ObjectNode connected = alice.request("{\"type\":\"connect\",\"agent_id\":\"alice\"}");
    String inboxEpoch = connected.get("result").get("inbox").get("epoch").asText();
    String roomEpoch = join(alice, "room").get("epoch").asText();
    RawClient bob = cluster.connect(b, "bob");
    join(bob, "room");
    post(bob, "room", "one");
    cluster.quiet(c, alice, bob);

    cluster.stop(a);
    assertEquals(CloseCodes.GOING_AWAY, alice.awaitClose());
    post(bob, "room", "two");
    ObjectNode queued = publish(bob, "{\"event_name\":\"agent.message\",\"destination_id\":\"agent:alice\","
        + "\"payload\":{\"text\":\"while you were away\"}}");
    assertTrue(queued.get("result").get("queued").asBoolean(), queued::toString);
    WorkspaceServer restarted = cluster.node("node-a");

    RawClient again = cluster.connectWith(restarted, "\"agent_id\":\"alice\",\"recover\":{\"channels\":{\"room\":"
        + "{\"offset\":1,\"epoch\":\"" + roomEpoch + "\"}},\"inbox\":{\"offset\":0,\"epoch\":\"" + inboxEpoch + "\"}}");
    List<ObjectNode> got = cluster.settle(c, again);
    assertEquals(List.of("agent.message bob while you were away", "channel.message.posted bob two"), briefs(got));
    assertEquals(List.of("channel.left alice disconnected", "agent.left alice", "agent.joined alice"),
        briefs(cluster.settle(c, bob)), "re-joining through recover announces no channel.joined, as on one node");
  }

  @Test
  void aNewerConnectionOnAnotherNodeReplacesTheOlderOne() {
    RawClient watcher = cluster.connect(c, "watcher");
    RawClient first = cluster.connect(a, "alice");
    join(first, "room");
    cluster.quiet(c, watcher, first);

    RawClient second = cluster.connect(b, "alice");
    assertEquals(CloseCodes.REPLACED, first.awaitClose());
    ObjectNode dm = publish(watcher, "{\"event_name\":\"agent.message\",\"destination_id\":\"agent:alice\","
        + "\"payload\":{\"text\":\"still there?\"}}");
    assertEquals("ack", dm.get("type").asText(), dm::toString);
    post(second, "room", "yes, from b");
    assertEquals(List.of("agent.message watcher still there?"), briefs(cluster.settle(a, second)));
    assertEquals(List.of(), briefs(cluster.settle(a, watcher)), "no agent.left or agent.joined for the swap");
    ObjectNode agents = json(cluster.get(a, "/api/agents"));
    assertEquals("node-b", agents.get("agents").get(0).get("node_id").asText());
  }

  @Test
  void theAgentsOfAStoppedNodeAreReportedGone() {
    RawClient alice = cluster.connect(a, "alice");
    join(alice, "room");
    RawClient bob = cluster.connect(b, "bob");
    join(bob, "room");
    cluster.quiet(c, alice, bob);
    cluster.stop(b);
    assertEquals(CloseCodes.GOING_AWAY, bob.awaitClose());
    assertEquals(List.of("channel.left bob disconnected", "agent.left bob"), briefs(cluster.settle(c, alice)));
    assertEquals(1, json(cluster.get(c, "/api/agents")).get("agents").size());
  }

  @Test
  void aRequestToAnAgentConnectedNowhereFailsAtOnce() {
    RawClient alice = cluster.connect(a, "alice");
    ObjectNode err = publish(alice, "{\"event_name\":\"task.run\",\"destination_id\":\"agent:ghost\","
        + "\"requires_response\":true,\"payload\":{}}");
    assertEquals("error", err.get("type").asText());
    assertEquals("not_found", err.get("code").asText());
  }
}
