package dev.workspace.server.cluster;

import static dev.workspace.server.cluster.ClusterFixture.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.workspace.server.WorkspaceServer;
import dev.workspace.server.core.RunLimits;
import dev.workspace.server.testing.RawClient;
import dev.workspace.server.testing.RedisProcess;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Runs, pools and cards on two nodes over one real Redis, with requester, target and pool members apart. */
class ClusterRunsTest {
  private static RedisProcess redis;
  private ClusterFixture cluster;
  private WorkspaceServer a;
  private WorkspaceServer b;

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
    a = cluster.node("node-a", o -> o.setRunLimits(new RunLimits(100, 20, 3, 100_000, Duration.ofMinutes(5))));
    b = cluster.node("node-b", o -> o.setRunLimits(new RunLimits(100, 20, 3, 100_000, Duration.ofMinutes(5))));
  }

  @AfterEach
  void stopNodes() {
    cluster.close();
    try (var r = redis.client()) {
      r.call("FLUSHALL");
    }
  }

  private static String request(String runId, String to) {
    return "{\"type\":\"publish\",\"event\":{\"event_id\":\"" + runId + "\",\"event_name\":\"agent.task\","
        + "\"destination_id\":\"" + to + "\",\"requires_response\":true,\"payload\":{\"text\":\"go\"},"
        + "\"metadata\":{\"stream\":true,\"session_id\":\"s1\"}}}";
  }

  private static String answer(String runId, String to, String name) {
    return "{\"type\":\"publish\",\"event\":{\"event_name\":\"" + name + "\",\"destination_id\":\"agent:" + to
        + "\",\"response_to\":\"" + runId + "\",\"payload\":{\"text\":\"" + name + "\"}}}";
  }

  private static JsonNode ack(ObjectNode frame) {
    assertEquals("ack", frame.path("type").asText(), frame.toString());
    return frame.get("result");
  }

  private static void assertError(ObjectNode frame, String code) {
    assertEquals("error", frame.path("type").asText(), frame.toString());
    assertEquals(code, frame.path("code").asText(), frame.toString());
  }

  private RawClient connect(WorkspaceServer node, String agent, String fields) {
    return cluster.connectWith(node, "\"agent_id\":\"" + agent + "\"" + fields);
  }

  @Test
  void theEndedRunsKeptPerWorkspaceAreBoundedOnEveryNodeAndTheFirstEndedGoesFirst() {
    RunLimits limits = new RunLimits(100, 20, 3, 100_000, Duration.ofMinutes(5), 2);
    WorkspaceServer c = cluster.node("node-c", o -> o.setRunLimits(limits));
    WorkspaceServer d = cluster.node("node-d", o -> o.setRunLimits(limits));
    RawClient alice = connect(c, "alice", ",\"subscriptions\":[]");
    RawClient bob = connect(d, "bob", ",\"subscriptions\":[\"agent.task\"]");
    for (String id : new String[] {"e1", "e2", "e3"}) {
      ack(alice.request(request(id, "agent:bob")));
      assertEquals(id, bob.nextEvent().get("event_id").asText());
    }
    ack(bob.request(answer("e2", "alice", "run.completed")));
    ack(bob.request(answer("e1", "alice", "run.completed")));
    assertEquals("completed", ack(alice.request("{\"type\":\"get_run\",\"run_id\":\"e2\"}")).get("state").asText());
    ack(bob.request(answer("e3", "alice", "run.failed")));
    for (RawClient client : new RawClient[] {alice, bob}) {
      assertError(client.request("{\"type\":\"get_run\",\"run_id\":\"e2\"}"), "not_found");
      assertEquals("completed", ack(client.request("{\"type\":\"get_run\",\"run_id\":\"e1\"}")).get("state").asText());
      assertEquals("failed", ack(client.request("{\"type\":\"get_run\",\"run_id\":\"e3\"}")).get("state").asText());
    }
    try (var r = redis.client()) {
      assertEquals(0L, r.number("EXISTS", "ws:{default}:run:e2", "ws:{default}:run:e2:log"));
      assertEquals(1L, r.number("EXISTS", "ws:{default}:run:e1"));
      assertEquals(List.of("e3", "e1"), r.call("ZREVRANGE", "ws:{default}:runs:session:s1", "0", "-1"));
    }
    ack(alice.request(request("e4", "agent:bob")));
    bob.nextEvent();
    bob.close();
    ObjectNode failed = alice.take(f -> "run.failed".equals(f.path("event").path("event_name").asText())
        && "e4".equals(f.path("event").path("response_to").asText()));
    assertEquals("agent_disconnected", failed.path("event").path("payload").path("code").asText());
    assertError(alice.request("{\"type\":\"get_run\",\"run_id\":\"e1\"}"), "not_found");
    assertEquals("failed", ack(alice.request("{\"type\":\"get_run\",\"run_id\":\"e3\"}")).get("state").asText());
    assertEquals("failed", ack(alice.request("{\"type\":\"get_run\",\"run_id\":\"e4\"}")).get("state").asText());
  }

  @Test
  void aRunAcrossNodesStreamsInOrderAndEveryNodeReadsIt() {
    RawClient alice = connect(a, "alice", ",\"subscriptions\":[]");
    RawClient bob = connect(b, "bob", ",\"subscriptions\":[\"agent.task\"]");
    ack(alice.request(request("run-1", "agent:bob")));
    assertEquals("run-1", bob.nextEvent().get("event_id").asText());
    assertEquals("submitted", ack(bob.request("{\"type\":\"get_run\",\"run_id\":\"run-1\"}")).get("state").asText());
    String[] names = {"run.progress.thinking", "run.progress.text", "run.input_required", "run.completed"};
    for (int i = 0; i < names.length; i++) {
      assertEquals(i + 1, ack(bob.request(answer("run-1", "alice", names[i]))).get("seq").asLong());
    }
    for (int i = 0; i < names.length; i++) {
      ObjectNode e = alice.nextEvent();
      assertEquals(names[i], e.get("event_name").asText());
      assertEquals(i + 1, e.get("payload").get("seq").asLong());
    }
    alice.assertNothingElse();
    assertError(bob.request(answer("run-1", "alice", "run.completed")), "not_found");
    for (RawClient c : new RawClient[] {alice, bob}) {
      JsonNode run = ack(c.request("{\"type\":\"get_run\",\"run_id\":\"run-1\",\"after_seq\":1}"));
      assertEquals("completed", run.get("state").asText());
      assertEquals("s1", run.get("session_id").asText());
      assertEquals(3, run.get("events").size());
      assertEquals(2, run.get("events").get(0).get("payload").get("seq").asLong());
    }
    for (WorkspaceServer node : new WorkspaceServer[] {a, b}) {
      HttpResponse<String> r = cluster.send(java.net.http.HttpRequest.newBuilder(
          java.net.URI.create("http://127.0.0.1:" + node.port() + "/api/runs/run-1")).header("X-Agent-Id", "bob"));
      assertEquals(200, r.statusCode(), r.body());
      assertEquals(4, json(r).get("events").size());
    }
    RawClient carol = connect(a, "carol", ",\"subscriptions\":[]");
    assertError(carol.request("{\"type\":\"get_run\",\"run_id\":\"run-1\"}"), "not_found");
  }

  @Test
  void aHostOnAnotherNodeThatLeavesEndsItsRunsAtOnceAndLimitsHold() {
    RawClient alice = connect(a, "alice", ",\"subscriptions\":[]");
    RawClient bob = connect(b, "bob", ",\"subscriptions\":[\"agent.task\"]");
    ack(alice.request(request("r1", "agent:bob")));
    ack(alice.request(request("r2", "agent:bob")));
    bob.nextEvent();
    bob.nextEvent();
    for (int i = 0; i < 3; i++) {
      ack(bob.request(answer("r1", "alice", "run.progress.text")));
    }
    assertError(bob.request(answer("r1", "alice", "run.progress.text")), "limit_exceeded");
    ack(bob.request(answer("r2", "alice", "run.completed")));
    for (int i = 0; i < 4; i++) {
      alice.nextEvent();
    }
    bob.close();
    ObjectNode failed = alice.nextEvent();
    assertEquals("run.failed", failed.get("event_name").asText());
    assertEquals("r1", failed.get("response_to").asText());
    assertEquals("agent_disconnected", failed.get("payload").get("code").asText());
    assertEquals(4, failed.get("payload").get("seq").asLong());
    alice.assertNothingElse();
    assertEquals("failed", ack(alice.request("{\"type\":\"get_run\",\"run_id\":\"r1\"}")).get("state").asText());
    assertEquals("completed", ack(alice.request("{\"type\":\"get_run\",\"run_id\":\"r2\"}")).get("state").asText());
    RawClient carol = connect(b, "carol", ",\"subscriptions\":[\"agent.task\"]");
    for (int i = 0; i < 20; i++) {
      ack(alice.request(request("x" + i, "agent:carol")));
    }
    assertError(alice.request(request("x20", "agent:carol")), "limit_exceeded");
    assertError(connect(b, "dave", ",\"subscriptions\":[]").request(request("x0", "agent:carol")), "invalid_event");
    assertError(alice.request(request("y", "pool:nobody")), "not_found");
  }

  @Test
  void aPoolAcrossNodesSpreadsByOpenRunsAndSkipsAMemberThatLeft() {
    RawClient boss = connect(a, "boss", ",\"subscriptions\":[\"agent.left\"]");
    Map<String, RawClient> workers = new LinkedHashMap<>();
    for (int i = 1; i <= 4; i++) {
      workers.put("w" + i, connect(i <= 2 ? a : b, "w" + i,
          ",\"metadata\":{\"capabilities\":[\"summarize\"]},\"subscriptions\":[\"agent.task\"]"));
    }
    Map<String, Integer> counts = new HashMap<>();
    Map<String, String> assigned = new HashMap<>();
    for (int i = 0; i < 16; i++) {
      String chosen = ack(boss.request(request("p" + i, "pool:summarize"))).get("agent_id").asText();
      counts.merge(chosen, 1, Integer::sum);
      assigned.put("p" + i, chosen);
      ObjectNode got = workers.get(chosen).nextEvent();
      assertEquals("p" + i, got.get("event_id").asText());
    }
    assertEquals(Map.of("w1", 4, "w2", 4, "w3", 4, "w4", 4), counts);
    String freed = assigned.get("p5");
    ack(workers.get(freed).request(answer("p5", "boss", "run.completed")));
    assertEquals(freed, ack(boss.request(request("p16", "pool:summarize"))).get("agent_id").asText());
    workers.get(freed).nextEvent();
    workers.remove("w3").close();
    boss.take(f -> f.path("event").path("event_name").asText().equals("agent.left")
        && f.path("event").path("payload").path("agent_id").asText().equals("w3"));
    for (int i = 17; i < 25; i++) {
      String chosen = ack(boss.request(request("p" + i, "pool:summarize"))).get("agent_id").asText();
      assertNotEquals("w3", chosen);
      assertEquals("p" + i, workers.get(chosen).nextEvent().get("event_id").asText());
    }
    for (RawClient w : workers.values()) {
      w.assertNothingElse();
    }
    ObjectNode message = boss.request("{\"type\":\"publish\",\"event\":{\"event_name\":\"agent.task\","
        + "\"destination_id\":\"pool:summarize\",\"payload\":{}}}");
    String chosen = ack(message).get("agent_id").asText();
    assertFalse(workers.get(chosen).nextEvent().path("requires_response").asBoolean(false));
  }

  @Test
  void metadataUpdatedOnOneNodeIsSeenOnTheOther() {
    RawClient alice = connect(a, "alice", ",\"subscriptions\":[\"agent.updated\"]");
    RawClient bob = connect(b, "bob", ",\"subscriptions\":[]");
    String before = cluster.get(a, "/api/agents/bob").headers().firstValue("ETag").orElseThrow();
    ack(bob.request("{\"type\":\"update_metadata\",\"metadata\":{\"role\":\"researcher\"}}"));
    ObjectNode updated = alice.nextEvent();
    assertEquals("agent.updated", updated.get("event_name").asText());
    assertEquals("researcher", updated.get("payload").get("metadata").get("role").asText());
    HttpResponse<String> card = cluster.get(a, "/api/agents/bob");
    assertEquals("researcher", json(card).get("metadata").get("role").asText());
    assertNotEquals(before, card.headers().firstValue("ETag").orElseThrow());
    assertEquals("researcher", ack(alice.request("{\"type\":\"list_agents\"}")).get("agents").get(1)
        .get("metadata").get("role").asText());
  }
}
