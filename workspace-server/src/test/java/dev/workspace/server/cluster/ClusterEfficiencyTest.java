package dev.workspace.server.cluster;

import static dev.workspace.server.cluster.ClusterFixture.join;
import static dev.workspace.server.cluster.ClusterFixture.post;
import static dev.workspace.server.cluster.ClusterFixture.publish;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.workspace.server.WorkspaceServer;
import dev.workspace.server.testing.RawClient;
import dev.workspace.server.testing.RedisProcess;
import dev.workspace.server.testing.RespClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What crosses Redis: one PUBLISH per event whatever the number of receivers, pub/sub subscriptions only for the
 * audiences a node has local receivers for, and never a pattern subscription. Redis's own MONITOR and PUBSUB
 * commands are the witnesses.
 */
class ClusterEfficiencyTest {
  private static RedisProcess redis;
  private ClusterFixture cluster;
  private RespClient probe;
  private RespClient monitorConnection;
  private List<String> monitor;
  private final AtomicInteger marks = new AtomicInteger();
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
  void start() {
    cluster = new ClusterFixture(redis);
    probe = redis.client();
    monitorConnection = redis.client();
    monitor = monitorConnection.monitor();
    a = cluster.node("node-a");
    b = cluster.node("node-b");
    c = cluster.node("node-c");
  }

  @AfterEach
  void stop() {
    cluster.close();
    monitorConnection.close();
    probe.call("FLUSHALL");
    probe.close();
  }

  @Test
  void eachEventIsOnePublishAndNodesSubscribeOnlyToWhatTheirSessionsNeed() {
    RawClient alice = cluster.connectWith(a, "\"agent_id\":\"alice\",\"subscriptions\":[\"channel.message.*\"]");
    RawClient bob = cluster.connect(b, "bob");
    RawClient carol = cluster.connect(c, "carol");
    RawClient dave = cluster.connect(c, "dave");
    join(alice, "x");
    join(carol, "x");
    join(dave, "x");
    cluster.quiet(a, bob, carol, dave);
    alice.assertNothingElse();

    assertEquals(2L, numsub("ws:{default}:ch:x"), "node-a and node-c have members of x; node-b has none");
    assertEquals(1L, numsub("ws:{default}:agent:alice"));
    assertEquals(1L, numsub("ws:{default}:agent:bob"));
    assertEquals(3L, numsub("ws:{default}:all"));
    assertEquals(0L, probe.number("PUBSUB", "NUMPAT"), "agents' patterns never reach Redis");

    List<String> window = window(() -> {
      for (int i = 0; i < 20; i++) {
        post(alice, "x", "p" + i);
      }
      ObjectNode dm = publish(bob, "{\"event_name\":\"agent.message\",\"destination_id\":\"agent:carol\",\"payload\":{}}");
      assertEquals("ack", dm.get("type").asText());
      ObjectNode bc = publish(carol, "{\"event_name\":\"agent.broadcast\",\"destination_id\":\"agent:broadcast\","
          + "\"payload\":{}}");
      assertEquals("ack", bc.get("type").asText());
    });
    assertEquals(20, count(window, "\"publish\" \"ws:{default}:ch:x\""), "one PUBLISH per post, for two receiving nodes");
    assertEquals(1, count(window, "\"publish\" \"ws:{default}:agent:carol\""));
    assertEquals(1, count(window, "\"publish\" \"ws:{default}:all\""));
    assertEquals(0, count(window, "psubscribe"));
    List<ObjectNode> toCarol = cluster.settle(b, carol);
    assertEquals(21, toCarol.size(), "20 posts and the direct message");
    assertEquals(21, cluster.settle(b, dave).size(), "the 20 posts and the broadcast");
    List<ObjectNode> toBob = cluster.settle(a, bob);
    assertEquals(1, toBob.size(), "the broadcast only");

    join(bob, "x");
    assertEquals(3L, numsub("ws:{default}:ch:x"), "node-b subscribes when its first session joins");
    assertEquals("ack", carol.request("{\"type\":\"leave\",\"channel\":\"x\"}").get("type").asText());
    assertEquals(3L, numsub("ws:{default}:ch:x"), "dave still needs x on node-c");
    assertEquals("ack", dave.request("{\"type\":\"leave\",\"channel\":\"x\"}").get("type").asText());
    waitUntil(() -> numsub("ws:{default}:ch:x") == 2L, "node-c unsubscribes when its last session leaves");
    carol.close();
    waitUntil(() -> numsub("ws:{default}:agent:carol") == 0L, "node-c unsubscribes from carol's inbox");
    assertEquals(0, count(monitor, "psubscribe"), "no node ever used PSUBSCRIBE");
    alice.assertNothingElse();
  }

  private long numsub(String channel) {
    @SuppressWarnings("unchecked")
    List<Object> r = (List<Object>) probe.call("PUBSUB", "NUMSUB", channel);
    return (Long) r.get(1);
  }

  /** Runs an action and returns the MONITOR lines of the commands Redis ran meanwhile. */
  private List<String> window(Runnable action) {
    String start = "mark-" + marks.incrementAndGet();
    String end = "mark-" + marks.incrementAndGet();
    probe.call("ECHO", start);
    waitUntil(() -> indexOf(start) >= 0, "monitor sees " + start);
    action.run();
    probe.call("ECHO", end);
    waitUntil(() -> indexOf(end) >= 0, "monitor sees " + end);
    return new ArrayList<>(monitor.subList(indexOf(start), indexOf(end)));
  }

  private int indexOf(String mark) {
    for (int i = 0; i < monitor.size(); i++) {
      if (monitor.get(i).contains("\"" + mark + "\"")) {
        return i;
      }
    }
    return -1;
  }

  private static int count(List<String> lines, String needle) {
    int n = 0;
    for (String l : lines) {
      if (l.toLowerCase(Locale.ROOT).contains(needle)) {
        n++;
      }
    }
    return n;
  }

  private static void waitUntil(java.util.function.BooleanSupplier condition, String what) {
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (!condition.getAsBoolean()) {
      assertTrue(System.nanoTime() < deadline, "timed out waiting until " + what);
      ClusterFixture.pause(10);
    }
  }
}
