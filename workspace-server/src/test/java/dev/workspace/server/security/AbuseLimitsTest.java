package dev.workspace.server.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.workspace.model.CloseCodes;
import dev.workspace.server.ServerOptions;
import dev.workspace.server.WorkspaceServer;
import dev.workspace.server.testing.RawClient;
import dev.workspace.server.testing.TestServers;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.WebSocketFrame;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Each configurable limit, passed: the coded error when the connection can go on, the documented close code when
 * it cannot. Tests that depend on time bound it generously instead of sleeping.
 */
class AbuseLimitsTest {
  private final Vertx vertx = Vertx.vertx();
  private WorkspaceServer server;

  @AfterEach
  void stop() {
    if (server != null) {
      RawClient.await(server.close());
    }
    RawClient.await(vertx.close());
  }

  private void start(ServerOptions options) {
    server = TestServers.start(options);
  }

  @Test
  void jsonNestedDeeperThanTheLimitIsLimitExceededAndTheConnectionGoesOn() {
    start(TestServers.options().setMaxJsonDepth(8));
    try (RawClient c = RawClient.connect(vertx, server.port(), "deep")) {
      c.send("{\"type\":\"ping\",\"id\":\"deep\",\"x\":" + "[".repeat(20) + "]".repeat(20) + "}");
      assertEquals("limit_exceeded", c.next().get("code").asText());
      c.send("{\"type\":\"publish\",\"id\":\"p\",\"event\":{\"event_name\":\"agent.broadcast\","
          + "\"destination_id\":\"agent:broadcast\",\"payload\":{\"x\":" + "[".repeat(20) + "]".repeat(20) + "}}}");
      assertEquals("limit_exceeded", c.next().get("code").asText());
      c.send("{\"type\":\"ping\",\"id\":\"shallow\",\"x\":[[[1]]]}");
      assertEquals("pong", c.next().get("type").asText());
      c.assertNothingElse();
    }
  }

  @Test
  void framesPastTheRateAreRateLimitedThenFloodingIsClosed4008() {
    start(TestServers.options().setMaxFramesPerSecond(1).setFrameBurst(5));
    try (Wire.FrameSocket s = new Wire.FrameSocket(vertx, server.port())) {
      for (int i = 1; i <= 40 && !s.closed.isDone(); i++) {
        s.writeQuietly(WebSocketFrame.textFrame("{\"type\":\"ping\",\"id\":\"p" + i + "\"}", true));
      }
      assertEquals(CloseCodes.FLOODING, s.awaitClose());
      List<ObjectNode> answers = new ArrayList<>(s.frames);
      int pongs = 0;
      while (pongs < answers.size() && "pong".equals(answers.get(pongs).get("type").asText())) {
        assertEquals("p" + (pongs + 1), answers.get(pongs).get("id").asText());
        pongs++;
      }
      assertTrue(pongs >= 5 && pongs <= 7, "burst of 5 (and a refill or two), got " + answers);
      List<ObjectNode> limited = answers.subList(pongs, answers.size());
      assertTrue(limited.size() >= 4, "rate_limited answers before the close: " + answers);
      for (int i = 0; i < limited.size(); i++) {
        ObjectNode err = limited.get(i);
        assertEquals("rate_limited", err.get("code").asText(), err.toString());
        assertEquals("p" + (pongs + i + 1), err.get("id").asText());
      }
    }
  }

  @Test
  void senderWithinTheRateIsNeverLimited() {
    start(TestServers.options().setMaxFramesPerSecond(1000).setFrameBurst(50));
    try (RawClient c = RawClient.connect(vertx, server.port(), "steady")) {
      for (int i = 0; i < 40; i++) {
        c.send("{\"type\":\"ping\",\"id\":\"s" + i + "\"}");
        assertEquals("pong", c.next().get("type").asText());
      }
      c.assertNothingElse();
    }
  }

  @Test
  void tooManyMistakesInARowAreClosed4008ButASuccessResetsTheCount() {
    start(TestServers.options().setMaxErrorsInRow(5));
    try (RawClient c = RawClient.connect(vertx, server.port(), "clumsy")) {
      for (int i = 0; i < 4; i++) {
        c.send("not json");
        assertEquals("bad_json", c.next().get("code").asText());
      }
      c.send("{\"type\":\"ping\",\"id\":\"ok\"}");
      assertEquals("pong", c.next().get("type").asText());
      for (int i = 0; i < 10; i++) {
        ObjectNode err = c.request("{\"type\":\"publish\",\"event\":{\"event_name\":\"agent.message\","
            + "\"destination_id\":\"agent:nobody\",\"payload\":{}}}");
        assertEquals("not_found", err.get("code").asText(), "not a mistake of the client's, not counted");
      }
      for (int i = 0; i < 4; i++) {
        assertEquals("unknown_type", c.request("{\"type\":\"dance\"}").get("code").asText());
      }
      c.assertNothingElse();
      for (int i = 0; i < 5; i++) {
        c.send("{\"type\":42}");
        assertEquals("invalid_frame", c.next().get("code").asText());
      }
      assertEquals(CloseCodes.FLOODING, c.awaitClose());
      assertTrue(c.drain().isEmpty());
    }
  }

  @Test
  void subscriptionsPastTheLimitAreLimitExceeded() {
    start(TestServers.options().setMaxSubscriptions(3));
    try (RawClient c = RawClient.connect(vertx, server.port(), "greedy", "[\"a.b\"]")) {
      assertEquals("ack", c.request("{\"type\":\"subscribe\",\"patterns\":[\"c.d\",\"e.f\"]}").get("type").asText());
      ObjectNode err = c.request("{\"type\":\"subscribe\",\"patterns\":[\"g.h\"]}");
      assertEquals("limit_exceeded", err.get("code").asText());
      ObjectNode ack = c.request("{\"type\":\"subscribe\",\"patterns\":[\"a.b\"]}");
      assertEquals("[\"a.b\",\"c.d\",\"e.f\"]", ack.get("result").get("subscriptions").toString());
      try (RawClient d = RawClient.open(vertx, server.port())) {
        ObjectNode refused = d.request("{\"type\":\"connect\",\"agent_id\":\"greedier\",\"subscriptions\":"
            + "[\"a.b\",\"c.d\",\"e.f\",\"g.h\"]}");
        assertEquals("limit_exceeded", refused.get("code").asText());
      }
      c.assertNothingElse();
    }
  }

  @Test
  void patternsPastTheLengthOrSegmentLimitAreLimitExceeded() {
    start(TestServers.options());
    try (RawClient c = RawClient.connect(vertx, server.port(), "wordy", "[]")) {
      String tooLong = "a." + "b".repeat(ServerOptions.DEFAULT_MAX_PATTERN_LENGTH);
      assertEquals("limit_exceeded", c.request("{\"type\":\"subscribe\",\"patterns\":[\"" + tooLong + "\"]}")
          .get("code").asText());
      String tooDeep = String.join(".", java.util.Collections.nCopies(17, "a"));
      assertEquals("limit_exceeded", c.request("{\"type\":\"subscribe\",\"patterns\":[\"" + tooDeep + "\"]}")
          .get("code").asText());
      String deepest = String.join(".", java.util.Collections.nCopies(16, "a"));
      assertEquals("ack", c.request("{\"type\":\"subscribe\",\"patterns\":[\"" + deepest + "\"]}").get("type")
          .asText());
      assertEquals("invalid_pattern", c.request("{\"type\":\"subscribe\",\"patterns\":[\"A.B\"]}").get("code")
          .asText());
      c.assertNothingElse();
    }
    RawClient.await(server.close());
    start(TestServers.options().setMaxPatternLength(10).setMaxPatternSegments(3));
    try (RawClient c = RawClient.connect(vertx, server.port(), "terse", "[]")) {
      assertEquals("limit_exceeded", c.request("{\"type\":\"subscribe\",\"patterns\":[\"abcde.fghij\"]}")
          .get("code").asText());
      assertEquals("limit_exceeded", c.request("{\"type\":\"subscribe\",\"patterns\":[\"a.b.c.d\"]}").get("code")
          .asText());
      assertEquals("ack", c.request("{\"type\":\"subscribe\",\"patterns\":[\"a.b.c\"]}").get("type").asText());
    }
  }

  @Test
  void channelsPastTheLimitAreLimitExceededEvenWhenJoinsArePipelined() {
    start(TestServers.options().setMaxChannelsPerConnection(2));
    try (RawClient c = RawClient.connect(vertx, server.port(), "joiner", "[]")) {
      for (int i = 0; i < 5; i++) {
        c.send("{\"type\":\"join\",\"id\":\"j" + i + "\",\"channel\":\"room-" + i + "\"}");
      }
      int acks = 0;
      int limited = 0;
      for (int i = 0; i < 5; i++) {
        ObjectNode f = c.next();
        if ("ack".equals(f.get("type").asText())) {
          acks++;
        } else {
          assertEquals("limit_exceeded", f.get("code").asText());
          limited++;
        }
      }
      assertEquals(2, acks);
      assertEquals(3, limited);
      assertEquals("ack", c.request("{\"type\":\"join\",\"channel\":\"room-0\"}").get("type").asText(),
          "joining a channel already held is not a new one");
      assertEquals("ack", c.request("{\"type\":\"leave\",\"channel\":\"room-0\"}").get("type").asText());
      assertEquals("ack", c.request("{\"type\":\"join\",\"channel\":\"room-9\"}").get("type").asText());
      c.assertNothingElse();
    }
  }

  @Test
  void aSecondConnectionForTheSameAgentTakesOverAndTheFirstIsClosed4005() {
    start(TestServers.options());
    try (RawClient first = RawClient.connect(vertx, server.port(), "solo");
        RawClient second = RawClient.connect(vertx, server.port(), "solo")) {
      assertEquals(CloseCodes.REPLACED, first.awaitClose());
      assertFalse(second.isClosed());
      second.assertNothingElse();
    }
  }

  @Test
  void restBodyPastTheLimitIsTooLarge() {
    start(TestServers.options().setMaxRestBodySize(2048));
    String big = "{\"event_name\":\"agent.broadcast\",\"destination_id\":\"agent:broadcast\",\"payload\":{\"t\":\""
        + "x".repeat(4000) + "\"}}";
    Wire.Response r = Wire.http(vertx, server.port(), HttpMethod.POST, "/api/events", Map.of("X-Agent-Id", "poster"),
        big);
    assertEquals(413, r.status());
    assertEquals("too_large", r.json().get("code").asText());
    Wire.Response ok = Wire.http(vertx, server.port(), HttpMethod.POST, "/api/events", Map.of("X-Agent-Id", "poster"),
        "{\"event_name\":\"agent.broadcast\",\"destination_id\":\"agent:broadcast\",\"payload\":{}}");
    assertEquals(202, ok.status(), ok.body());
    Wire.Response bad = Wire.http(vertx, server.port(), HttpMethod.POST, "/api/events",
        Map.of("X-Agent-Id", "poster"), "{\"event_name\":");
    assertEquals(400, bad.status());
    assertEquals("bad_json", bad.json().get("code").asText());
  }
}
