package dev.workspace.server.cluster;

import static dev.workspace.server.cluster.ClusterFixture.brief;
import static dev.workspace.server.cluster.ClusterFixture.briefs;
import static dev.workspace.server.cluster.ClusterFixture.join;
import static dev.workspace.server.cluster.ClusterFixture.post;
import static dev.workspace.server.cluster.ClusterFixture.publish;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.workspace.server.WorkspaceServer;
import dev.workspace.server.testing.RawClient;
import dev.workspace.server.testing.RedisProcess;
import dev.workspace.server.testing.RespClient;
import dev.workspace.server.testing.TestServers;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Redis stops for five seconds (killed, then started again on the same port and data) under two nodes with the
 * default cluster settings: the nodes stay up and report not ready, same-node delivery goes on, cross-node
 * delivery comes back within ten seconds of Redis, and what a node's clients missed is announced to them.
 */
class RedisOutageTest {
  private static final Duration OUTAGE = Duration.ofSeconds(5);

  private RedisProcess redis;
  private ClusterFixture cluster;

  @BeforeEach
  void start() {
    redis = RedisProcess.start(true);
    cluster = new ClusterFixture(redis);
  }

  @AfterEach
  void stop() {
    cluster.close();
    redis.close();
  }

  @Test
  void nodesRideOutARedisOutageAndAnnounceWhatCouldNotCross() {
    WorkspaceServer a = cluster.node(TestServers.options().setRedisUri(redis.uri()).setNodeId("node-a"));
    WorkspaceServer b = cluster.node(TestServers.options().setRedisUri(redis.uri()).setNodeId("node-b"));
    RawClient a1 = cluster.connect(a, "a1");
    RawClient a2 = cluster.connect(a, "a2");
    RawClient a3 = cluster.connect(a, "a3");
    RawClient b1 = cluster.connect(b, "b1");
    for (RawClient c : List.of(a1, a2, a3, b1)) {
      join(c, "ops");
    }
    assertEquals(1L, post(a1, "ops", "before"));
    cluster.quiet(b, a1, a2, a3, b1);

    long stoppedAt = System.nanoTime();
    redis.kill();
    cluster.awaitReady(a.port(), 503, Duration.ofSeconds(5));
    cluster.awaitReady(b.port(), 503, Duration.ofSeconds(5));

    ObjectNode during = publish(a1, "{\"event_name\":\"channel.message.posted\",\"destination_id\":\"channel:ops\","
        + "\"payload\":{\"text\":\"during\"}}");
    assertEquals("ack", during.get("type").asText(), during::toString);
    assertFalse(during.get("result").has("offset"), "no offset can be given without Redis");
    ObjectNode local = a2.nextEvent();
    assertEquals("channel.message.posted a1 during", brief(local));
    assertFalse(local.has("offset"));
    ObjectNode dm = publish(a1, "{\"event_name\":\"agent.message\",\"destination_id\":\"agent:a2\","
        + "\"payload\":{\"text\":\"psst\"}}");
    assertEquals("ack", dm.get("type").asText(), dm::toString);
    assertEquals("agent.message a1 psst", brief(a2.nextEvent()));
    ObjectNode remote = publish(a1, "{\"event_name\":\"agent.message\",\"destination_id\":\"agent:b1\","
        + "\"payload\":{\"text\":\"hello?\"}}");
    assertEquals("error", remote.get("type").asText(), remote::toString);
    assertEquals("unavailable", remote.get("code").asText());
    assertEquals(503, cluster.get(a, "/api/agents").statusCode());
    a3.close();
    a1.assertNothingElse();
    a2.assertNothingElse();
    b1.assertNothingElse();

    long left = OUTAGE.toMillis() - (System.nanoTime() - stoppedAt) / 1_000_000;
    if (left > 0) {
      ClusterFixture.pause(left);
    }
    redis.restart();
    long readyA = cluster.awaitReady(a.port(), 200, Duration.ofSeconds(10));
    long readyB = cluster.awaitReady(b.port(), 200, Duration.ofSeconds(10));
    assertTrue(Math.max(readyA, readyB) < 10_000);

    List<ObjectNode> toB1 = cluster.settle(b, b1);
    List<String> b1Briefs = briefs(toB1);
    int departure = b1Briefs.indexOf("channel.left a3 disconnected");
    if (departure >= 0) {
      // Presence crosses Redis at most once: whether node-b was subscribed again when node-a announced a3's
      // departure is a race, and the presence gap notice covers the case where it was not.
      assertEquals("agent.left a3", b1Briefs.get(departure + 1), b1Briefs::toString);
      toB1.remove(departure + 1);
      toB1.remove(departure);
    }
    toB1.sort((x, y) -> x.get("payload").get("reason").asText().compareTo(y.get("payload").get("reason").asText()));
    assertEquals(List.of("stream.gap system disconnected", "stream.gap system not_replicated"), briefs(toB1),
        b1Briefs::toString);
    assertEquals("presence", toB1.get(0).get("payload").get("stream").asText());
    JsonNode notReplicated = toB1.get(1).get("payload");
    assertEquals("channel:ops", notReplicated.get("stream").asText());
    assertEquals(1, notReplicated.get("count").asInt());
    assertEquals("node-a", notReplicated.get("node_id").asText());
    assertEquals("channel:ops", toB1.get(1).get("destination_id").asText());
    assertEquals(2L, toB1.get(1).get("offset").asLong(), "the notice is kept in the channel's history");
    for (RawClient c : List.of(a1, a2)) {
      List<ObjectNode> got = cluster.settle(b, c);
      List<String> names = briefs(got);
      assertTrue(names.remove("stream.gap system disconnected"), names::toString);
      assertEquals(List.of("channel.left a3 disconnected", "agent.left a3"), names,
          "a departure while Redis was away is announced when it is back");
    }
    List<String> agents = new ArrayList<>();
    ClusterFixture.json(cluster.get(b, "/api/agents")).get("agents").forEach(x -> agents.add(x.get("agent_id").asText()));
    assertEquals(List.of("a1", "a2", "b1"), agents);

    assertEquals(3L, post(b1, "ops", "after"), "offsets go on where they were");
    ObjectNode toRemote = publish(a1, "{\"event_name\":\"agent.message\",\"destination_id\":\"agent:b1\","
        + "\"payload\":{\"text\":\"back\"}}");
    assertEquals("ack", toRemote.get("type").asText(), toRemote::toString);
    assertEquals(List.of("channel.message.posted b1 after"), briefs(cluster.settle(b, a1)));
    List<ObjectNode> toA2 = cluster.settle(b, a2);
    assertEquals(List.of("channel.message.posted b1 after"), briefs(toA2));
    assertEquals(3L, toA2.get(0).get("offset").asLong());
    assertEquals(List.of("agent.message a1 back"), briefs(cluster.settle(a, b1)));

    ObjectNode history = ClusterFixture.json(cluster.get(b, "/api/channels/ops/messages"));
    List<String> kept = new ArrayList<>();
    history.get("events").forEach(e -> kept.add(brief((ObjectNode) e)));
    assertEquals(List.of("channel.message.posted a1 before", "stream.gap system not_replicated",
        "channel.message.posted b1 after"), kept, "what only node-a's sessions saw is not in history, its notice is");
  }

  @Test
  void aNodeStartedWhileRedisIsDownServesOnceRedisComes() {
    redis.kill();
    WorkspaceServer a = cluster.node(TestServers.options().setRedisUri(redis.uri()).setNodeId("node-a"));
    assertEquals(503, cluster.get(a, "/ready").statusCode());
    RawClient early = RawClient.open(cluster.vertx, a.port());
    ObjectNode refused = early.request("{\"type\":\"connect\",\"agent_id\":\"early\"}");
    assertEquals("error", refused.get("type").asText(), refused::toString);
    assertEquals("unavailable", refused.get("code").asText());
    early.close();

    redis.restart();
    assertTrue(cluster.awaitReady(a.port(), 200, Duration.ofSeconds(10)) < 10_000);
    RawClient alice = cluster.connect(a, "alice");
    join(alice, "ops");
    assertEquals(1L, post(alice, "ops", "first"));
    assertEquals(List.of(), briefs(cluster.settle(a, alice)));
  }

  @Test
  void aRedisThatStopsAnsweringIsDetectedAndNoRequestWaitsForever() {
    WorkspaceServer a = cluster.node(cluster.options("node-a").setRedisCommandTimeout(Duration.ofSeconds(1)));
    RawClient alice = cluster.connect(a, "alice");
    join(alice, "ops");
    try (RespClient admin = redis.client()) {
      assertEquals("OK", admin.call("CLIENT", "PAUSE", "3000", "ALL"));
    }
    long sentAt = System.nanoTime();
    ObjectNode answer = publish(alice, "{\"event_name\":\"channel.message.posted\",\"destination_id\":\"channel:ops\","
        + "\"payload\":{\"text\":\"anyone?\"}}");
    long tookMs = (System.nanoTime() - sentAt) / 1_000_000;
    assertEquals("error", answer.get("type").asText(), answer::toString);
    assertEquals("unavailable", answer.get("code").asText());
    assertTrue(tookMs < 2_900, "answered after " + tookMs + " ms, before Redis answers again");
    assertEquals(503, cluster.get(a, "/ready").statusCode());
    cluster.awaitReady(a.port(), 200, Duration.ofSeconds(10));
    assertEquals(1L, post(alice, "ops", "back"));
  }
}
