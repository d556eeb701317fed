package dev.workspace.server.cluster;

import static dev.workspace.server.cluster.ClusterFixture.join;
import static dev.workspace.server.cluster.ClusterFixture.publish;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.workspace.server.WorkspaceServer;
import dev.workspace.server.testing.RawClient;
import dev.workspace.server.testing.RedisProcess;
import dev.workspace.server.testing.RespClient;
import dev.workspace.server.testing.SentinelProcess;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A primary, one replica and three sentinels, two workspace nodes on them, subscribers on both nodes and a
 * publisher posting a numbered sequence; the primary is killed with {@code kill -9} mid-run and Sentinel promotes
 * the replica. Afterwards every subscriber holds every acknowledged event exactly once, in offset order; no
 * offset of an epoch is given to two events; the loss of history is announced; delivery resumes.
 */
class SentinelFailoverTest {
  /** How long the nodes may take to deliver again after the primary died: detection, election, reconnect. */
  static final Duration RESUME_WITHIN = Duration.ofSeconds(20);
  private static final int BEFORE_KILL = 60;
  private static final int AFTER_RESUME = 40;
  private static final int MAX_POSTS = 20_000;
  private static final int IN_FLIGHT_AT_KILL = 20;

  private RedisProcess primary;
  private RedisProcess replica;
  private final List<SentinelProcess> sentinels = new ArrayList<>();
  private ClusterFixture cluster;

  @BeforeEach
  void start() {
    primary = RedisProcess.start(false);
    replica = RedisProcess.start(false, List.of("--replicaof", "127.0.0.1", String.valueOf(primary.port())));
    awaitField(replica, "master_link_status", "up");
    for (int i = 0; i < 3; i++) {
      sentinels.add(SentinelProcess.start(primary.port(), 2));
    }
    for (SentinelProcess s : sentinels) {
      awaitTopology(s);
    }
    cluster = new ClusterFixture(primary);
  }

  @AfterEach
  void stop() {
    if (cluster != null) {
      cluster.close();
    }
    sentinels.forEach(SentinelProcess::close);
    replica.close();
    primary.close();
  }

  private String uri() {
    StringBuilder sb = new StringBuilder("redis-sentinel://");
    for (int i = 0; i < sentinels.size(); i++) {
      sb.append(i == 0 ? "" : ",").append("127.0.0.1:").append(sentinels.get(i).port());
    }
    return sb.append("?master=").append(SentinelProcess.MASTER).toString();
  }

  @Test
  void aFailoverLosesNoAcknowledgedEventAndReusesNoOffset() {
    WorkspaceServer a = cluster.node(cluster.options("node-a").setRedisUri(uri()));
    WorkspaceServer b = cluster.node(cluster.options("node-b").setRedisUri(uri()));
    RawClient pub = cluster.connect(a, "pub");
    RawClient onA = cluster.connect(a, "on-a");
    RawClient onB = cluster.connect(b, "on-b");
    join(pub, "seq");
    Map<RawClient, String> epochs = new HashMap<>();
    epochs.put(onA, join(onA, "seq").get("epoch").asText());
    epochs.put(onB, join(onB, "seq").get("epoch").asText());
    cluster.quiet(a, pub, onA, onB);
    JsonNode info = ClusterFixture.json(cluster.get(a, "/info")).get("redis");
    assertEquals("sentinel", info.get("mode").asText(), info::toString);
    assertTrue(info.get("endpoints").asText().contains("primary 'main'"), info::toString);

    Set<String> acked = new LinkedHashSet<>();
    Set<String> ackedWithoutOffset = new LinkedHashSet<>();
    long killedAt = 0;
    boolean promotedSeen = false;
    long resumedAt = 0;
    int afterResume = 0;
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    int n = 0;
    while (n < MAX_POSTS && afterResume < AFTER_RESUME) {
      assertTrue(System.nanoTime() < deadline, "delivery did not resume: " + acked.size() + " acknowledged");
      // Around the kill a window of posts is in flight, so that some reach the primary unconfirmed.
      int window = n == BEFORE_KILL ? IN_FLIGHT_AT_KILL : 1;
      List<String> texts = new ArrayList<>();
      for (int i = 0; i < window; i++) {
        n++;
        texts.add("n" + n);
        pub.send("{\"id\":\"p" + n + "\",\"type\":\"publish\",\"event\":{\"event_name\":\"channel.message.posted\","
            + "\"destination_id\":\"channel:seq\",\"payload\":{\"text\":\"n" + n + "\"}}}");
      }
      if (window > 1) {
        primary.kill();
        killedAt = System.nanoTime();
      }
      boolean failed = false;
      for (String text : texts) {
        String id = "p" + text.substring(1);
        ObjectNode answer = pub.take(f -> id.equals(f.path("id").asText()));
        if ("ack".equals(answer.path("type").asText())) {
          if (answer.get("result").has("offset")) {
            acked.add(text);
            if (killedAt > 0 && window == 1) {
              if (resumedAt == 0) {
                resumedAt = System.nanoTime();
              }
              afterResume++;
            }
          } else {
            ackedWithoutOffset.add(text);
            failed = true;
          }
        } else {
          assertEquals("unavailable", answer.path("code").asText(), answer::toString);
          failed = true;
        }
      }
      if (failed && killedAt > 0) {
        // No primary, or no replica to confirm: pace the posts until the failover is through.
        if (!primary.isRunning() && promoted()) {
          // The new primary has no replica to confirm writes until the old one comes back as one.
          promotedSeen = true;
          primary.restart();
        }
        RawClient.await(cluster.vertx.timer(20));
      }
    }
    assertTrue(promotedSeen || promoted(), "Sentinel promoted the replica");
    assertTrue(resumedAt > 0, "no event was acknowledged after the failover");
    long resumedMs = (resumedAt - killedAt) / 1_000_000;
    assertTrue(resumedMs < RESUME_WITHIN.toMillis(), "acknowledged again after " + resumedMs + " ms");
    assertTrue(acked.size() >= BEFORE_KILL + AFTER_RESUME, acked::toString);

    Map<RawClient, List<ObjectNode>> got = cluster.barrier(b, onA, onB);
    Map<String, String> textAt = new HashMap<>();
    for (RawClient c : List.of(onA, onB)) {
      String epoch = epochs.get(c);
      long last = 0;
      Set<String> seen = new LinkedHashSet<>();
      boolean announced = false;
      int notReplicated = 0;
      for (ObjectNode f : got.get(c)) {
        JsonNode ev = f.get("event");
        if (ev == null) {
          continue;
        }
        String name = ev.path("event_name").asText();
        JsonNode p = ev.path("payload");
        if (name.equals("stream.gap") && p.path("stream").asText().equals("channel:seq")) {
          if (p.path("reason").asText().equals("epoch_changed")) {
            assertNotEquals(epoch, p.path("epoch").asText());
            epoch = p.path("epoch").asText();
            last = 0;
            announced = true;
          } else if (p.path("reason").asText().equals("not_replicated")) {
            notReplicated += p.path("count").asInt();
          }
          continue;
        }
        if (!name.equals("channel.message.posted")) {
          continue;
        }
        String text = p.path("text").asText();
        assertTrue(seen.add(text), () -> text + " delivered twice to " + c);
        if (!ev.has("offset")) {
          assertTrue(ackedWithoutOffset.contains(text), text);
          continue;
        }
        long offset = ev.get("offset").asLong();
        if (last > 0) {
          assertTrue(offset > last, "offset " + offset + " after " + last + " in epoch " + epoch);
        }
        last = offset;
        String before = textAt.putIfAbsent(epoch + "/" + offset, text);
        assertTrue(before == null || before.equals(text),
            "offset " + offset + " of epoch " + epoch + " was given to " + before + " and to " + text);
      }
      for (String t : acked) {
        assertTrue(seen.contains(t), t + " was acknowledged but never reached " + c + "; it got " + seen);
      }
      assertTrue(announced, "the failover started a new epoch, announced to " + c);
      if (c == onB) {
        assertEquals(ackedWithoutOffset.size(), notReplicated, "events only node-a's agents got are counted");
      }
      assertFalse(seen.isEmpty());
    }
  }

  /** @return whether the replica is a primary now: Sentinel promoted it (asked of the replica itself) */
  private boolean promoted() {
    try (RespClient c = replica.client()) {
      return String.valueOf(c.call("INFO", "replication")).contains("role:master");
    }
  }

  /** Polls an {@code INFO replication} field: the replica has no event to wait on for its link. */
  private static void awaitField(RedisProcess r, String field, String value) {
    long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
    String last = "";
    while (System.nanoTime() < deadline) {
      try (RespClient c = r.client()) {
        String info = String.valueOf(c.call("INFO", "replication"));
        for (String line : info.split("\r?\n")) {
          if (line.startsWith(field + ":")) {
            last = line.substring(field.length() + 1).trim();
          }
        }
      }
      if (value.equals(last)) {
        return;
      }
      ClusterFixture.pause(50);
    }
    throw new AssertionError(field + " of redis on " + r.port() + " stayed '" + last + "'");
  }

  /** Polls a sentinel until it knows the replica and the two other sentinels, which a failover needs. */
  private static void awaitTopology(SentinelProcess s) {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    int replicas = 0;
    int others = 0;
    while (System.nanoTime() < deadline) {
      try (RespClient c = s.client()) {
        replicas = ((List<?>) c.call("SENTINEL", "replicas", SentinelProcess.MASTER)).size();
        others = ((List<?>) c.call("SENTINEL", "sentinels", SentinelProcess.MASTER)).size();
      }
      if (replicas == 1 && others == 2) {
        return;
      }
      ClusterFixture.pause(100);
    }
    throw new AssertionError("sentinel " + s.port() + " knows " + replicas + " replicas and " + others + " sentinels");
  }
}
