package dev.workspace.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * JSON logs of a node process: every line parses as one JSON object with the node id, the lines of a session carry
 * its workspace, agent and session ids (and the event id where an event was refused), the ids never spill onto
 * other lines, and neither the token nor the secret appears anywhere in the output.
 */
class LoggingIT {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final String SECRET = "logging-test-secret-0123456789-abcdefghij";

  private static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
  }

  private static JsonObject next(LinkedBlockingQueue<String> frames) throws InterruptedException {
    String f = frames.poll(60, TimeUnit.SECONDS);
    if (f == null) {
      throw new AssertionError("no frame within 60 s");
    }
    return new JsonObject(f);
  }

  @Test
  void jsonLinesCarryTheIdsOfWhatTheyTellAndNoToken() throws Exception {
    Proc mint = Proc.run(Map.of("WORKSPACE_JWT_SECRET", SECRET), "token", "--agent", "alice", "--workspace", "w1",
        "--ttl", "1h");
    assertEquals(0, mint.exit(), mint.stderrText());
    String token = mint.stdoutText().trim();
    assertTrue(token.split("\\.").length == 3, token);
    Vertx vertx = Vertx.vertx();
    try (Proc node = Proc.server(Map.of("WORKSPACE_JWT_SECRET", SECRET), "--node-id", "node-log", "--log-format",
        "json", "--auth", "token")) {
      LinkedBlockingQueue<String> frames = new LinkedBlockingQueue<>();
      Promise<Short> closed = Promise.promise();
      WebSocket ws = await(vertx.createWebSocketClient().connect(new WebSocketConnectOptions().setHost("127.0.0.1")
          .setPort(node.port).setURI("/ws").addHeader("Authorization", "Bearer " + token)));
      ws.textMessageHandler(frames::add);
      ws.closeHandler(v -> closed.tryComplete(ws.closeStatusCode()));
      await(ws.writeTextMessage(new JsonObject().put("type", "connect").put("id", "c1").put("agent_id", "alice")
          .encode()));
      JsonObject ack = next(frames);
      assertEquals("ack", ack.getString("type"), ack.encode());
      String sessionId = ack.getJsonObject("result").getString("session_id");
      await(ws.writeTextMessage(new JsonObject().put("type", "publish").put("id", "p1").put("event",
          new JsonObject().put("event_id", "evt-forged-1").put("event_name", "agent.message")
              .put("source_id", "mallory").put("destination_id", "agent:bob")
              .put("payload", new JsonObject().put("text", "hi"))).encode()));
      JsonObject refused = next(frames);
      assertEquals("error", refused.getString("type"), refused.encode());
      assertEquals("forbidden", refused.getString("code"));
      await(ws.close((short) 1000, "bye"));
      await(closed.future());
      node.awaitErr(l -> l.contains("disconnected agent=alice"), WAIT);
      node.signalTerm();
      assertEquals(0, node.waitFor(WAIT), node.stderrText());

      List<String> all = new ArrayList<>(node.stderr());
      all.addAll(node.stdout());
      List<JsonObject> lines = new ArrayList<>();
      for (String line : all) {
        JsonObject json;
        try {
          json = new JsonObject(line);
        } catch (RuntimeException e) {
          throw new AssertionError("not a JSON line: " + line, e);
        }
        assertEquals("node-log", json.getJsonObject("context").getJsonObject("properties").getString("node"), line);
        assertFalse(line.contains(token), "the token is in a log line: " + line);
        assertFalse(line.contains(token.substring(token.lastIndexOf('.') + 1)), "the token's signature: " + line);
        assertFalse(line.contains(SECRET), "the secret is in a log line: " + line);
        lines.add(json);
      }
      JsonObject sessionIds = new JsonObject().put("workspace", "w1").put("agent", "alice").put("session", sessionId);
      JsonObject connected = only(lines, "connected agent=alice");
      assertEquals(sessionIds.copy(), connected.getJsonObject("mdc"));
      JsonObject refusedLine = only(lines, "refused event");
      JsonObject withEvent = sessionIds.copy().put("event", "evt-forged-1");
      assertEquals(withEvent, refusedLine.getJsonObject("mdc"));
      assertTrue(refusedLine.getString("formattedMessage").contains("is not this connection's agent"));
      assertEquals(sessionIds.copy(),
          only(lines, "disconnected agent=alice").getJsonObject("mdc"));
      for (JsonObject l : lines) {
        JsonObject mdc = l.getJsonObject("mdc", new JsonObject());
        String message = l.getString("formattedMessage");
        if (!mdc.isEmpty()) {
          assertTrue(message.contains(sessionId), "ids on a line that is not the session's: " + l.encode());
        }
      }
      assertTrue(lines.stream().anyMatch(l -> l.getString("formattedMessage").contains("draining")
          && l.getJsonObject("mdc", new JsonObject()).isEmpty()), "the drain line carries no session's ids");
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }

  private static JsonObject only(List<JsonObject> lines, String start) {
    List<JsonObject> found = lines.stream()
        .filter(l -> l.getString("formattedMessage", "").startsWith(start)).toList();
    assertEquals(1, found.size(), "lines starting with '" + start + "': " + found);
    return found.get(0);
  }
}
