package dev.workspace.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.workspace.server.testing.RawClient;
import dev.workspace.server.testing.TestServers;
import io.vertx.core.Vertx;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Deliveries are flushed once per connection per event-loop turn, and coalescing never holds a frame back: a single
 * delivery on a quiet connection leaves at once, with no later write (the server's pings are ten minutes apart)
 * to push it out; and a burst arrives complete and in order. A client waits {@link RawClient#WAIT} (10 s) for a
 * frame, less than the period of any timer the node runs (30 s and more), so a flush that waited for other work on
 * its event loop would fail here rather than be pushed out by a timer.
 */
class CoalescedWritesTest {
  private final Vertx vertx = Vertx.vertx();
  private WorkspaceServer server;

  @AfterEach
  void stop() {
    if (server != null) {
      RawClient.await(server.close());
    }
    RawClient.await(vertx.close());
  }

  /**
   * Two event loops and two subscribers, connected after the publisher: connections are spread over the loops in
   * turn, so one subscriber shares the publisher's loop and the other gets its deliveries handed over from it.
   */
  @Test
  void aLoneDeliveryOnAnIdleConnectionIsFlushedWithoutWaitingForMore() {
    server = TestServers.start(TestServers.options().setPingInterval(Duration.ofMinutes(10)).setInstances(2));
    try (RawClient pub = RawClient.connect(vertx, server.port(), "pub", "[]");
        RawClient a = RawClient.connect(vertx, server.port(), "a", "[\"channel.message.posted\"]");
        RawClient b = RawClient.connect(vertx, server.port(), "b", "[\"channel.message.posted\"]")) {
      pub.request("{\"type\":\"join\",\"channel\":\"quiet\"}");
      a.request("{\"type\":\"join\",\"channel\":\"quiet\"}");
      b.request("{\"type\":\"join\",\"channel\":\"quiet\"}");
      for (int n = 1; n <= 3; n++) {
        assertEquals("ack", pub.request(post("quiet", n)).get("type").asText());
        assertEquals(n, a.nextEvent().get("payload").get("n").asInt());
        assertEquals(n, b.nextEvent().get("payload").get("n").asInt());
      }
      a.assertNothingElse();
      b.assertNothingElse();
      pub.assertNothingElse();
    }
  }

  @Test
  void aBurstArrivesCompleteAndInOrder() {
    server = TestServers.start(TestServers.options());
    int count = 2_000;
    try (RawClient pub = RawClient.connect(vertx, server.port(), "pub", "[]");
        RawClient a = RawClient.connect(vertx, server.port(), "a", "[\"channel.message.posted\"]");
        RawClient b = RawClient.connect(vertx, server.port(), "b", "[\"channel.message.posted\"]")) {
      pub.request("{\"type\":\"join\",\"channel\":\"busy\"}");
      a.request("{\"type\":\"join\",\"channel\":\"busy\"}");
      b.request("{\"type\":\"join\",\"channel\":\"busy\"}");
      for (int n = 1; n <= count; n++) {
        pub.send(post("busy", n).replace("{\"type\"", "{\"id\":\"p" + n + "\",\"type\""));
      }
      for (int n = 1; n <= count; n++) {
        assertEquals("ack", pub.next().get("type").asText());
      }
      for (int n = 1; n <= count; n++) {
        assertEquals(n, a.nextEvent().get("payload").get("n").asInt());
        assertEquals(n, b.nextEvent().get("payload").get("n").asInt());
      }
      a.assertNothingElse();
      b.assertNothingElse();
      pub.assertNothingElse();
    }
  }

  private static String post(String channel, int n) {
    return "{\"type\":\"publish\",\"event\":{\"event_name\":\"channel.message.posted\","
        + "\"destination_id\":\"channel:" + channel + "\",\"payload\":{\"n\":" + n + "}}}";
  }
}
