package dev.workspace.server.cluster;

import static dev.workspace.server.cluster.ClusterFixture.briefs;
import static dev.workspace.server.cluster.ClusterFixture.join;
import static dev.workspace.server.cluster.ClusterFixture.publish;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.workspace.server.WorkspaceServer;
import dev.workspace.server.testing.RawClient;
import dev.workspace.server.testing.RedisProcess;
import dev.workspace.server.testing.TestServers;
import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A node killed with {@code kill -9} (a child JVM destroyed forcibly): with the default heartbeat settings the
 * surviving node reports its agents as gone within 15 seconds, and requests to them fail with {@code not_found}.
 */
class NodeKillTest {
  private RedisProcess redis;
  private ClusterFixture cluster;
  private Process child;

  @BeforeEach
  void start() {
    redis = RedisProcess.start();
    cluster = new ClusterFixture(redis);
  }

  @AfterEach
  void stop() throws InterruptedException {
    if (child != null && child.isAlive()) {
      child.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
    cluster.close();
    redis.close();
  }

  @Test
  void aKilledNodesAgentsAreReportedGoneWithinFifteenSeconds() throws Exception {
    WorkspaceServer survivor = cluster.node(TestServers.options().setRedisUri(redis.uri()).setNodeId("node-a"));
    int port = freePort();
    child = startChildNode(port, "node-b");
    cluster.awaitReady(port, 200, Duration.ofSeconds(60));

    RawClient alice = cluster.connect(survivor, "alice");
    join(alice, "room");
    RawClient bob = cluster.connect(port, "bob");
    join(bob, "room");
    assertEquals(List.of("agent.joined bob", "channel.joined bob"), briefs(cluster.settle(survivor, alice)));
    assertEquals(2, ClusterFixture.json(cluster.get(survivor, "/api/agents")).get("agents").size());

    long killedAt = System.nanoTime();
    child.destroyForcibly();
    assertTrue(child.waitFor(10, TimeUnit.SECONDS), "the child node died");

    ObjectNode channelLeft = nextWithin(alice, Duration.ofSeconds(20));
    ObjectNode agentLeft = nextWithin(alice, Duration.ofSeconds(5));
    long tookMs = (System.nanoTime() - killedAt) / 1_000_000;
    assertEquals("channel.left bob disconnected", ClusterFixture.brief(channelLeft));
    assertEquals("room", channelLeft.get("payload").get("channel").asText());
    assertEquals("agent.left bob", ClusterFixture.brief(agentLeft));
    assertTrue(tookMs <= 15_000, "reported after " + tookMs + " ms");

    ObjectNode request = publish(alice, "{\"event_name\":\"task.run\",\"destination_id\":\"agent:bob\","
        + "\"requires_response\":true,\"payload\":{}}");
    assertEquals("error", request.get("type").asText(), request::toString);
    assertEquals("not_found", request.get("code").asText());
    ObjectNode agents = ClusterFixture.json(cluster.get(survivor, "/api/agents"));
    assertEquals(1, agents.get("agents").size());
    assertEquals("alice", agents.get("agents").get(0).get("agent_id").asText());
    ObjectNode members = alice.request("{\"type\":\"members\",\"channel\":\"room\"}");
    assertEquals("[\"alice\"]", members.get("result").get("members").toString());
    assertEquals(List.of(), briefs(cluster.settle(survivor, alice)));
  }

  @Test
  void aNodeRestartedWithItsIdReportsTheAgentsItsKilledProcessLeft() throws Exception {
    WorkspaceServer survivor = cluster.node(TestServers.options().setRedisUri(redis.uri()).setNodeId("node-a"));
    int port = freePort();
    child = startChildNode(port, "node-b");
    cluster.awaitReady(port, 200, Duration.ofSeconds(60));
    RawClient alice = cluster.connect(survivor, "alice");
    join(alice, "room");
    RawClient bob = cluster.connect(port, "bob");
    join(bob, "room");
    assertEquals(List.of("agent.joined bob", "channel.joined bob"), briefs(cluster.settle(survivor, alice)));

    child.destroyForcibly();
    assertTrue(child.waitFor(10, TimeUnit.SECONDS), "the child node died");
    int again = freePort();
    child = startChildNode(again, "node-b");
    cluster.awaitReady(again, 200, Duration.ofSeconds(60));
    long readyAt = System.nanoTime();
    assertEquals("channel.left bob disconnected", ClusterFixture.brief(alice.nextEvent()));
    assertEquals("agent.left bob", ClusterFixture.brief(alice.nextEvent()));
    long tookMs = (System.nanoTime() - readyAt) / 1_000_000;
    assertTrue(tookMs < 5_000, "reported " + tookMs + " ms after the restarted node was ready");
    assertEquals(List.of(), briefs(cluster.settle(survivor, alice)));
  }

  private static ObjectNode nextWithin(RawClient c, Duration within) {
    long deadline = System.nanoTime() + within.toNanos();
    while (true) {
      ObjectNode f;
      try {
        f = c.next();
      } catch (AssertionError none) {
        if (System.nanoTime() > deadline) {
          throw none;
        }
        continue;
      }
      assertEquals("event", f.path("type").asText(), f::toString);
      return (ObjectNode) f.get("event");
    }
  }

  private Process startChildNode(int port, String nodeId) throws IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    File log = new File("target", "node-kill-" + nodeId + ".log");
    return new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), "dev.workspace.server.Main",
        "--port", String.valueOf(port), "--host", "127.0.0.1", "--redis", redis.uri(), "--node-id",
        nodeId, "--instances", "1")
        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.to(log)).start();
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket()) {
      s.setReuseAddress(true);
      s.bind(new InetSocketAddress("127.0.0.1", 0));
      return s.getLocalPort();
    }
  }
}
