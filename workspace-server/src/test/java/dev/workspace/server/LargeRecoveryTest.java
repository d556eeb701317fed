package dev.workspace.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.workspace.server.testing.RawClient;
import dev.workspace.server.testing.TestServers;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A recovery replay many times the outbound bound is paced by what the socket has written: a reader that keeps up
 * receives every missed event still in history, each once and in order, and is not closed as a slow consumer.
 */
class LargeRecoveryTest {
  private static final String SUBSCRIPTIONS = "[\"channel.message.posted\"]";

  private final Vertx vertx = Vertx.vertx();
  private WorkspaceServer server;

  @BeforeEach
  void start() {
    server = TestServers.start(TestServers.options());
  }

  @AfterEach
  void stop() {
    RawClient.await(server.close());
    RawClient.await(vertx.close());
  }

  @Test
  void aReaderRecovers150MissedPostsOf60KiB() {
    recoverAfterMissing(150, 60 * 1024);
  }

  @Test
  void aReaderRecovers900MissedPostsOf16KiB() {
    recoverAfterMissing(900, 16 * 1024);
  }

  private void recoverAfterMissing(int count, int size) {
    String text = "y".repeat(size);
    try (RawClient poster = RawClient.connect(vertx, server.port(), "poster", "[]")) {
      poster.request("{\"type\":\"join\",\"channel\":\"general\"}");
      JsonNode seen;
      try (RawClient reader = RawClient.connect(vertx, server.port(), "reader", SUBSCRIPTIONS)) {
        seen = reader.request("{\"type\":\"join\",\"channel\":\"general\"}").get("result");
      }
      for (int i = 1; i <= count; i++) {
        JsonNode ack = poster.request("{\"type\":\"publish\",\"event\":{\"event_name\":\"channel.message.posted\","
            + "\"destination_id\":\"channel:general\",\"payload\":{\"n\":" + i + ",\"text\":\"" + text + "\"}}}");
        assertEquals("ack", ack.get("type").asText(), ack.toString());
      }
      long from = seen.get("offset").asLong();
      try (RawClient reader = RawClient.open(vertx, server.port())) {
        ObjectNode ack = reader.request("{\"type\":\"connect\",\"agent_id\":\"reader\",\"subscriptions\":"
            + SUBSCRIPTIONS + ",\"recover\":{\"channels\":{\"general\":{\"offset\":" + from + ",\"epoch\":\""
            + seen.get("epoch").asText() + "\"}}}}");
        JsonNode general = ack.get("result").get("recovery").get("channels").get("general");
        assertTrue(general.get("recovered").asBoolean(), general.toString());
        for (int i = 1; i <= count; i++) {
          ObjectNode e = reader.nextEvent();
          assertEquals(from + i, e.get("offset").asLong(), "event " + i);
          assertEquals(i, e.get("payload").get("n").asInt());
        }
        reader.assertNothingElse();
        assertEquals(false, reader.isClosed());
      }
    }
  }
}
