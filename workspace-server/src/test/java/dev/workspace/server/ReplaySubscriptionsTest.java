package dev.workspace.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.workspace.server.testing.RawClient;
import dev.workspace.server.testing.TestServers;
import io.vertx.core.Vertx;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Replays after a reconnect or a join with {@code since} obey the session's subscriptions as live traffic does. */
class ReplaySubscriptionsTest {
  private static final String ONLY_POSTS = "[\"channel.message.posted\"]";

  private final Vertx vertx = Vertx.vertx();
  private WorkspaceServer server;

  @BeforeEach
  void start() {
    server = TestServers.start(TestServers.options().setInboxRetention(Duration.ofMinutes(1)));
  }

  @AfterEach
  void stop() {
    RawClient.await(server.close());
    RawClient.await(vertx.close());
  }

  @Test
  void aRecoveryReplaysOnlySubscribedNamesAndRepliesToTheSessionsOwnRequests() {
    try (RawClient alice = RawClient.connect(vertx, server.port(), "alice")) {
      alice.request("{\"type\":\"join\",\"channel\":\"general\"}");
      ObjectNode ack;
      String requestId;
      try (RawClient bob = RawClient.open(vertx, server.port())) {
        ack = (ObjectNode) bob.request("{\"type\":\"connect\",\"agent_id\":\"bob\",\"subscriptions\":" + ONLY_POSTS
            + "}").get("result");
        alice.take(f -> "agent.joined".equals(f.path("event").path("event_name").asText()));
        bob.request("{\"type\":\"join\",\"channel\":\"general\"}");
        alice.take(f -> "channel.joined".equals(f.path("event").path("event_name").asText()));
        requestId = bob.request("{\"type\":\"publish\",\"event\":{\"event_name\":\"agent.request\","
            + "\"destination_id\":\"agent:alice\",\"requires_response\":true,\"payload\":{\"q\":\"?\"}}}")
            .get("result").get("event_id").asText();
        assertEquals(requestId, alice.nextEvent().get("event_id").asText());
      }
      alice.take(f -> "agent.left".equals(f.path("event").path("event_name").asText()));
      JsonNode general = joined(alice);
      alice.request(publish("channel.message.posted", "channel:general", "post"));
      alice.request(publish("team.update", "channel:general", "team"));
      alice.request(publish("agent.message", "agent:bob", "dm"));
      alice.request(publish("team.update", "agent:broadcast", "all"));
      alice.request("{\"type\":\"publish\",\"event\":{\"event_name\":\"agent.response\",\"destination_id\":"
          + "\"agent:bob\",\"response_to\":\"" + requestId + "\",\"payload\":{\"text\":\"answer\"}}}");
      try (RawClient bob = RawClient.open(vertx, server.port())) {
        JsonNode recovered = bob.request("{\"type\":\"connect\",\"agent_id\":\"bob\",\"subscriptions\":" + ONLY_POSTS
            + ",\"recover\":{\"channels\":{\"general\":" + general + "},\"inbox\":" + ack.get("inbox")
            + ",\"broadcast\":" + ack.get("broadcast") + "}}").get("result").get("recovery");
        assertTrue(recovered.get("inbox").get("recovered").asBoolean(), recovered.toString());
        assertTrue(recovered.get("broadcast").get("recovered").asBoolean(), recovered.toString());
        assertTrue(recovered.get("channels").get("general").get("recovered").asBoolean(), recovered.toString());
        ObjectNode reply = bob.nextEvent();
        assertEquals("agent.response", reply.get("event_name").asText());
        assertEquals("answer", reply.get("payload").get("text").asText());
        ObjectNode post = bob.nextEvent();
        assertEquals("channel.message.posted", post.get("event_name").asText());
        assertEquals("post", post.get("payload").get("text").asText());
        bob.assertNothingElse();
      }
    }
  }

  @Test
  void aJoinWithSinceReplaysOnlySubscribedNamesAndNotTheSessionsOwnPosts() {
    try (RawClient alice = RawClient.connect(vertx, server.port(), "alice");
        RawClient carol = RawClient.connect(vertx, server.port(), "carol", ONLY_POSTS)) {
      alice.request("{\"type\":\"join\",\"channel\":\"general\"}");
      carol.request("{\"type\":\"join\",\"channel\":\"general\"}");
      JsonNode since = joined(carol);
      carol.request(publish("channel.message.posted", "channel:general", "mine"));
      carol.request("{\"type\":\"leave\",\"channel\":\"general\"}");
      alice.request(publish("team.update", "channel:general", "team"));
      alice.request(publish("channel.message.posted", "channel:general", "post"));
      JsonNode rejoined = carol.request("{\"type\":\"join\",\"channel\":\"general\",\"since\":" + since + "}")
          .get("result");
      assertTrue(rejoined.get("recovered").asBoolean(), rejoined.toString());
      ObjectNode post = carol.nextEvent();
      assertEquals("channel.message.posted", post.get("event_name").asText());
      assertEquals("post", post.get("payload").get("text").asText());
      carol.assertNothingElse();
    }
  }

  /** @return the {@code {"offset","epoch"}} of general as a client last saw it, read from history */
  private static JsonNode joined(RawClient c) {
    JsonNode h = c.request("{\"type\":\"history\",\"channel\":\"general\",\"limit\":1}").get("result");
    return vertxJson("{\"offset\":" + h.get("last_offset").asLong() + ",\"epoch\":\"" + h.get("epoch").asText()
        + "\"}");
  }

  private static JsonNode vertxJson(String text) {
    return dev.workspace.model.FrameCodec.DEFAULT.parseObject(text);
  }

  private static String publish(String name, String destination, String text) {
    return "{\"type\":\"publish\",\"event\":{\"event_name\":\"" + name + "\",\"destination_id\":\"" + destination
        + "\",\"payload\":{\"text\":\"" + text + "\"}}}";
  }
}
