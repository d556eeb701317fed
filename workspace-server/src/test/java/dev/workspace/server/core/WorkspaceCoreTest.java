package dev.workspace.server.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.workspace.model.ErrorCode;
import dev.workspace.server.testing.RecordingTransport;
import dev.workspace.server.testing.SessionFixture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Who receives what, decided by the routing core: sessions on recording transports, no sockets. */
class WorkspaceCoreTest {
  private final SessionFixture node = new SessionFixture();

  @AfterEach
  void close() {
    node.close();
  }

  private RecordingTransport connect(String ws, String agent, String patterns) {
    RecordingTransport t = node.open(null);
    t.connect("\"workspace\":\"" + ws + "\",\"agent_id\":\"" + agent + "\",\"subscriptions\":" + patterns);
    return t;
  }

  private static String publish(String destination, String rest) {
    return "{\"type\":\"publish\",\"event\":{\"destination_id\":\"" + destination + "\"," + rest + "}}";
  }

  private static String post(String channel, String text) {
    return publish("channel:" + channel, "\"event_name\":\"channel.message.posted\",\"payload\":{\"text\":\"" + text
        + "\"}");
  }

  private static JsonNode ok(JsonNode answer) {
    assertEquals("ack", answer.path("type").asText(), answer.toString());
    return answer.get("result");
  }

  @Test
  void quietBotOnBusyChannelIsSentOnlyItsMentions() {
    RecordingTransport alice = connect("w", "alice", "[\"channel.message.*\"]");
    RecordingTransport bot = connect("w", "bot", "[\"channel.message.mentioned\"]");
    ok(alice.request("{\"type\":\"join\",\"channel\":\"general\"}"));
    ok(bot.request("{\"type\":\"join\",\"channel\":\"general\"}"));
    for (int i = 0; i < 5; i++) {
      ok(alice.request(post("general", "chatter " + i)));
    }
    ok(alice.request(post("general", "hey @bot, and @nobody")));
    JsonNode mention = bot.nextEvent();
    assertEquals("channel.message.mentioned", mention.get("event_name").asText());
    assertEquals("alice", mention.get("source_id").asText());
    assertEquals("general", mention.get("payload").get("channel").asText());
    assertEquals(6, mention.get("payload").get("post_offset").asLong());
    bot.assertNothingElse();
    alice.assertNothingElse();
  }

  @Test
  void workspacesAreIsolated() {
    RecordingTransport a = connect("one", "alice", "[\"*\"]");
    RecordingTransport b = connect("two", "bob", "[\"*\"]");
    RecordingTransport c = connect("two", "carol", "[\"*\"]");
    ok(a.request(publish("agent:broadcast", "\"event_name\":\"agent.broadcast\"")));
    JsonNode dm = a.request(publish("agent:bob", "\"event_name\":\"agent.message\""));
    assertEquals(ErrorCode.NOT_FOUND.wireName(), dm.path("code").asText(), dm.toString());
    JsonNode joined = b.nextEvent();
    assertEquals("agent.joined", joined.get("event_name").asText());
    assertEquals("carol", joined.get("source_id").asText());
    b.assertNothingElse();
    c.assertNothingElse();
    a.assertNothingElse();
  }

  @Test
  void repliesReachTheRequesterWhateverItsSubscriptions() {
    RecordingTransport asker = connect("w", "asker", "[]");
    RecordingTransport worker = connect("w", "worker", "[\"task.>\"]");
    ok(asker.request(publish("agent:worker", "\"event_name\":\"task.run\",\"event_id\":\"req-1\","
        + "\"requires_response\":true")));
    JsonNode got = worker.nextEvent();
    assertEquals("req-1", got.get("event_id").asText());
    assertTrue(got.get("requires_response").asBoolean());
    ok(worker.request(publish("agent:asker", "\"event_name\":\"task.done\",\"response_to\":\"req-1\"")));
    JsonNode reply = asker.nextEvent();
    assertEquals("task.done", reply.get("event_name").asText());
    assertEquals("req-1", reply.get("response_to").asText());
    asker.assertNothingElse();
    worker.assertNothingElse();
  }
}
