package dev.workspace.server.cluster;

import static dev.workspace.server.cluster.ClusterFixture.briefs;
import static dev.workspace.server.cluster.ClusterFixture.join;
import static dev.workspace.server.cluster.ClusterFixture.json;
import static dev.workspace.server.cluster.ClusterFixture.post;
import static dev.workspace.server.cluster.ClusterFixture.publish;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.workspace.server.WorkspaceServer;
import dev.workspace.server.testing.RawClient;
import dev.workspace.server.testing.RedisProcess;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Redis restarts empty (no persistence). The nodes write back the agents and memberships they serve, every stream
 * starts a new epoch (announced to its receivers), and offsets continue above what receivers saw so that none of
 * them drops new events as old ones.
 */
class RedisDataLossTest {
  private RedisProcess redis;
  private ClusterFixture cluster;

  @BeforeEach
  void start() {
    redis = RedisProcess.start(false);
    cluster = new ClusterFixture(redis);
  }

  @AfterEach
  void stop() {
    cluster.close();
    redis.close();
  }

  @Test
  void nodesRebuildTheDirectoryAndStartNewEpochsAfterRedisLostEverything() {
    WorkspaceServer a = cluster.node("node-a");
    WorkspaceServer b = cluster.node("node-b");
    RawClient alice = cluster.connect(a, "alice");
    RawClient bob = cluster.connect(b, "bob");
    String oldEpoch = join(alice, "ops").get("epoch").asText();
    join(bob, "ops");
    for (int i = 1; i <= 3; i++) {
      post(alice, "ops", "m" + i);
    }
    cluster.quiet(a, alice, bob);

    redis.kill();
    cluster.awaitReady(a.port(), 503, Duration.ofSeconds(5));
    cluster.awaitReady(b.port(), 503, Duration.ofSeconds(5));
    redis.restart();
    cluster.awaitReady(a.port(), 200, Duration.ofSeconds(10));
    cluster.awaitReady(b.port(), 200, Duration.ofSeconds(10));

    for (RawClient c : List.of(alice, bob)) {
      String me = c == alice ? "alice" : "bob";
      Set<String> gaps = new TreeSet<>();
      for (int i = 0; i < 4; i++) {
        ObjectNode ev = c.nextEvent();
        assertEquals("stream.gap", ev.get("event_name").asText(), ev::toString);
        ObjectNode p = (ObjectNode) ev.get("payload");
        gaps.add(p.get("stream").asText() + " " + p.get("reason").asText());
      }
      assertEquals(new TreeSet<>(List.of("presence disconnected", "channel:ops epoch_changed",
          "inbox:" + me + " epoch_changed", "broadcast epoch_changed")), gaps);
    }

    ObjectNode agents = json(cluster.get(b, "/api/agents"));
    List<String> ids = new ArrayList<>();
    agents.get("agents").forEach(x -> ids.add(x.get("agent_id").asText() + "@" + x.get("node_id").asText()));
    assertEquals(List.of("alice@node-a", "bob@node-b"), ids);
    ObjectNode members = alice.request("{\"type\":\"members\",\"channel\":\"ops\"}");
    assertEquals("[\"alice\",\"bob\"]", members.get("result").get("members").toString());

    assertEquals(4L, post(alice, "ops", "m4"), "offsets continue above what receivers saw");
    List<ObjectNode> toBob = cluster.settle(a, bob);
    assertEquals(List.of("channel.message.posted alice m4"), briefs(toBob));
    assertEquals(4L, toBob.get(0).get("offset").asLong());
    ObjectNode dm = publish(bob, "{\"event_name\":\"agent.message\",\"destination_id\":\"agent:alice\",\"payload\":{}}");
    assertEquals("ack", dm.get("type").asText(), dm::toString);
    assertEquals(List.of("agent.message bob"), briefs(cluster.settle(b, alice)));

    ObjectNode history = json(cluster.get(b, "/api/channels/ops/messages"));
    assertNotEquals(oldEpoch, history.get("epoch").asText(), "the lost history has a new epoch");
    assertEquals(1, history.get("events").size());
    assertEquals(4L, history.get("first_offset").asLong());
  }
}
