package dev.workspace.client.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import org.junit.jupiter.api.Test;

class ServerAddressTest {

  @Test
  void aFullWsUri() {
    ServerAddress a = ServerAddress.parse(URI.create("ws://localhost:8701/ws"));
    assertEquals(new ServerAddress("localhost", 8701, false, "/ws", null), a);
    assertEquals("ws://localhost:8701/ws", a.toString());
  }

  @Test
  void portAndPathDefaultTo8700AndSlashWs() {
    assertEquals(new ServerAddress("example.org", 8700, false, "/ws", null),
        ServerAddress.parse(URI.create("ws://example.org")));
    assertEquals(new ServerAddress("example.org", 8700, false, "/ws", null),
        ServerAddress.parse(URI.create("WS://example.org/")));
  }

  @Test
  void theQueryIsKeptForTheHandshakeAndNamesTheWorkspace() {
    ServerAddress a = ServerAddress.parse(URI.create("wss://h.example:443/ws?token=s3cret&workspace=team%2Ea"));
    assertTrue(a.ssl());
    assertEquals(443, a.port());
    assertEquals("/ws?token=s3cret&workspace=team%2Ea", a.requestUri());
    assertEquals("team.a", a.workspace());
    assertEquals("wss://h.example:443/ws", a.toString(), "the query, which may hold a token, stays out of messages");
  }

  @Test
  void noWorkspaceParameterMeansNone() {
    ServerAddress a = ServerAddress.parse(URI.create("ws://h:1/ws?x=1"));
    assertNull(a.workspace());
    assertFalse(a.ssl());
  }

  @Test
  void ipv6HostsLoseTheirBrackets() {
    ServerAddress a = ServerAddress.parse(URI.create("ws://[::1]:9000/ws"));
    assertEquals("::1", a.host());
    assertEquals("ws://[::1]:9000/ws", a.toString());
  }

  @Test
  void otherSchemesAndMissingHostsAreRefused() {
    assertThrows(IllegalArgumentException.class, () -> ServerAddress.parse(URI.create("http://h:8700/ws")));
    assertThrows(IllegalArgumentException.class, () -> ServerAddress.parse(URI.create("localhost:8700")));
    assertThrows(IllegalArgumentException.class, () -> ServerAddress.parse(URI.create("ws:///ws")));
  }
}
