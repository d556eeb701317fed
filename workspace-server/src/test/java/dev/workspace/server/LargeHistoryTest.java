package dev.workspace.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.workspace.server.testing.RawClient;
import dev.workspace.server.testing.TestServers;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A history page is bounded by bytes as well as by count, so one answer never makes its reader a slow consumer. */
class LargeHistoryTest {
  private static final int EVENTS = 20;
  private static final String BIG = "x".repeat(60 * 1024);

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
  void twentyEventsOf60KiBArePagedBackwardsAndForwardsWithoutAClose() {
    try (RawClient poster = RawClient.connect(vertx, server.port(), "poster", "[]");
        RawClient reader = RawClient.connect(vertx, server.port(), "reader", "[]")) {
      poster.request("{\"type\":\"join\",\"channel\":\"general\"}");
      for (int i = 1; i <= EVENTS; i++) {
        JsonNode ack = poster.request("{\"type\":\"publish\",\"event\":{\"event_name\":\"channel.message.posted\","
            + "\"destination_id\":\"channel:general\",\"payload\":{\"n\":" + i + ",\"text\":\"" + BIG + "\"}}}");
        assertEquals("ack", ack.get("type").asText(), ack.toString());
      }
      List<Long> backwards = new ArrayList<>();
      String cursor = "";
      int pages = 0;
      while (true) {
        ObjectNode answer = reader.request("{\"type\":\"history\",\"channel\":\"general\",\"limit\":20" + cursor + "}");
        assertEquals("ack", answer.get("type").asText(), "page " + pages + ": " + answer.path("code"));
        JsonNode page = answer.get("result");
        JsonNode events = page.get("events");
        assertTrue(events.size() >= 1 && events.size() < EVENTS, "a page of " + events.size());
        List<Long> offsets = new ArrayList<>();
        events.forEach(e -> offsets.add(e.get("offset").asLong()));
        backwards.addAll(0, offsets);
        pages++;
        if (!page.get("has_more").asBoolean()) {
          break;
        }
        cursor = ",\"before\":" + offsets.get(0);
        assertTrue(pages < EVENTS, "too many pages");
      }
      assertEquals(expected(), backwards);
      List<Long> forwards = new ArrayList<>();
      cursor = ",\"after\":0";
      while (true) {
        JsonNode page = reader.request("{\"type\":\"history\",\"channel\":\"general\",\"limit\":20" + cursor + "}")
            .get("result");
        page.get("events").forEach(e -> forwards.add(e.get("offset").asLong()));
        if (!page.get("has_more").asBoolean()) {
          break;
        }
        cursor = ",\"after\":" + forwards.get(forwards.size() - 1);
        assertTrue(forwards.size() < 10 * EVENTS, "too many pages");
      }
      assertEquals(expected(), forwards);
      assertFalse(reader.isClosed());
      reader.assertNothingElse();
    }
  }

  private static List<Long> expected() {
    List<Long> all = new ArrayList<>();
    for (long i = 1; i <= EVENTS; i++) {
      all.add(i);
    }
    return all;
  }
}
