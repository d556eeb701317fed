package dev.workspace.server.cluster;

import static dev.workspace.server.cluster.ClusterFixture.join;
import static dev.workspace.server.cluster.ClusterFixture.post;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.workspace.server.WorkspaceServer;
import dev.workspace.server.testing.GatedProxy;
import dev.workspace.server.testing.RawClient;
import dev.workspace.server.testing.RedisProcess;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Redis restarts empty while two nodes post, and the nodes reach it again one after the other. The receivers of
 * the node that comes back second still get the first node's count of events that never crossed, and the events
 * the first node published in the new epoch before the second came back, each once and in order.
 */
class RedisEmptyRestartTest {
  private final Vertx vertx = Vertx.vertx();
  private RedisProcess redis;
  private ClusterFixture cluster;
  private GatedProxy gate;

  @BeforeEach
  void start() {
    redis = RedisProcess.start(false);
    cluster = new ClusterFixture(redis);
    gate = GatedProxy.start(vertx, redis.port());
  }

  @AfterEach
  void stop() {
    cluster.close();
    gate.close();
    redis.close();
    RawClient.await(vertx.close());
  }

  @Test
  void theNodeBackSecondDeliversTheFirstNodesNoticeAndItsNewEpochEvents() {
    WorkspaceServer a = cluster.node("node-a");
    WorkspaceServer b = cluster.node("node-b", o -> o.setRedisUri("redis://127.0.0.1:" + gate.port()));
    RawClient alice = cluster.connect(a, "alice");
    RawClient ann = cluster.connect(a, "ann");
    RawClient bob = cluster.connect(b, "bob");
    RawClient ben = cluster.connect(b, "ben");
    for (RawClient c : List.of(alice, ann, bob, ben)) {
      join(c, "ops");
    }
    for (int i = 1; i <= 3; i++) {
      post(alice, "ops", "m" + i);
    }
    cluster.quiet(a, alice, ann, bob, ben);

    redis.kill();
    cluster.awaitReady(a.port(), 503, Duration.ofSeconds(10));
    cluster.awaitReady(b.port(), 503, Duration.ofSeconds(10));
    for (int i = 1; i <= 3; i++) {
      post(alice, "ops", "away-a" + i);
    }
    for (int i = 1; i <= 2; i++) {
      post(bob, "ops", "away-b" + i);
    }
    gate.gate(false);
    redis.restart();
    cluster.awaitReady(a.port(), 200, Duration.ofSeconds(15));
    for (int i = 1; i <= 4; i++) {
      post(alice, "ops", "n" + i);
    }
    gate.gate(true);
    cluster.awaitReady(b.port(), 200, Duration.ofSeconds(15));

    List<ObjectNode> toBen = cluster.settle(a, ben);
    assertEquals(List.of("away-b1", "away-b2", "epoch_changed", "not_replicated 3 node-a", "n1", "n2", "n3", "n4"),
        ops(toBen), toBen.toString());
    List<ObjectNode> toAnn = cluster.settle(b, ann);
    assertEquals(List.of("away-a1", "away-a2", "away-a3", "epoch_changed", "n1", "n2", "n3", "n4",
        "not_replicated 2 node-b"), ops(toAnn), toAnn.toString());
  }

  /** The events of channel ops, as post texts and gap reasons (with count and node for not_replicated). */
  private static List<String> ops(List<ObjectNode> events) {
    List<String> out = new ArrayList<>();
    for (ObjectNode e : events) {
      String name = e.path("event_name").asText();
      if (name.equals("channel.message.posted")) {
        out.add(e.path("payload").path("text").asText());
      } else if (name.equals("stream.gap") && "channel:ops".equals(e.path("payload").path("stream").asText())) {
        ObjectNode p = (ObjectNode) e.get("payload");
        String reason = p.path("reason").asText();
        out.add(reason.equals("not_replicated") ? reason + " " + p.path("count").asLong() + " "
            + p.path("node_id").asText() : reason);
      }
    }
    return out;
  }
}
