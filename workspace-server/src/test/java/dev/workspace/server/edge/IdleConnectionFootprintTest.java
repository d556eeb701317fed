package dev.workspace.server.edge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.workspace.server.WorkspaceServer;
import dev.workspace.server.testing.RawClient;
import dev.workspace.server.testing.TcpWebSocket;
import dev.workspace.server.testing.TestServers;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.management.ObjectName;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What an idle connection keeps on the server, counted in the live heap (the JVM's class histogram, taken after a
 * full collection): its session and transport once each, one timer (the session's pings) and no idle-timeout
 * handler (the HTTP server's, dropped at the upgrade). The clients are raw sockets, so every object counted here is
 * the server's.
 */
class IdleConnectionFootprintTest {
  private static final int AGENTS = 50;
  private static final String IDLE_HANDLER = "io.netty.handler.timeout.IdleStateHandler";
  private static final String TIMER = "io.netty.util.concurrent.ScheduledFutureTask";
  private static final String SESSION = "dev.workspace.server.session.Session";
  private static final String TRANSPORT = "dev.workspace.server.edge.WebSocketTransport";

  private final ObjectMapper json = new ObjectMapper();
  private final List<TcpWebSocket> sockets = new ArrayList<>();
  private WorkspaceServer server;

  @AfterEach
  void stop() {
    sockets.forEach(TcpWebSocket::close);
    if (server != null) {
      RawClient.await(server.close());
    }
  }

  @Test
  void anIdleAgentKeepsOneSessionOneTimerAndNoIdleHandler() throws Exception {
    server = TestServers.start(TestServers.options());
    Map<String, Long> before = liveInstances();
    for (int i = 0; i < AGENTS; i++) {
      TcpWebSocket s = TcpWebSocket.open(server.port(), 0);
      sockets.add(s);
      s.write(TcpWebSocket.text("{\"type\":\"connect\",\"id\":\"c" + i + "\",\"agent_id\":\"idle-" + i
          + "\",\"subscriptions\":[\"nothing.here\"]}"));
    }
    for (int i = 0; i < AGENTS; i++) {
      JsonNode ack = json.readTree(sockets.get(i).read().text());
      assertEquals("ack", ack.path("type").asText(), ack.toString());
      assertEquals("c" + i, ack.path("id").asText(), ack.toString());
    }
    Map<String, Long> after = liveInstances();

    assertEquals(AGENTS, grown(before, after, SESSION), "sessions");
    assertEquals(AGENTS, grown(before, after, TRANSPORT), "transports");
    assertEquals(0, grown(before, after, IDLE_HANDLER), "idle-timeout handlers");
    long timers = grown(before, after, TIMER);
    assertTrue(timers <= AGENTS, timers + " timers for " + AGENTS + " connections");
  }

  private static long grown(Map<String, Long> before, Map<String, Long> after, String type) {
    return after.getOrDefault(type, 0L) - before.getOrDefault(type, 0L);
  }

  /** @return live instances by class name ({@code GC.class_histogram}, which collects garbage first) */
  private static Map<String, Long> liveInstances() throws Exception {
    String histogram = (String) ManagementFactory.getPlatformMBeanServer().invoke(
        new ObjectName("com.sun.management:type=DiagnosticCommand"), "gcClassHistogram",
        new Object[] {new String[0]}, new String[] {String[].class.getName()});
    Map<String, Long> out = new HashMap<>();
    for (String line : histogram.split("\n")) {
      String[] f = line.trim().split("\\s+");
      if (f.length >= 4 && f[0].endsWith(":")) {
        out.merge(f[3], Long.parseLong(f[1]), Long::sum);
      }
    }
    return out;
  }
}
