package dev.workspace.server.security;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.workspace.server.WorkspaceServer;
import dev.workspace.server.ServerOptions;
import dev.workspace.server.testing.FileHttp;
import dev.workspace.server.testing.FileHttp.Reply;
import dev.workspace.server.testing.RawClient;
import dev.workspace.server.testing.TestServers;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Token mode on the file routes: without a good token every route is 401 and nothing is stored; the token decides
 * the agent and the workspace, so another workspace's token finds nothing (404) and {@code X-Agent-Id} cannot name
 * someone else (403).
 */
class FileRoutesAuthTest {
  @TempDir
  Path dir;
  private Vertx vertx;
  private Tokens tokens;
  private WorkspaceServer server;
  private FileHttp http;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    tokens = new Tokens(vertx);
    ServerOptions options = Tokens.tokenMode(TestServers.options());
    options.getFiles().setDir(dir.toString());
    server = TestServers.start(options);
    http = new FileHttp(vertx, server.port());
  }

  @AfterEach
  void stop() {
    http.close();
    RawClient.await(server.close());
    RawClient.await(vertx.close());
  }

  private static Map<String, String> bearer(String token) {
    return Map.of("Authorization", "Bearer " + token);
  }

  private long storedFiles() throws Exception {
    try (var s = Files.walk(dir)) {
      return s.filter(Files::isRegularFile).count();
    }
  }

  @Test
  void everyFileRouteNeedsAGoodToken() throws Exception {
    String alice = tokens.valid("alice", "alpha");
    Reply up = http.send(HttpMethod.POST, "/api/files", bearer(alice), Buffer.buffer("secret"));
    assertEquals(201, up.status(), up.toString());
    String path = "/api/files/" + up.json().get("file_id").asText();

    List<Map<String, String>> refused = List.of(Map.of(), Map.of("X-Agent-Id", "alice"),
        bearer(tokens.expired("alice", "alpha")), bearer(tokens.wrongSignature("alice", "alpha")),
        bearer(Tokens.malformed()));
    for (Map<String, String> headers : refused) {
      Reply post = http.send(HttpMethod.POST, "/api/files", headers, Buffer.buffer("sneaky"));
      assertEquals(401, post.status(), headers + " " + post);
      assertEquals("unauthorized", post.json().get("code").asText());
      for (HttpMethod m : List.of(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.DELETE)) {
        Reply r = http.send(m, path, headers, null);
        assertEquals(401, r.status(), m + " " + headers + " " + r);
      }
    }
    assertEquals(1, storedFiles());

    String mallory = tokens.valid("alice", "beta");
    for (HttpMethod m : List.of(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.DELETE)) {
      assertEquals(404, http.send(m, path, bearer(mallory), null).status(), m.toString());
    }
    assertEquals(403, http.send(HttpMethod.GET, path + "?workspace=beta", bearer(alice), null).status());
    assertEquals(403, http.send(HttpMethod.GET, path, Map.of("Authorization", "Bearer " + alice,
        "X-Agent-Id", "bob"), null).status());
    String bob = tokens.valid("bob", "alpha");
    assertEquals(404, http.send(HttpMethod.GET, path, bearer(bob), null).status());

    RawClient sender = RawClient.open(vertx, server.port(), "/ws", bearer(alice));
    RawClient receiver = RawClient.open(vertx, server.port(), "/ws", bearer(bob));
    try {
      assertEquals("ack", sender.request("{\"type\":\"connect\"}").get("type").asText());
      assertEquals("ack", receiver.request("{\"type\":\"connect\"}").get("type").asText());
      ObjectNode ack = sender.request("{\"type\":\"publish\",\"event\":{\"event_name\":\"agent.message\","
          + "\"destination_id\":\"agent:bob\",\"payload\":{\"attachments\":[{\"file_id\":\""
          + up.json().get("file_id").asText() + "\"}]}}}");
      assertEquals("ack", ack.get("type").asText(), ack.toString());
    } finally {
      sender.close();
      receiver.close();
    }
    Reply got = http.send(HttpMethod.GET, path, bearer(bob), null);
    assertEquals(200, got.status(), got.toString());
    assertEquals("secret", got.small().toString());
    assertEquals(403, http.send(HttpMethod.DELETE, path, bearer(bob), null).status());
    assertEquals(204, http.send(HttpMethod.DELETE, path, bearer(alice), null).status());
    assertEquals(0, storedFiles());
  }
}
