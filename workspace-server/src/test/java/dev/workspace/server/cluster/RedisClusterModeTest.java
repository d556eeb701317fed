package dev.workspace.server.cluster;

import static dev.workspace.server.cluster.ClusterFixture.brief;
import static dev.workspace.server.cluster.ClusterFixture.join;
import static dev.workspace.server.cluster.ClusterFixture.publish;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.workspace.server.WorkspaceServer;
import dev.workspace.server.testing.RawClient;
import dev.workspace.server.testing.RedisClusterProcesses;
import dev.workspace.server.testing.RedisProcess;
import dev.workspace.server.testing.RespClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Two workspace nodes on a Redis Cluster of three primaries with a replica each: ten workspaces spread over the
 * three shards, each one's posts, direct messages, requests, presence and recovery across the two nodes; an
 * event's publish reaches only its shard; a shard's primary killed, its replica takes over, and its workspaces
 * go on in a new epoch with nothing acknowledged lost.
 */
class RedisClusterModeTest {
  private RedisClusterProcesses redis;
  private ClusterFixture cluster;

  @BeforeEach
  void start() {
    redis = RedisClusterProcesses.start();
    cluster = new ClusterFixture(redis.nodes().get(0));
  }

  @AfterEach
  void stop() {
    if (cluster != null) {
      cluster.close();
    }
    redis.close();
  }

  private RawClient connect(WorkspaceServer node, String workspace, String agent) {
    return cluster.connectWith(node, "\"agent_id\":\"" + agent + "\",\"workspace\":\"" + workspace + "\"");
  }

  @Test
  void workspacesSpreadOverTheShardsAndRideOutAShardFailover() {
    Map<String, Integer> candidates = new LinkedHashMap<>();
    for (int i = 0; i < 60; i++) {
      candidates.put("team-" + i, redis.primaryOf("ws:{team-" + i + "}:agents"));
    }
    Map<String, Integer> shardOf = new LinkedHashMap<>();
    candidates.forEach((ws, shard) -> {
      if (!shardOf.containsValue(shard)) {
        shardOf.put(ws, shard);
      }
    });
    candidates.forEach((ws, shard) -> {
      if (shardOf.size() < 10) {
        shardOf.putIfAbsent(ws, shard);
      }
    });
    assertEquals(3, new TreeSet<>(shardOf.values()).size(), shardOf::toString);

    WorkspaceServer a = cluster.node(cluster.options("node-a").setRedisUri(redis.uri()));
    WorkspaceServer b = cluster.node(cluster.options("node-b").setRedisUri(redis.uri()));
    assertEquals("cluster", ClusterFixture.json(cluster.get(a, "/info")).get("redis").get("mode").asText());
    Map<String, RawClient> alices = new LinkedHashMap<>();
    Map<String, RawClient> bobs = new LinkedHashMap<>();
    Map<String, String> epochs = new LinkedHashMap<>();
    for (String ws : shardOf.keySet()) {
      RawClient alice = connect(a, ws, "alice");
      join(alice, "general");
      RawClient bob = connect(b, ws, "bob");
      ObjectNode joined = join(bob, "general");
      epochs.put(ws, joined.get("epoch").asText());
      assertEquals("agent.joined bob", brief((ObjectNode) alice.take(f -> isEvent(f, "agent.joined")).get("event")), ws);
      assertEquals("channel.joined bob", brief((ObjectNode) alice.take(f -> isEvent(f, "channel.joined")).get("event")), ws);

      assertEquals(1L, ClusterFixture.post(alice, "general", "hello " + ws));
      assertEquals("channel.message.posted alice hello " + ws, brief(bob.nextEvent()));
      ObjectNode dm = publish(bob, "{\"event_name\":\"agent.message\",\"destination_id\":\"agent:alice\","
          + "\"payload\":{\"text\":\"psst\"}}");
      assertEquals(1L, dm.get("result").get("offset").asLong(), dm::toString);
      assertEquals("agent.message bob psst", brief(alice.nextEvent()));
      ObjectNode ask = publish(bob, "{\"event_id\":\"q-" + ws + "\",\"event_name\":\"task.ask\","
          + "\"destination_id\":\"agent:alice\",\"requires_response\":true,\"payload\":{\"text\":\"sum?\"}}");
      assertEquals("ack", ask.get("type").asText(), ask::toString);
      assertEquals("task.ask bob sum?", brief(alice.nextEvent()));
      publish(alice, "{\"event_name\":\"agent.response\",\"destination_id\":\"agent:bob\",\"response_to\":\"q-" + ws
          + "\",\"payload\":{\"text\":\"42\"}}");
      ObjectNode reply = bob.nextEvent();
      assertEquals("agent.response alice 42", brief(reply));
      assertEquals("q-" + ws, reply.get("response_to").asText());
      alices.put(ws, alice);
      bobs.put(ws, bob);
    }

    // Each workspace's traffic is sharded: its channel is subscribed on its own shard's primary only.
    for (Map.Entry<String, Integer> e : shardOf.entrySet()) {
      String channel = "ws:{" + e.getKey() + "}:ch:general";
      for (int port : new TreeSet<>(shardOf.values())) {
        try (RespClient c = redis.node(port).client()) {
          List<?> r = (List<?>) c.call("PUBSUB", "SHARDNUMSUB", channel);
          assertEquals(port == e.getValue() ? 2L : 0L, r.get(1), channel + " on " + port);
        }
        try (RespClient c = redis.node(port).client()) {
          List<?> r = (List<?>) c.call("PUBSUB", "NUMSUB", channel);
          assertEquals(0L, r.get(1), "no plain SUBSCRIBE on " + port);
        }
      }
    }

    // Recovery across nodes: bob leaves, alice posts, bob comes back on the other node and recovers.
    String first = shardOf.keySet().iterator().next();
    bobs.remove(first).close();
    assertEquals("agent.left bob", brief((ObjectNode) alices.get(first).take(f -> isEvent(f, "agent.left")).get("event")));
    assertEquals(2L, ClusterFixture.post(alices.get(first), "general", "while away"));
    RawClient bobAgain = connect(a, first, "bob");
    ObjectNode recovered = (ObjectNode) bobAgain.request("{\"type\":\"join\",\"channel\":\"general\",\"since\":"
        + "{\"offset\":1,\"epoch\":\"" + epochs.get(first) + "\"}}").get("result");
    assertTrue(recovered.get("recovered").asBoolean(), recovered::toString);
    assertEquals("channel.message.posted alice while away", brief(bobAgain.nextEvent()));
    bobs.put(first, bobAgain);

    // One shard's primary dies; its replica takes over.
    int victim = shardOf.get(shardOf.keySet().stream().filter(w -> !w.equals(first)).findFirst().orElseThrow());
    RedisProcess dead = redis.node(victim);
    dead.kill();
    List<String> hit = new ArrayList<>();
    shardOf.forEach((ws, port) -> {
      if (port == victim) {
        hit.add(ws);
      }
    });
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    for (String ws : hit) {
      long offset = -1;
      while (offset < 0) {
        assertTrue(System.nanoTime() < deadline, "workspace " + ws + " never took a post again");
        ObjectNode answer = publish(alices.get(ws), "{\"event_name\":\"channel.message.posted\","
            + "\"destination_id\":\"channel:general\",\"payload\":{\"text\":\"after\"}}");
        if ("ack".equals(answer.path("type").asText()) && answer.get("result").has("offset")) {
          offset = answer.get("result").get("offset").asLong();
        } else {
          if (!dead.isRunning() && redis.primaryOf("ws:{" + ws + "}:agents") != victim) {
            // The new primary acknowledges again once it has a replica: the old primary comes back as one.
            dead.restart();
          }
          RawClient.await(cluster.vertx.timer(50));
        }
      }
      RawClient bob = bobs.get(ws);
      List<String> seen = new ArrayList<>();
      Set<String> posts = new TreeSet<>();
      String epoch = epochs.get(ws);
      long last = 0;
      while (true) {
        ObjectNode ev = bob.nextEvent();
        seen.add(brief(ev));
        JsonNode p = ev.path("payload");
        String name = ev.path("event_name").asText();
        if (name.equals("stream.gap") && p.path("reason").asText().equals("epoch_changed")
            && p.path("stream").asText().equals("channel:general")) {
          assertNotEquals(epoch, p.path("epoch").asText());
          epoch = p.path("epoch").asText();
          last = 0;
          continue;
        }
        if (!name.equals("channel.message.posted")) {
          continue;
        }
        if (ev.has("offset")) {
          long o = ev.get("offset").asLong();
          assertTrue(o > last, "offset " + o + " after " + last + " in epoch " + epoch + ": " + seen);
          last = o;
          assertTrue(posts.add(epoch + "/" + o), "offset " + o + " of epoch " + epoch + " twice: " + seen);
        }
        if (p.path("text").asText().equals("after") && ev.path("offset").asLong() == offset
            && !epoch.equals(epochs.get(ws))) {
          break;
        }
      }
      assertNotEquals(epochs.get(ws), epoch, "the failover started a new epoch, announced to bob: " + seen);
    }
    // The other shards' workspaces keep their epochs and offsets. (The node's link to the cluster is one link, so
    // they are told that presence events may have been missed while it reconnected.)
    for (String ws : shardOf.keySet()) {
      if (!hit.contains(ws) && !ws.equals(first)) {
        long n = ClusterFixture.post(alices.get(ws), "general", "still here");
        assertTrue(n >= 2L, ws + " offset " + n);
        while (true) {
          ObjectNode ev = bobs.get(ws).nextEvent();
          if (ev.path("event_name").asText().equals("stream.gap")) {
            assertEquals("presence", ev.path("payload").path("stream").asText(), ev::toString);
            continue;
          }
          if (ev.path("event_name").asText().equals("channel.message.posted") && ev.path("offset").asLong() < n) {
            continue;
          }
          assertEquals("channel.message.posted alice still here", brief(ev), ws);
          assertEquals(n, ev.path("offset").asLong());
          break;
        }
      }
    }
  }

  private static boolean isEvent(ObjectNode f, String name) {
    return "event".equals(f.path("type").asText()) && name.equals(f.path("event").path("event_name").asText());
  }
}
