package dev.workspace.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.workspace.server.testing.RawClient;
import dev.workspace.server.testing.TestServers;
import io.vertx.core.Vertx;
import java.util.Locale;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A node that starts its own Vert.x runs it on Netty's epoll transport on Linux (the jar ships it for x86-64 and
 * ARM64), and on Java NIO when {@code native-transport} is off; deliveries are the same on both.
 */
class NativeTransportTest {
  private final Vertx clients = Vertx.vertx();
  private WorkspaceServer server;

  @AfterEach
  void stop() {
    if (server != null) {
      RawClient.await(server.close());
    }
    RawClient.await(clients.close());
  }

  @Test
  void aNodeRunsOnEpollOnLinuxByDefault() {
    String os = System.getProperty("os.name").toLowerCase(Locale.ROOT);
    String arch = System.getProperty("os.arch").toLowerCase(Locale.ROOT);
    assumeTrue(os.contains("linux") && Set.of("amd64", "x86_64", "aarch64").contains(arch),
        "the jar ships the epoll transport for Linux on x86-64 and ARM64 only");
    server = TestServers.start(TestServers.options());
    assertTrue(server.vertx().isNativeTransportEnabled(),
        () -> "native transport did not load: " + server.vertx().unavailableNativeTransportCause());
  }

  @Test
  void turningItOffRunsOnJavaNio() {
    server = TestServers.start(TestServers.options().setNativeTransport(false));
    assertFalse(server.vertx().isNativeTransportEnabled());
  }

  @Test
  void aBurstArrivesCompleteAndInOrderOnTheNativeTransport() {
    burst(true);
  }

  @Test
  void aBurstArrivesCompleteAndInOrderOnJavaNio() {
    burst(false);
  }

  private void burst(boolean nativeTransport) {
    server = TestServers.start(TestServers.options().setNativeTransport(nativeTransport).setInstances(2));
    int count = 1_000;
    try (RawClient pub = RawClient.connect(clients, server.port(), "pub", "[]");
        RawClient a = RawClient.connect(clients, server.port(), "a", "[\"channel.message.posted\"]");
        RawClient b = RawClient.connect(clients, server.port(), "b", "[\"channel.message.posted\"]")) {
      pub.request("{\"type\":\"join\",\"channel\":\"t\"}");
      a.request("{\"type\":\"join\",\"channel\":\"t\"}");
      b.request("{\"type\":\"join\",\"channel\":\"t\"}");
      for (int n = 1; n <= count; n++) {
        pub.send("{\"id\":\"p" + n + "\",\"type\":\"publish\",\"event\":{\"event_name\":\"channel.message.posted\","
            + "\"destination_id\":\"channel:t\",\"payload\":{\"n\":" + n + "}}}");
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
}
