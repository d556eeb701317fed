package dev.workspace.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.workspace.model.CloseCodes;
import dev.workspace.server.testing.RawClient;
import dev.workspace.server.testing.TestServers;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Offsets, epochs, recovery on join and on reconnect, keep-alive and slow consumers on one node. */
class RecoveryTest {
  private final Vertx vertx = Vertx.vertx();
  private WorkspaceServer server;

  private WorkspaceServer start(ServerOptions options) {
    server = TestServers.start(options);
    return server;
  }

  @AfterEach
  void stop() {
    if (server != null) {
      RawClient.await(server.close());
    }
    RawClient.await(vertx.close());
  }

  private static String post(String text) {
    return "{\"type\":\"publish\",\"event\":{\"event_name\":\"channel.message.posted\","
        + "\"destination_id\":\"channel:general\",\"payload\":{\"text\":\"" + text + "\"}}}";
  }

  @Test
  void joinWithSinceReplaysMissedEventsInOrderBeforeNewOnes() {
    start(TestServers.options());
    try (RawClient pub = RawClient.connect(vertx, server.port(), "pub");
        RawClient sub = RawClient.connect(vertx, server.port(), "sub", "[\"channel.message.*\"]")) {
      pub.request("{\"type\":\"join\",\"channel\":\"general\"}");
      JsonNode first = sub.request("{\"type\":\"join\",\"channel\":\"general\"}").get("result");
      String epoch = first.get("epoch").asText();
      pub.request(post("m1"));
      assertEquals(1, sub.nextEvent().get("offset").asLong());
      sub.request("{\"type\":\"leave\",\"channel\":\"general\"}");
      for (int i = 2; i <= 5; i++) {
        assertEquals(i, pub.request(post("m" + i)).get("result").get("offset").asLong());
      }
      JsonNode ack = sub.request("{\"type\":\"join\",\"channel\":\"general\",\"since\":{\"offset\":1,\"epoch\":\""
          + epoch + "\"}}");
      assertTrue(ack.get("result").get("recovered").asBoolean());
      assertEquals(5, ack.get("result").get("offset").asLong());
      pub.request(post("m6"));
      for (int i = 2; i <= 6; i++) {
        ObjectNode e = sub.nextEvent();
        assertEquals(i, e.get("offset").asLong());
        assertEquals("m" + i, e.get("payload").get("text").asText());
      }
      sub.assertNothingElse();
    }
  }

  @Test
  void gapLargerThanHistoryOrOtherEpochIsNotRecovered() {
    start(TestServers.options().setHistorySize(3));
    try (RawClient pub = RawClient.connect(vertx, server.port(), "pub");
        RawClient sub = RawClient.connect(vertx, server.port(), "sub", "[\"channel.message.*\"]")) {
      pub.request("{\"type\":\"join\",\"channel\":\"general\"}");
      String epoch = pub.request("{\"type\":\"join\",\"channel\":\"general\"}").get("result").get("epoch").asText();
      for (int i = 1; i <= 10; i++) {
        pub.request(post("m" + i));
      }
      JsonNode gap = sub.request("{\"type\":\"join\",\"channel\":\"general\",\"since\":{\"offset\":2,\"epoch\":\""
          + epoch + "\"}}").get("result");
      assertFalse(gap.get("recovered").asBoolean());
      assertEquals(10, gap.get("offset").asLong());
      sub.assertNothingElse();
      sub.request("{\"type\":\"leave\",\"channel\":\"general\"}");
      JsonNode otherEpoch = sub.request("{\"type\":\"join\",\"channel\":\"general\",\"since\":{\"offset\":9,"
          + "\"epoch\":\"not-" + epoch + "\"}}").get("result");
      assertFalse(otherEpoch.get("recovered").asBoolean());
      sub.assertNothingElse();
      JsonNode history = sub.request("{\"type\":\"history\",\"channel\":\"general\"}").get("result");
      assertEquals(3, history.get("events").size());
      assertEquals(8, history.get("first_offset").asLong());
      assertEquals(8, history.get("events").get(0).get("offset").asLong());
    }
  }

  @Test
  void reconnectRecoversChannelAndInboxEvents() {
    start(TestServers.options());
    RawClient bob = RawClient.connect(vertx, server.port(), "bob", "[\"channel.message.*\",\"agent.message\"]");
    try (RawClient alice = RawClient.connect(vertx, server.port(), "alice")) {
      alice.request("{\"type\":\"join\",\"channel\":\"general\"}");
      JsonNode joined = bob.request("{\"type\":\"join\",\"channel\":\"general\"}").get("result");
      alice.request(post("before"));
      assertEquals("before", bob.nextEvent().get("payload").get("text").asText());
      alice.request("{\"type\":\"publish\",\"event\":{\"event_name\":\"agent.message\",\"destination_id\":\"agent:bob\","
          + "\"payload\":{\"text\":\"dm1\"}}}");
      ObjectNode dm1 = bob.nextEvent();
      assertEquals(1, dm1.get("offset").asLong());
      // A second connection for bob takes over; bob's old connection is closed with 4005.
      try (RawClient bob2 = RawClient.open(vertx, server.port())) {
        ObjectNode ack = bob2.request("{\"type\":\"connect\",\"agent_id\":\"bob\",\"subscriptions\":[\"channel.message.*\","
            + "\"agent.message\"],\"recover\":{\"channels\":{\"general\":{\"offset\":1,\"epoch\":\""
            + joined.get("epoch").asText() + "\"}}}}");
        assertEquals(CloseCodes.REPLACED, bob.awaitClose());
        assertTrue(ack.get("result").get("recovery").get("channels").get("general").get("recovered").asBoolean());
        alice.request(post("after"));
        ObjectNode e = bob2.nextEvent();
        assertEquals("after", e.get("payload").get("text").asText());
        assertEquals(2, e.get("offset").asLong());
        bob2.assertNothingElse();
      }
    } finally {
      bob.close();
    }
  }

  @Test
  void directMessagesWhileAwayWaitInTheInboxAndAreRecovered() {
    start(TestServers.options().setInboxRetention(Duration.ofMinutes(1)));
    try (RawClient alice = RawClient.connect(vertx, server.port(), "alice")) {
      String epoch;
      try (RawClient bob = RawClient.open(vertx, server.port())) {
        epoch = bob.request("{\"type\":\"connect\",\"agent_id\":\"bob\"}").get("result").get("inbox").get("epoch")
            .asText();
        alice.take(f -> f.path("event").path("event_name").asText().equals("agent.joined"));
        alice.request(dm("bob", "one"));
        assertEquals("one", bob.nextEvent().get("payload").get("text").asText());
      }
      assertEquals("agent.left", alice.nextEvent().get("event_name").asText());
      JsonNode queued = alice.request(dm("bob", "two")).get("result");
      assertTrue(queued.get("queued").asBoolean());
      assertEquals(2, queued.get("offset").asLong());
      JsonNode request = alice.request("{\"type\":\"publish\",\"event\":{\"event_name\":\"agent.message\","
          + "\"destination_id\":\"agent:bob\",\"requires_response\":true}}");
      assertEquals("not_found", request.get("code").asText());
      try (RawClient bob = RawClient.open(vertx, server.port())) {
        JsonNode ack = bob.request("{\"type\":\"connect\",\"agent_id\":\"bob\",\"recover\":{\"inbox\":"
            + "{\"offset\":1,\"epoch\":\"" + epoch + "\"}}}").get("result");
        assertTrue(ack.get("recovery").get("inbox").get("recovered").asBoolean());
        JsonNode two = bob.nextEvent();
        assertEquals("two", two.get("payload").get("text").asText());
        assertEquals(2, two.get("offset").asLong());
        bob.assertNothingElse();
      }
    }
  }

  private static String dm(String to, String text) {
    return "{\"type\":\"publish\",\"event\":{\"event_name\":\"agent.message\",\"destination_id\":\"agent:" + to
        + "\",\"payload\":{\"text\":\"" + text + "\"}}}";
  }

  @Test
  void silentPeerIsClosedWithinPingIntervalPlusTimeout() {
    start(TestServers.options().setPingInterval(Duration.ofMillis(200)).setPingTimeout(Duration.ofMillis(200)));
    try (RawClient silent = RawClient.connect(vertx, server.port(), "silent")) {
      long start = System.nanoTime();
      ObjectNode ping = silent.next();
      assertEquals("ping", ping.get("type").asText());
      assertEquals(CloseCodes.PING_TIMEOUT, silent.awaitClose());
      long tookMs = (System.nanoTime() - start) / 1_000_000;
      assertTrue(tookMs < 5_000, "closed after " + tookMs + " ms");
    }
  }

  @Test
  void peerThatAnswersPingsStaysConnected() {
    start(TestServers.options().setPingInterval(Duration.ofMillis(100)).setPingTimeout(Duration.ofMillis(300)));
    try (RawClient live = RawClient.connect(vertx, server.port(), "live")) {
      for (int i = 0; i < 5; i++) {
        assertEquals("ping", live.next().get("type").asText());
        live.send("{\"type\":\"pong\"}");
      }
      assertFalse(live.isClosed());
      live.assertNothingElse();
    }
  }

  @Test
  void connectionThatNeverSendsConnectIsClosedAfterHandshakeTimeout() {
    start(TestServers.options().setHandshakeTimeout(Duration.ofMillis(300)));
    List<RawClient> idle = new ArrayList<>();
    try {
      for (int i = 0; i < 5; i++) {
        idle.add(RawClient.open(vertx, server.port()));
      }
      for (RawClient c : idle) {
        assertEquals(CloseCodes.HANDSHAKE_TIMEOUT, c.awaitClose());
        assertTrue(c.drain().isEmpty());
      }
    } finally {
      idle.forEach(RawClient::close);
    }
  }
}
