package dev.workspace.server.cluster;

import static dev.workspace.server.cluster.ClusterFixture.join;
import static dev.workspace.server.cluster.ClusterFixture.publish;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.workspace.server.WorkspaceServer;
import dev.workspace.server.testing.FileHttp;
import dev.workspace.server.testing.FileHttp.Generated;
import dev.workspace.server.testing.FileHttp.Reply;
import dev.workspace.server.testing.RawClient;
import dev.workspace.server.testing.RedisProcess;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Files in a cluster live in a real Redis: a file uploaded through one node downloads, byte for byte, from the
 * other, with the same permissions; refused and broken-off uploads leave no key behind; the workspace quota holds
 * across nodes.
 */
class ClusterFilesTest {
  private static final long MIB = 1024 * 1024;
  private static RedisProcess redis;
  private ClusterFixture cluster;
  private WorkspaceServer a;
  private WorkspaceServer b;
  private FileHttp httpA;
  private FileHttp httpB;

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
    a = cluster.node("node-a", o -> o.getFiles().setWorkspaceQuota(20 * MIB));
    b = cluster.node("node-b", o -> o.getFiles().setWorkspaceQuota(20 * MIB));
    httpA = new FileHttp(cluster.vertx, a.port());
    httpB = new FileHttp(cluster.vertx, b.port());
  }

  @AfterEach
  void stopNodes() {
    httpA.close();
    httpB.close();
    cluster.close();
    try (var r = redis.client()) {
      r.call("FLUSHALL");
    }
  }

  @SuppressWarnings("unchecked")
  private List<Object> keys(String pattern) {
    try (var r = redis.client()) {
      return (List<Object>) r.call("KEYS", pattern);
    }
  }

  @Test
  void aFileUploadedOnOneNodeDownloadsFromTheOther() {
    RawClient alice = cluster.connect(a, "alice");
    RawClient bob = cluster.connect(b, "bob");
    join(alice, "room");
    join(bob, "room");
    Generated body = new Generated(5 * MIB + 123, 9);
    Reply up = httpA.upload("/api/files?name=trace.log", Map.of("X-Agent-Id", "alice", "Content-Type",
        "text/plain"), body, false, -1, null, null);
    assertEquals(201, up.status(), up.toString());
    String id = up.json().get("file_id").asText();
    assertEquals(body.sha256(), up.json().get("sha256").asText());
    assertEquals(List.of(), keys("ws:*:part"));
    try (var r = redis.client()) {
      long ttl = r.number("PTTL", "ws:{default}:file:" + id + ":data");
      assertTrue(ttl > 23 * 3_600_000L && ttl <= 24 * 3_600_000L, "PTTL " + ttl);
      assertEquals(5 * MIB + 123, r.number("STRLEN", "ws:{default}:file:" + id + ":data"));
    }
    assertEquals(404, httpB.send(HttpMethod.GET, "/api/files/" + id, Map.of("X-Agent-Id", "bob"), null).status());

    ObjectNode ack = publish(alice, "{\"event_name\":\"channel.message.posted\",\"destination_id\":\"channel:room\","
        + "\"payload\":{\"text\":\"log\",\"attachments\":[{\"file_id\":\"" + id + "\"}]}}");
    assertEquals("ack", ack.get("type").asText(), ack.toString());
    ObjectNode event = bob.take(f -> "channel.message.posted".equals(f.path("event").path("event_name").asText()))
        .with("event");
    assertEquals("trace.log", event.get("payload").get("attachments").get(0).get("name").asText());
    assertEquals(body.sha256(), event.get("payload").get("attachments").get(0).get("sha256").asText());

    Reply down = httpB.send(HttpMethod.GET, "/api/files/" + id, Map.of("X-Agent-Id", "bob"), null);
    assertEquals(200, down.status(), down.toString());
    assertEquals(5 * MIB + 123, down.size());
    assertEquals(body.sha256(), down.sha256());
    assertEquals("\"" + body.sha256() + "\"", down.headers().get("ETag"));
    assertEquals(404, httpB.send(HttpMethod.GET, "/api/files/" + id, Map.of("X-Agent-Id", "carol"), null).status());
    assertEquals(404, httpA.send(HttpMethod.GET, "/api/files/" + id + "?workspace=other",
        Map.of("X-Agent-Id", "bob"), null).status());

    assertEquals(403, httpB.send(HttpMethod.DELETE, "/api/files/" + id, Map.of("X-Agent-Id", "bob"), null).status());
    assertEquals(204, httpB.send(HttpMethod.DELETE, "/api/files/" + id, Map.of("X-Agent-Id", "alice"), null)
        .status());
    assertEquals(404, httpA.send(HttpMethod.GET, "/api/files/" + id, Map.of("X-Agent-Id", "alice"), null).status());
    assertEquals(List.of(), keys("ws:{default}:file:*"));
  }

  @Test
  void refusedAndBrokenOffUploadsLeaveNoKey() {
    Reply r = httpB.upload("/api/files", Map.of("X-Agent-Id", "alice"),
        new Generated(10 * MIB + 1, 3), true, -1, null, null);
    assertEquals(413, r.status(), r.toString());
    assertEquals("too_large", r.json().get("code").asText());
    assertEquals(List.of(), keys("ws:*:file*"));

    httpA.breakOff("/api/files", Map.of("X-Agent-Id", "alice"), 4 * MIB, MIB);
    long deadline = System.nanoTime() + FileHttp.WAIT_MS * 1_000_000;
    while (!keys("ws:*:file:*").isEmpty()) {
      assertTrue(System.nanoTime() < deadline, "still in Redis: " + keys("ws:*:file:*"));
      Thread.onSpinWait();
    }
  }

  @Test
  void theWorkspaceQuotaHoldsAcrossNodes() {
    Map<String, String> alice = Map.of("X-Agent-Id", "alice");
    Reply first = httpA.upload("/api/files", alice, new Generated(8 * MIB, 1), false, -1, null, null);
    Reply second = httpB.upload("/api/files", alice, new Generated(8 * MIB, 2), false, -1, null, null);
    assertEquals(201, first.status(), first.toString());
    assertEquals(201, second.status(), second.toString());
    Reply third = httpA.upload("/api/files", alice, new Generated(8 * MIB, 3), false, -1, null, null);
    assertEquals("limit_exceeded", third.json().get("code").asText(), third.toString());
    Reply elsewhere = httpA.upload("/api/files?workspace=other", alice, new Generated(8 * MIB, 3), false, -1, null,
        null);
    assertEquals(201, elsewhere.status(), elsewhere.toString());
    assertEquals(204, httpB.send(HttpMethod.DELETE, "/api/files/" + first.json().get("file_id").asText(), alice, null)
        .status());
    Reply fourth = httpB.send(HttpMethod.POST, "/api/files", alice, Buffer.buffer("fits again"));
    assertEquals(201, fourth.status(), fourth.toString());
    assertEquals(List.of(), keys("ws:*:part"));
  }
}
