package dev.workspace.server.a2a;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.workspace.server.ServerOptions;
import dev.workspace.server.TokenTool;
import dev.workspace.server.WorkspaceServer;
import dev.workspace.server.testing.RawClient;
import dev.workspace.server.testing.TestServers;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The A2A face over raw HTTP against a real node, with a raw WebSocket agent that answers runs by hand: what the
 * JavaScript SDK test does not reach. Cards and their caching, every error code, the limits, token mode, absent
 * and departing agents, cancel's idempotence, the v0.3 HTTP+JSON routes, and the reserved gateway ids.
 */
class A2aFaceTest {
  private static final String SECRET = "a2a-test-secret-that-is-long-enough-0123456789";

  private Vertx vertx;
  private WorkspaceServer server;
  private A2aHttp http;
  private final List<RawClient> agents = new ArrayList<>();

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
  }

  private void startNode(Consumer<ServerOptions> configure) {
    ServerOptions options = TestServers.options();
    configure.accept(options);
    server = TestServers.start(options);
    http = new A2aHttp(vertx, server.port());
  }

  @AfterEach
  void stop() {
    agents.forEach(RawClient::close);
    if (http != null) {
      http.close();
    }
    if (server != null) {
      RawClient.await(server.close());
    }
    RawClient.await(vertx.close());
  }

  private RawClient agent(String id, String metadata, Map<String, String> headers) {
    RawClient c = RawClient.open(vertx, server.port(), "/ws", headers);
    agents.add(c);
    ObjectNode ack = c.request("{\"type\":\"connect\",\"agent_id\":\"" + id + "\",\"metadata\":" + metadata + "}");
    assertEquals("ack", ack.path("type").asText(), ack.toString());
    return c;
  }

  private RawClient bob() {
    return agent("bob", "{\"name\":\"Bob\",\"description\":\"answers\",\"version\":\"3.0\",\"tools\":[{\"name\":"
        + "\"search\",\"description\":\"web search\"}]}", Map.of());
  }

  /** @return the next run request the agent receives */
  private static ObjectNode request(RawClient agent) {
    return (ObjectNode) agent.take(f -> "event".equals(f.path("type").asText())
        && f.path("event").path("requires_response").asBoolean()).get("event");
  }

  /** Takes the presence event of the gateway's session, which every agent of the workspace sees once. */
  private static void gatewayJoined(RawClient agent) {
    ObjectNode joined = agent.take(f -> "agent.joined".equals(f.path("event").path("event_name").asText()));
    assertTrue(joined.path("event").path("payload").path("agent_id").asText().startsWith("a2a."), joined.toString());
    assertEquals("gateway", joined.path("event").path("payload").path("metadata").path("role").asText());
  }

  private static void answer(RawClient agent, ObjectNode request, String name, String payload) {
    ObjectNode ack = agent.request("{\"type\":\"publish\",\"event\":{\"event_name\":\"" + name
        + "\",\"destination_id\":\"agent:" + request.path("source_id").asText() + "\",\"response_to\":\""
        + request.path("event_id").asText() + "\",\"payload\":" + payload + "}}");
    assertEquals("ack", ack.path("type").asText(), ack.toString());
  }

  private static JsonNode result(A2aHttp.Answer a) {
    assertEquals(200, a.status(), a.body());
    assertFalse(a.json().has("error"), a.body());
    return a.json().path("result");
  }

  private static void assertRpcError(A2aHttp.Answer a, int status, int code, String text) {
    assertEquals(status, a.status(), a.body());
    assertEquals(code, a.json().path("error").path("code").asInt(), a.body());
    assertTrue(a.json().path("error").path("message").asText().contains(text), a.body());
  }

  @Test
  void cardsAreCachedAndFollowTheAgentsMetadata() {
    startNode(o -> { });
    RawClient bob = bob();
    A2aHttp.Answer card = http.get("/a2a/bob/.well-known/agent-card.json", Map.of());
    assertEquals(200, card.status(), card.body());
    assertEquals("max-age=300", card.headers().get("Cache-Control"));
    String etag = card.headers().get("ETag");
    assertNotNull(etag);
    ObjectNode c = card.json();
    String url = "http://127.0.0.1:" + server.port() + "/a2a/bob";
    assertEquals("Bob", c.path("name").asText());
    assertEquals("answers", c.path("description").asText());
    assertEquals("3.0", c.path("version").asText());
    assertEquals("[{\"url\":\"" + url + "\",\"protocolBinding\":\"JSONRPC\",\"protocolVersion\":\"1.0\"},{\"url\":\""
        + url + "\",\"protocolBinding\":\"HTTP+JSON\",\"protocolVersion\":\"1.0\"}]",
        c.path("supportedInterfaces").toString());
    assertEquals(url, c.path("url").asText());
    assertEquals("0.3.0", c.path("protocolVersion").asText());
    assertEquals("JSONRPC", c.path("preferredTransport").asText());
    assertEquals("[{\"id\":\"search\",\"name\":\"search\",\"description\":\"web search\",\"tags\":[\"tool\"]}]",
        c.path("skills").toString());
    assertEquals(c, http.get("/a2a/bob/.well-known/agent.json", Map.of()).json());
    assertEquals(304, http.get("/a2a/bob/.well-known/agent-card.json", Map.of("If-None-Match", etag)).status());
    ObjectNode legacy = http.get("/a2a/bob/.well-known/agent-card.json", Map.of("A2A-Version", "0.3")).json();
    assertFalse(legacy.has("supportedInterfaces"), legacy.toString());
    assertEquals(url, legacy.path("url").asText());

    bob.request("{\"type\":\"update_metadata\",\"metadata\":{\"name\":\"Robert\",\"capabilities\":[\"math\"]}}");
    A2aHttp.Answer changed = http.get("/a2a/bob/.well-known/agent-card.json", Map.of("If-None-Match", etag));
    assertEquals(200, changed.status());
    assertNotEquals(etag, changed.headers().get("ETag"));
    assertEquals("Robert", changed.json().path("name").asText());
    assertEquals("math", changed.json().path("skills").path(0).path("id").asText());

    A2aHttp.Answer unknown = http.get("/a2a/nobody/.well-known/agent-card.json", Map.of());
    assertEquals(404, unknown.status());
    assertEquals("AGENT_NOT_FOUND", unknown.json().path("error").path("details").path(0).path("reason").asText());

    http.rpc("bob", Map.of(), "SendMessage", A2aHttp.message("hello", "") .replace("}}",
        "},\"configuration\":{\"returnImmediately\":true}}"));
    request(bob);
    A2aHttp.Answer workspace = http.get("/.well-known/agent-card.json", Map.of());
    assertEquals(200, workspace.status());
    List<String> skills = new ArrayList<>();
    workspace.json().path("skills").forEach(s -> skills.add(s.path("id").asText()));
    assertEquals(List.of("bob"), skills, "the gateway is not one of the workspace's agents");
    assertEquals(404, http.get("/a2a/" + A2aFace.gatewayIdOf(server.nodeId()) + "/.well-known/agent-card.json",
        Map.of()).status());
  }

  @Test
  void everyRefusalHasItsCode() {
    startNode(o -> { });
    bob();
    assertRpcError(http.send(HttpMethod.POST, "/a2a/bob", Map.of(), "{\"jsonrpc\":"), 200, -32700, "not a JSON");
    assertRpcError(http.send(HttpMethod.POST, "/a2a/bob", Map.of(), "{\"id\":1,\"method\":\"GetTask\"}"), 200,
        -32600, "jsonrpc");
    assertRpcError(http.rpc("bob", Map.of(), "NoSuchMethod", "{}"), 200, -32601, "NoSuchMethod");
    assertRpcError(http.rpc("bob", Map.of(), "GetTask", "{\"id\":\"nope\"}"), 200, -32001, "nope");
    assertRpcError(http.rpc("bob", Map.of(), "tasks/get", "{\"id\":\"nope\"}"), 200, -32001, "nope");
    assertRpcError(http.rpc("bob", Map.of(), "SendMessage", "{\"message\":{\"role\":\"ROLE_USER\",\"parts\":[]}}"),
        200, -32602, "messageId");
    assertRpcError(http.rpc("bob", Map.of(), "SendMessage", A2aHttp.message("x", "").replace("ROLE_USER",
        "ROLE_AGENT")), 200, -32602, "role");
    assertRpcError(http.rpc("bob", Map.of("A2A-Version", "9.9"), "GetTask", "{\"id\":\"x\"}"), 200, -32009, "9.9");
    assertEquals(400, http.get("/a2a/bob/tasks/x", Map.of("A2A-Version", "9.9")).status());
    assertRpcError(http.rpc("bob", Map.of(), "CreateTaskPushNotificationConfig", "{}"), 200, -32003, "push");
    assertRpcError(http.rpc("bob", Map.of(), "GetExtendedAgentCard", "{}"), 200, -32007, "extended");
    assertRpcError(http.rpc("bob", Map.of(), "ListTasks", "{}"), 200, -32602, "contextId");
    A2aHttp.Answer rest = http.get("/a2a/bob/tasks/nope", Map.of());
    assertEquals(404, rest.status());
    JsonNode error = rest.json().path("error");
    assertEquals(404, error.path("code").asInt());
    assertEquals("NOT_FOUND", error.path("status").asText());
    assertEquals("type.googleapis.com/google.rpc.ErrorInfo", error.path("details").path(0).path("@type").asText());
    assertEquals("TASK_NOT_FOUND", error.path("details").path(0).path("reason").asText());
    assertEquals("a2a-protocol.org", error.path("details").path(0).path("domain").asText());
    assertEquals(403, http.get("/a2a/bob/tasks/nope", Map.of("Origin", "http://evil.example.com")).status());
    RawClient impostor = RawClient.open(vertx, server.port());
    agents.add(impostor);
    ObjectNode refused = impostor.request("{\"type\":\"connect\",\"agent_id\":\"" + A2aFace.gatewayIdOf(
        server.nodeId()) + "\"}");
    assertEquals("error", refused.path("type").asText(), refused.toString());
    assertEquals("forbidden", refused.path("code").asText(), refused.toString());
  }

  @Test
  void anAbsentAgentGivesARejectedTaskAndOneThatLeavesFailsIt() {
    startNode(o -> { });
    JsonNode rejected = result(http.rpc("ghost", Map.of(), "SendMessage", A2aHttp.message("anyone?", ""))).path("task");
    assertEquals("TASK_STATE_REJECTED", rejected.path("status").path("state").asText());
    assertTrue(rejected.path("status").path("message").path("parts").path(0).path("text").asText()
        .contains("not connected"), rejected.toString());

    RawClient bob = bob();
    Future<A2aHttp.Answer> pending = http.rpcAsync("bob", Map.of(), "SendMessage", A2aHttp.message("work", ""));
    ObjectNode req = request(bob);
    bob.close();
    JsonNode failed = result(RawClient.await(pending)).path("task");
    assertEquals(req.path("event_id").asText(), failed.path("id").asText());
    assertEquals("TASK_STATE_FAILED", failed.path("status").path("state").asText());
    assertTrue(failed.path("status").path("message").path("parts").path(0).path("text").asText()
        .startsWith("agent_disconnected: "), failed.toString());
  }

  @Test
  void cancelIsIdempotentAndAFinishedTaskIsNotCancelable() {
    startNode(o -> o.getA2a().setCancelGrace(Duration.ofSeconds(30)));
    RawClient bob = bob();
    String task = result(http.rpc("bob", Map.of(), "SendMessage", A2aHttp.message("work", "")
        .replace("}}", "},\"configuration\":{\"returnImmediately\":true}}"))).path("task").path("id").asText();
    ObjectNode req = request(bob);
    assertEquals(task, req.path("event_id").asText());
    assertEquals("anonymous", req.path("metadata").path("on_behalf_of").asText());
    Future<A2aHttp.Answer> cancel = http.rpcAsync("bob", Map.of(), "CancelTask", "{\"id\":\"" + task + "\"}");
    ObjectNode cancelEvent = (ObjectNode) bob.take(f -> "run.cancel".equals(f.path("event").path("event_name")
        .asText())).get("event");
    assertEquals(task, cancelEvent.path("payload").path("run_id").asText());
    answer(bob, req, "run.canceled", "{\"reason\":\"asked\"}");
    assertEquals("TASK_STATE_CANCELED", result(RawClient.await(cancel)).path("status").path("state").asText());
    assertEquals("TASK_STATE_CANCELED", result(http.rpc("bob", Map.of(), "CancelTask", "{\"id\":\"" + task + "\"}"))
        .path("status").path("state").asText());

    Future<A2aHttp.Answer> done = http.rpcAsync("bob", Map.of(), "SendMessage", A2aHttp.message("quick", ""));
    ObjectNode second = request(bob);
    answer(bob, second, "run.completed", "{\"text\":\"done\"}");
    String finished = result(RawClient.await(done)).path("task").path("id").asText();
    assertRpcError(http.rpc("bob", Map.of(), "CancelTask", "{\"id\":\"" + finished + "\"}"), 200, -32002,
        "COMPLETED");
    gatewayJoined(bob);
    bob.assertNothingElse();
  }

  @Test
  void theV03RestRoutesSpeakProtobufJson() {
    startNode(o -> { });
    RawClient bob = bob();
    Future<A2aHttp.Answer> sent = http.sendAsync(HttpMethod.POST, "/a2a/bob/v1/message:send", Map.of(),
        "{\"message\":{\"messageId\":\"m-1\",\"role\":\"ROLE_USER\",\"content\":[{\"text\":\"hi\"},{\"data\":{\"data\":"
        + "{\"k\":1}}},{\"file\":{\"fileWithUri\":\"https://example.com/a.png\",\"mimeType\":\"image/png\"}}],"
        + "\"contextId\":\"ctx-9\"},\"configuration\":{\"blocking\":true}}");
    ObjectNode req = request(bob);
    assertEquals("hi", req.path("payload").path("text").asText());
    assertEquals("{\"k\":1}", req.path("payload").path("data").toString());
    assertEquals("[{\"url\":\"https://example.com/a.png\",\"media_type\":\"image/png\"}]",
        req.path("payload").path("references").toString());
    assertEquals("anonymous/ctx-9", req.path("metadata").path("session_id").asText());
    answer(bob, req, "run.completed", "{\"text\":\"hello\"}");
    A2aHttp.Answer a = RawClient.await(sent);
    assertEquals(200, a.status(), a.body());
    JsonNode task = a.json().path("task");
    assertEquals("ctx-9", task.path("contextId").asText());
    assertEquals("TASK_STATE_COMPLETED", task.path("status").path("state").asText());
    JsonNode message = task.path("status").path("message");
    assertEquals("ROLE_AGENT", message.path("role").asText());
    assertEquals("[{\"text\":\"hello\"}]", message.path("content").toString());
    assertFalse(message.has("kind") || message.has("parts"), message.toString());
    String id = task.path("id").asText();
    assertEquals(task, http.get("/a2a/bob/v1/tasks/" + id, Map.of()).json());
    A2aHttp.Answer missing = http.get("/a2a/bob/v1/tasks/nope", Map.of());
    assertEquals(404, missing.status());
    assertEquals("{\"code\":-32001,\"message\":\"task 'nope' was not found\"}", missing.body());
    A2aHttp.Answer notCancelable = http.send(HttpMethod.POST, "/a2a/bob/v1/tasks/" + id + ":cancel", Map.of(), null);
    assertEquals(400, notCancelable.status());
    assertEquals(-32002, notCancelable.json().path("code").asInt());
    assertRpcError(http.rpc("bob", Map.of("X-Agent-Id", "carol"), "GetTask", "{\"id\":\"" + id + "\"}"), 200,
        -32001, id);
  }

  @Test
  void limitsAnswerWithA2aErrors() {
    startNode(o -> o.getA2a().setMaxBodySize(2000).setMaxOpenTasksPerCaller(1).setMaxStreamsPerCaller(1));
    RawClient bob = bob();
    assertRpcError(http.rpc("bob", Map.of(), "SendMessage", A2aHttp.message("x".repeat(3000), "")), 413, -32000,
        "larger than 2000 bytes");
    result(http.rpc("bob", Map.of(), "SendMessage", A2aHttp.message("first", "")
        .replace("}}", "},\"configuration\":{\"returnImmediately\":true}}")));
    request(bob);
    assertRpcError(http.rpc("bob", Map.of(), "SendMessage", A2aHttp.message("second", "")), 429, -32000,
        "open tasks");
    result(http.rpc("bob", Map.of("X-Agent-Id", "dave"), "SendMessage", A2aHttp.message("other caller", "")
        .replace("}}", "},\"configuration\":{\"returnImmediately\":true}}")));
    request(bob);
    HttpClientResponse stream = http.open("/a2a/bob", Map.of("X-Agent-Id", "erin"),
        http.rpc("SendStreamingMessage", A2aHttp.message("streamed", "")));
    assertEquals(200, stream.statusCode());
    assertTrue(stream.getHeader("content-type").startsWith("text/event-stream"));
    ObjectNode streamed = request(bob);
    assertRpcError(http.rpc("bob", Map.of("X-Agent-Id", "erin"), "SubscribeToTask", "{\"id\":\""
        + streamed.path("event_id").asText() + "\"}"), 429, -32000, "open streams");
    gatewayJoined(bob);
    bob.assertNothingElse();
    RawClient.await(stream.request().connection().close());
  }

  @Test
  void aMessageTooLargeForAnEventIsRefusedBeforeItReachesTheAgent() {
    startNode(o -> o.setMaxMessageSize(4096));
    RawClient bob = bob();
    A2aHttp.Answer refused = http.rpc("bob", Map.of(), "SendMessage", A2aHttp.message("y".repeat(5000), ""));
    assertRpcError(refused, 413, -32000, "limit is 4096");
    A2aHttp.Answer rest = http.send(HttpMethod.POST, "/a2a/bob/message:send", Map.of(),
        A2aHttp.message("y".repeat(5000), ""));
    assertEquals(413, rest.status(), rest.body());
    assertEquals("RESOURCE_EXHAUSTED", rest.json().path("error").path("status").asText());
    Future<A2aHttp.Answer> small = http.rpcAsync("bob", Map.of(), "SendMessage", A2aHttp.message("small", ""));
    ObjectNode req = request(bob);
    assertEquals("small", req.path("payload").path("text").asText(), "the refused ones never reached bob");
    answer(bob, req, "run.completed", "{\"text\":\"ok\"}");
    assertEquals("TASK_STATE_COMPLETED", result(RawClient.await(small)).path("task").path("status").path("state")
        .asText());
  }

  @Test
  void tokenModeNeedsATokenForAllButTheCard() {
    startNode(o -> o.setAuthMode(ServerOptions.AuthMode.TOKEN).setJwtSecret(SECRET));
    String bobToken = TokenTool.mint(vertx, "HS256", SECRET, "bob", "default", Duration.ofHours(1), null);
    RawClient bob = agent("bob", "{\"name\":\"Bob\"}", Map.of("Authorization", "Bearer " + bobToken));
    A2aHttp.Answer card = http.get("/a2a/bob/.well-known/agent-card.json", Map.of());
    assertEquals(200, card.status(), "cards are public");
    assertEquals("bearer", card.json().path("securitySchemes").path("bearer").path("scheme").asText());
    A2aHttp.Answer none = http.rpc("bob", Map.of(), "GetTask", "{\"id\":\"x\"}");
    assertRpcError(none, 401, -32000, "Authorization");
    assertEquals("Bearer", none.headers().get("WWW-Authenticate"));
    assertEquals(401, http.get("/a2a/bob/v1/tasks/x", Map.of()).status());
    String alice = TokenTool.mint(vertx, "HS256", SECRET, "alice", "default", Duration.ofHours(1), null);
    Future<A2aHttp.Answer> sent = http.rpcAsync("bob", Map.of("Authorization", "Bearer " + alice), "SendMessage",
        A2aHttp.message("hi", ""));
    ObjectNode req = request(bob);
    assertEquals("alice", req.path("metadata").path("on_behalf_of").asText());
    assertTrue(req.path("source_id").asText().startsWith("a2a."), req.toString());
    answer(bob, req, "run.completed", "{\"text\":\"hi alice\"}");
    assertEquals("TASK_STATE_COMPLETED", result(RawClient.await(sent)).path("task").path("status").path("state")
        .asText());
  }
}
