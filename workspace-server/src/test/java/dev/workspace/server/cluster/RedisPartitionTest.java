package dev.workspace.server.cluster;

import static dev.workspace.server.cluster.ClusterFixture.brief;
import static dev.workspace.server.cluster.ClusterFixture.briefs;
import static dev.workspace.server.cluster.ClusterFixture.join;
import static dev.workspace.server.cluster.ClusterFixture.post;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.workspace.server.WorkspaceServer;
import dev.workspace.server.testing.RawClient;
import dev.workspace.server.testing.RedisProcess;
import dev.workspace.server.testing.RespClient;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * One node loses Redis while the rest of the cluster keeps publishing (its Redis user is switched off and its
 * connections killed, so it cannot come back until it is switched on). When it is back it reads what its sessions
 * missed from history, in order, before anything newer, and announces what history no longer holds.
 */
class RedisPartitionTest {
  private RedisProcess redis;
  private RespClient admin;
  private ClusterFixture cluster;
  private WorkspaceServer a;
  private WorkspaceServer b;

  @BeforeEach
  void start() {
    redis = RedisProcess.start();
    admin = redis.client();
    admin.call("ACL", "SETUSER", "nodeb", "on", ">secret-b", "~*", "&*", "+@all");
    cluster = new ClusterFixture(redis);
    a = cluster.node("node-a", o -> o.setHistorySize(3).setClusterNodeTimeout(Duration.ofSeconds(10)));
    b = cluster.node("node-b", o -> o.setHistorySize(3).setClusterNodeTimeout(Duration.ofSeconds(10))
        .setRedisUri("redis://nodeb:secret-b@127.0.0.1:" + redis.port()));
  }

  @AfterEach
  void stop() {
    cluster.close();
    admin.close();
    redis.close();
  }

  private void cutOffNodeB() {
    admin.call("ACL", "SETUSER", "nodeb", "off");
    admin.call("CLIENT", "KILL", "USER", "nodeb");
    cluster.awaitReady(b.port(), 503, Duration.ofSeconds(5));
  }

  private void reconnectNodeB() {
    admin.call("ACL", "SETUSER", "nodeb", "on");
    cluster.awaitReady(b.port(), 200, Duration.ofSeconds(10));
  }

  @Test
  void aNodeThatWasCutOffReadsMissedEventsFromHistoryOrAnnouncesTheGap() {
    RawClient alice = cluster.connect(a, "alice");
    RawClient bob = cluster.connect(b, "bob");
    join(alice, "ops");
    join(bob, "ops");
    cluster.quiet(a, alice, bob);

    cutOffNodeB();
    assertEquals(1L, post(alice, "ops", "r1"));
    assertEquals(2L, post(alice, "ops", "r2"));
    reconnectNodeB();
    ObjectNode presence = bob.nextEvent();
    assertEquals("stream.gap system disconnected", brief(presence));
    List<ObjectNode> missed = List.of(bob.nextEvent(), bob.nextEvent());
    assertEquals(List.of("channel.message.posted alice r1", "channel.message.posted alice r2"), briefs(missed));
    assertEquals(1L, missed.get(0).get("offset").asLong());
    assertEquals(2L, missed.get(1).get("offset").asLong());
    assertEquals(3L, post(alice, "ops", "r3"));
    assertEquals(List.of("channel.message.posted alice r3"), briefs(cluster.settle(a, bob)));
    assertEquals(List.of(), briefs(cluster.settle(b, alice)), "alice's node lost nothing");
    assertEquals(List.of(), briefs(cluster.settle(a, bob)));

    cutOffNodeB();
    for (int i = 4; i <= 8; i++) {
      assertEquals(i, post(alice, "ops", "r" + i));
    }
    reconnectNodeB();
    assertEquals("stream.gap system disconnected", brief(bob.nextEvent()));
    ObjectNode gap = bob.nextEvent();
    assertEquals("stream.gap system trimmed", brief(gap));
    assertEquals("channel:ops", gap.get("payload").get("stream").asText());
    assertEquals(4L, gap.get("payload").get("from_offset").asLong());
    assertEquals(5L, gap.get("payload").get("to_offset").asLong());
    List<ObjectNode> kept = cluster.settle(a, bob);
    assertEquals(List.of("channel.message.posted alice r6", "channel.message.posted alice r7",
        "channel.message.posted alice r8"), briefs(kept));
    assertEquals(6L, kept.get(0).get("offset").asLong());
    assertEquals(List.of(), briefs(cluster.settle(b, alice)));
  }
}
