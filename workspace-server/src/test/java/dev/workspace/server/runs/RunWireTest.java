package dev.workspace.server.runs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.workspace.server.ServerOptions;
import dev.workspace.server.WorkspaceServer;
import dev.workspace.server.core.RunLimits;
import dev.workspace.server.testing.RawClient;
import dev.workspace.server.testing.TestServers;
import io.vertx.core.Vertx;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The run protocol on the wire, with raw WebSocket clients: progress, completion, tracker, pools, cards, limits. */
class RunWireTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final Vertx vertx = Vertx.vertx();
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private WorkspaceServer server;

  private void start(ServerOptions options) {
    server = TestServers.start(options);
  }

  @AfterEach
  void stop() {
    if (server != null) {
      RawClient.await(server.close());
    }
    RawClient.await(vertx.close());
  }

  private static String request(String runId, String to, boolean stream) {
    return "{\"type\":\"publish\",\"event\":{\"event_id\":\"" + runId + "\",\"event_name\":\"agent.task\","
        + "\"destination_id\":\"" + to + "\",\"requires_response\":true,\"payload\":{\"text\":\"go\"},"
        + "\"metadata\":{\"stream\":" + stream + ",\"session_id\":\"s1\"}}}";
  }

  private static String answer(String runId, String to, String name, String payload) {
    return "{\"type\":\"publish\",\"event\":{\"event_name\":\"" + name + "\",\"destination_id\":\"agent:" + to
        + "\",\"response_to\":\"" + runId + "\",\"payload\":" + payload + "}}";
  }

  private static void assertAck(ObjectNode frame) {
    assertEquals("ack", frame.path("type").asText(), frame.toString());
  }

  private static void assertError(ObjectNode frame, String code) {
    assertEquals("error", frame.path("type").asText(), frame.toString());
    assertEquals(code, frame.path("code").asText(), frame.toString());
  }

  private HttpResponse<String> get(String path, Map<String, String> headers) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
        .timeout(Duration.ofSeconds(10));
    headers.forEach(b::header);
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void progressArrivesInOrderWithSeqAndTheTrackerFollowsTheRun() throws Exception {
    start(TestServers.options());
    try (RawClient alice = RawClient.connect(vertx, server.port(), "alice", "[]");
        RawClient bob = RawClient.connect(vertx, server.port(), "bob", "[\"agent.task\"]");
        RawClient carol = RawClient.connect(vertx, server.port(), "carol", "[]")) {
      ObjectNode ack = alice.request(request("run-1", "agent:bob", true));
      assertAck(ack);
      assertFalse(ack.get("result").has("seq"));
      ObjectNode req = bob.nextEvent();
      assertEquals("run-1", req.get("event_id").asText());
      JsonNode submitted = alice.request("{\"type\":\"get_run\",\"run_id\":\"run-1\"}").get("result");
      assertEquals("submitted", submitted.get("state").asText());
      assertEquals("alice", submitted.get("requester").asText());
      assertEquals("bob", submitted.get("target").asText());
      assertEquals("s1", submitted.get("session_id").asText());
      assertEquals(0, submitted.get("events").size());

      assertEquals(1, bob.request(answer("run-1", "alice", "run.progress.thinking",
          "{\"id\":\"t1\",\"status\":\"running\",\"text\":\"hmm\"}")).get("result").get("seq").asLong());
      assertEquals(2, bob.request(answer("run-1", "alice", "run.progress.tool_call",
          "{\"tool_call_id\":\"c1\",\"name\":\"search\",\"args\":{\"q\":\"x\"}}")).get("result").get("seq").asLong());
      assertEquals("working", bob.request("{\"type\":\"get_run\",\"run_id\":\"run-1\"}").get("result")
          .get("state").asText());
      assertEquals(3, bob.request(answer("run-1", "alice", "run.input_required",
          "{\"kind\":\"ask_user\",\"text\":\"which?\",\"options\":[\"a\",\"b\"]}")).get("result").get("seq").asLong());
      assertEquals("input_required", alice.request("{\"type\":\"get_run\",\"run_id\":\"run-1\"}").get("result")
          .get("state").asText());
      assertEquals(4, bob.request(answer("run-1", "alice", "run.completed", "{\"text\":\"done\"}"))
          .get("result").get("seq").asLong());
      String[] names = {"run.progress.thinking", "run.progress.tool_call", "run.input_required", "run.completed"};
      for (int i = 0; i < names.length; i++) {
        ObjectNode e = alice.nextEvent();
        assertEquals(names[i], e.get("event_name").asText());
        assertEquals(i + 1, e.get("payload").get("seq").asLong());
        assertEquals("run-1", e.get("response_to").asText());
      }
      alice.assertNothingElse();

      assertError(bob.request(answer("run-1", "alice", "run.completed", "{\"text\":\"again\"}")), "not_found");
      alice.assertNothingElse();

      JsonNode done = alice.request("{\"type\":\"get_run\",\"run_id\":\"run-1\",\"after_seq\":2}").get("result");
      assertEquals("completed", done.get("state").asText());
      assertEquals(4, done.get("last_seq").asLong());
      assertEquals(2, done.get("events").size());
      assertEquals(3, done.get("events").get(0).get("payload").get("seq").asLong());
      assertEquals("run.completed", done.get("events").get(1).get("event_name").asText());
      assertError(carol.request("{\"type\":\"get_run\",\"run_id\":\"run-1\"}"), "not_found");
      assertError(alice.request("{\"type\":\"get_run\",\"run_id\":\"nope\"}"), "not_found");

      HttpResponse<String> rest = get("/api/runs/run-1", Map.of("X-Agent-Id", "alice"));
      assertEquals(200, rest.statusCode(), rest.body());
      JsonNode body = JSON.readTree(rest.body());
      assertEquals("completed", body.get("state").asText());
      assertEquals(4, body.get("events").size());
      assertEquals(404, get("/api/runs/run-1", Map.of("X-Agent-Id", "carol")).statusCode());
    }
  }

  @Test
  void aRequesterThatDidNotOptInGetsNoProgressOnlyTheEnd() {
    start(TestServers.options());
    try (RawClient alice = RawClient.connect(vertx, server.port(), "alice");
        RawClient bob = RawClient.connect(vertx, server.port(), "bob")) {
      alice.take(f -> f.path("event").path("payload").path("agent_id").asText().equals("bob"));
      assertAck(alice.request(request("run-2", "agent:bob", false)));
      bob.nextEvent();
      JsonNode progress = bob.request(answer("run-2", "alice", "run.progress.text", "{\"text\":\"a\",\"append\":true}"))
          .get("result");
      assertEquals(1, progress.get("seq").asLong());
      assertFalse(progress.get("delivered").asBoolean(true));
      assertAck(bob.request(answer("run-2", "alice", "agent.response", "{\"text\":\"plain\"}")));
      ObjectNode reply = alice.nextEvent();
      assertEquals("agent.response", reply.get("event_name").asText());
      assertEquals(2, reply.get("payload").get("seq").asLong());
      alice.assertNothingElse();
      assertEquals("completed", alice.request("{\"type\":\"get_run\",\"run_id\":\"run-2\"}").get("result")
          .get("state").asText());
    }
  }

  @Test
  void aHostThatDisconnectsEndsItsOpenRunsWithAgentDisconnected() {
    start(TestServers.options());
    try (RawClient alice = RawClient.connect(vertx, server.port(), "alice", "[\"run.>\"]")) {
      RawClient bob = RawClient.connect(vertx, server.port(), "bob");
      assertAck(alice.request(request("run-3", "agent:bob", true)));
      assertAck(alice.request(request("run-4", "agent:bob", true)));
      bob.nextEvent();
      bob.nextEvent();
      assertAck(bob.request(answer("run-3", "alice", "run.progress.text", "{\"text\":\"a\"}")));
      assertAck(bob.request(answer("run-4", "alice", "run.completed", "{\"text\":\"ok\"}")));
      assertEquals("run.progress.text", alice.nextEvent().get("event_name").asText());
      assertEquals("run.completed", alice.nextEvent().get("event_name").asText());
      bob.close();
      ObjectNode failed = alice.nextEvent();
      assertEquals("run.failed", failed.get("event_name").asText());
      assertEquals("run-3", failed.get("response_to").asText());
      assertEquals("system", failed.get("source_id").asText());
      assertEquals("agent_disconnected", failed.get("payload").get("code").asText());
      assertEquals(2, failed.get("payload").get("seq").asLong());
      alice.assertNothingElse();
      JsonNode run = alice.request("{\"type\":\"get_run\",\"run_id\":\"run-3\"}").get("result");
      assertEquals("failed", run.get("state").asText());
      assertEquals(2, run.get("events").size());
    }
  }

  @Test
  void everyRunLimitGivesItsCode() {
    start(TestServers.options().setRunLimits(new RunLimits(3, 2, 2, 100_000, Duration.ofMinutes(5))));
    try (RawClient alice = RawClient.connect(vertx, server.port(), "alice");
        RawClient carol = RawClient.connect(vertx, server.port(), "carol");
        RawClient bob = RawClient.connect(vertx, server.port(), "bob", "[\"agent.task\"]")) {
      assertAck(alice.request(request("a1", "agent:bob", true)));
      assertAck(alice.request(request("a2", "agent:bob", true)));
      assertError(alice.request(request("a3", "agent:bob", true)), "limit_exceeded");
      assertAck(carol.request(request("c1", "agent:bob", true)));
      assertError(carol.request(request("c2", "agent:bob", true)), "limit_exceeded");
      assertError(carol.request(request("a1", "agent:bob", true)), "invalid_event");
      assertAck(bob.request(answer("a1", "alice", "run.progress.text", "{\"text\":\"1\"}")));
      assertAck(bob.request(answer("a1", "alice", "run.progress.text", "{\"text\":\"2\"}")));
      assertError(bob.request(answer("a1", "alice", "run.progress.text", "{\"text\":\"3\"}")), "limit_exceeded");
      assertAck(bob.request(answer("a1", "alice", "run.completed", "{\"text\":\"end\"}")));
      assertAck(carol.request(request("c2", "agent:bob", true)));
      assertError(alice.request(request("a4", "agent:nobody", true)), "not_found");
      assertError(alice.request(request("a5", "pool:nothing", true)), "not_found");
    }
  }

  @Test
  void aWorkspaceKeepsAtMostTheBoundOfEndedRunsForgettingTheFirstEndedFirst() {
    start(TestServers.options().setRunLimits(new RunLimits(100, 100, 10, 100_000, Duration.ofMinutes(5), 2)));
    try (RawClient alice = RawClient.connect(vertx, server.port(), "alice", "[]");
        RawClient carol = RawClient.connect(vertx, server.port(), "carol", "[\"agent.task\"]")) {
      RawClient bob = RawClient.connect(vertx, server.port(), "bob", "[\"agent.task\"]");
      for (String id : new String[] {"e1", "e2", "e3"}) {
        assertAck(alice.request(request(id, "agent:bob", false)));
        assertEquals(id, bob.nextEvent().get("event_id").asText());
      }
      assertAck(bob.request(answer("e2", "alice", "run.completed", "{}")));
      assertAck(bob.request(answer("e1", "alice", "run.completed", "{}")));
      assertEquals("completed", runState(alice, "e2"));
      assertEquals("submitted", runState(alice, "e3"));
      assertAck(bob.request(answer("e3", "alice", "run.failed", "{\"code\":\"x\"}")));
      assertError(alice.request("{\"type\":\"get_run\",\"run_id\":\"e2\"}"), "not_found");
      assertEquals("completed", runState(alice, "e1"));
      assertEquals("failed", runState(alice, "e3"));

      assertAck(alice.request(request("e4", "agent:bob", false)));
      bob.nextEvent();
      assertAck(alice.request(request("e5", "agent:carol", false)));
      carol.nextEvent();
      assertEquals("submitted", runState(alice, "e4"));
      bob.close();
      ObjectNode failed = alice.take(f -> "run.failed".equals(f.path("event").path("event_name").asText())
          && "e4".equals(f.path("event").path("response_to").asText()));
      assertEquals("agent_disconnected", failed.path("event").path("payload").path("code").asText());
      assertError(alice.request("{\"type\":\"get_run\",\"run_id\":\"e1\"}"), "not_found");
      assertEquals("failed", runState(alice, "e3"));
      assertEquals("failed", runState(alice, "e4"));
      assertEquals("submitted", runState(alice, "e5"), "an open run is not an ended one");
    }
  }

  private static String runState(RawClient c, String runId) {
    ObjectNode ack = c.request("{\"type\":\"get_run\",\"run_id\":\"" + runId + "\"}");
    assertAck(ack);
    return ack.get("result").get("state").asText();
  }

  @Test
  void aPoolSpreadsRunsByOpenRunsAndTheAckNamesTheWorker() {
    start(TestServers.options());
    try (RawClient boss = RawClient.connect(vertx, server.port(), "boss", "[\"agent.left\"]")) {
      Map<String, RawClient> workers = new HashMap<>();
      for (int i = 1; i <= 3; i++) {
        RawClient w = RawClient.open(vertx, server.port());
        assertAck(w.request("{\"type\":\"connect\",\"agent_id\":\"w" + i
            + "\",\"metadata\":{\"capabilities\":[\"summarize\"]},\"subscriptions\":[\"agent.task\"]}"));
        workers.put("w" + i, w);
      }
      RawClient other = RawClient.open(vertx, server.port());
      assertAck(other.request("{\"type\":\"connect\",\"agent_id\":\"x\",\"metadata\":{\"capabilities\":[\"draw\"]},"
          + "\"subscriptions\":[\"agent.task\"]}"));
      Map<String, Integer> counts = new HashMap<>();
      Map<String, String> assigned = new HashMap<>();
      for (int i = 0; i < 9; i++) {
        JsonNode result = boss.request(request("p" + i, "pool:summarize", true)).get("result");
        String chosen = result.get("agent_id").asText();
        counts.merge(chosen, 1, Integer::sum);
        assigned.put("p" + i, chosen);
        ObjectNode got = workers.get(chosen).nextEvent();
        assertEquals("p" + i, got.get("event_id").asText());
        assertEquals("agent:" + chosen, got.get("destination_id").asText());
        assertEquals("summarize", got.get("metadata").get("pool").asText());
      }
      assertEquals(Map.of("w1", 3, "w2", 3, "w3", 3), counts);
      String freed = assigned.get("p0");
      assertAck(workers.get(freed).request(answer("p0", "boss", "run.completed", "{}")));
      JsonNode next = boss.request(request("p9", "pool:summarize", true)).get("result");
      assertEquals(freed, next.get("agent_id").asText(), "the least loaded member after p0 ended");
      workers.get(freed).nextEvent();
      workers.remove("w2").close();
      boss.take(f -> f.path("event").path("payload").path("agent_id").asText().equals("w2"));
      for (RawClient w : workers.values()) {
        w.assertNothingElse();
      }
      other.assertNothingElse();
      for (int i = 10; i < 14; i++) {
        String chosen = boss.request(request("p" + i, "pool:summarize", true)).get("result").get("agent_id").asText();
        assertNotEquals("w2", chosen);
      }
      other.close();
      workers.get("w1").close();
      workers.get("w3").close();
    }
  }

  @Test
  void updateMetadataTellsTheWorkspaceAndTheCardHasAnEtag() throws Exception {
    start(TestServers.options());
    try (RawClient alice = RawClient.connect(vertx, server.port(), "alice");
        RawClient bob = RawClient.connect(vertx, server.port(), "bob")) {
      alice.take(f -> f.path("event").path("payload").path("agent_id").asText().equals("bob"));
      HttpResponse<String> first = get("/api/agents/bob", Map.of());
      assertEquals(200, first.statusCode(), first.body());
      assertEquals("max-age=300", first.headers().firstValue("Cache-Control").orElse(""));
      String etag = first.headers().firstValue("ETag").orElseThrow();
      assertEquals(304, get("/api/agents/bob", Map.of("If-None-Match", etag)).statusCode());
      JsonNode ack = bob.request("{\"type\":\"update_metadata\",\"metadata\":{\"name\":\"Bob\",\"role\":\"researcher\","
          + "\"capabilities\":[\"search\"]}}").get("result");
      assertEquals("researcher", ack.get("metadata").get("role").asText());
      ObjectNode updated = alice.nextEvent();
      assertEquals("agent.updated", updated.get("event_name").asText());
      assertEquals("bob", updated.get("payload").get("agent_id").asText());
      assertEquals("Bob", updated.get("payload").get("metadata").get("name").asText());
      alice.assertNothingElse();
      bob.assertNothingElse();
      HttpResponse<String> second = get("/api/agents/bob", Map.of("If-None-Match", etag));
      assertEquals(200, second.statusCode());
      assertNotEquals(etag, second.headers().firstValue("ETag").orElseThrow());
      assertEquals("researcher", JSON.readTree(second.body()).get("metadata").get("role").asText());
      assertEquals(404, get("/api/agents/nobody", Map.of()).statusCode());
      assertError(bob.request("{\"type\":\"update_metadata\",\"metadata\":[1]}"), "invalid_frame");
      assertError(alice.request("{\"type\":\"publish\",\"event\":{\"event_name\":\"agent.updated\","
          + "\"destination_id\":\"agent:bob\"}}"), "forbidden");
      assertTrue(alice.request("{\"type\":\"list_agents\",\"capability\":\"search\"}").get("result").get("agents")
          .get(0).get("agent_id").asText().equals("bob"));
    }
  }
}
