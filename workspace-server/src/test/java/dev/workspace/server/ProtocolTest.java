package dev.workspace.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.workspace.server.testing.RawClient;
import dev.workspace.server.testing.TestServers;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The wire protocol against a real node over real WebSockets. */
class ProtocolTest {
  private Vertx vertx;
  private WorkspaceServer server;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    server = TestServers.start(TestServers.options());
  }

  @AfterEach
  void stop() {
    RawClient.await(server.close());
    RawClient.await(vertx.close());
  }

  @Test
  void frameBeforeConnectIsRefusedAndConnectionStaysOpen() {
    try (RawClient c = RawClient.open(vertx, server.port())) {
      ObjectNode err = c.request("{\"type\":\"join\",\"channel\":\"general\"}");
      assertEquals("error", err.get("type").asText());
      assertEquals("not_connected", err.get("code").asText());
      ObjectNode ack = c.request("{\"type\":\"connect\",\"agent_id\":\"alice\"}");
      assertEquals("ack", ack.get("type").asText());
      assertEquals("alice", ack.get("result").get("agent_id").asText());
      c.assertNothingElse();
    }
  }

  @Test
  void channelPostReachesOtherMembersWithOffsetAndAckCarriesIt() {
    try (RawClient alice = RawClient.connect(vertx, server.port(), "alice");
        RawClient bob = RawClient.connect(vertx, server.port(), "bob")) {
      alice.take(f -> f.path("event").path("event_name").asText().equals("agent.joined"));
      assertEquals("ack", alice.request("{\"type\":\"join\",\"channel\":\"general\"}").get("type").asText());
      assertEquals("ack", bob.request("{\"type\":\"join\",\"channel\":\"general\"}").get("type").asText());
      assertEquals("channel.joined", alice.nextEvent().get("event_name").asText());
      ObjectNode ack = alice.request("{\"type\":\"publish\",\"event\":{\"event_name\":\"channel.message.posted\","
          + "\"destination_id\":\"channel:general\",\"payload\":{\"text\":\"hello\"}}}");
      assertEquals(1, ack.get("result").get("offset").asLong());
      ObjectNode ev = bob.nextEvent();
      assertEquals("channel.message.posted", ev.get("event_name").asText());
      assertEquals("alice", ev.get("source_id").asText());
      assertEquals(1, ev.get("offset").asLong());
      assertEquals("hello", ev.get("payload").get("text").asText());
      bob.assertNothingElse();
      alice.assertNothingElse();
    }
  }
}
