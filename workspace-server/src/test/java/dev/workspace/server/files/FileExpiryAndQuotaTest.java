package dev.workspace.server.files;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.workspace.server.ServerOptions;
import dev.workspace.server.WorkspaceServer;
import dev.workspace.server.testing.FileHttp;
import dev.workspace.server.testing.FileHttp.Reply;
import dev.workspace.server.testing.RawClient;
import dev.workspace.server.testing.TestServers;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A file past its time to live is gone: downloads and events naming it get {@code not_found}. A workspace over its
 * quota gets {@code limit_exceeded} and keeps nothing of the refused upload.
 */
class FileExpiryAndQuotaTest {
  @TempDir
  Path dir;

  @Test
  void anExpiredFileIsNotFound() {
    Vertx vertx = Vertx.vertx();
    ServerOptions options = TestServers.options();
    options.getFiles().setDir(dir.toString()).setTtl(Duration.ofMillis(1500));
    WorkspaceServer server = TestServers.start(options);
    FileHttp http = new FileHttp(vertx, server.port());
    RawClient alice = RawClient.connect(vertx, server.port(), "alice");
    try {
      Reply up = http.send(HttpMethod.POST, "/api/files", Map.of("X-Agent-Id", "alice"), Buffer.buffer("soon gone"));
      assertEquals(201, up.status(), up.toString());
      String id = up.json().get("file_id").asText();
      long expiresAt = up.json().get("expires_at").asLong();
      Promise<Void> expired = Promise.promise();
      vertx.setTimer(Math.max(1, expiresAt - System.currentTimeMillis() + 50), t -> expired.complete());
      RawClient.await(expired.future());
      Reply down = http.send(HttpMethod.GET, "/api/files/" + id, Map.of("X-Agent-Id", "alice"), null);
      assertEquals(404, down.status());
      assertEquals("not_found", down.json().get("code").asText());
      ObjectNode post = alice.request("{\"type\":\"publish\",\"event\":{\"event_name\":\"agent.message\","
          + "\"destination_id\":\"agent:alice\",\"payload\":{\"attachments\":[{\"file_id\":\"" + id + "\"}]}}}");
      assertEquals("not_found", post.get("code").asText(), post.toString());
    } finally {
      alice.close();
      http.close();
      RawClient.await(server.close());
      RawClient.await(vertx.close());
    }
  }

  @Test
  void aWorkspaceOverItsQuotaIsRefused() throws Exception {
    Vertx vertx = Vertx.vertx();
    ServerOptions options = TestServers.options();
    options.getFiles().setDir(dir.toString()).setWorkspaceQuota(100);
    WorkspaceServer server = TestServers.start(options);
    FileHttp http = new FileHttp(vertx, server.port());
    Map<String, String> alice = Map.of("X-Agent-Id", "alice");
    try {
      Reply first = http.send(HttpMethod.POST, "/api/files", alice, Buffer.buffer("x".repeat(60)));
      assertEquals(201, first.status(), first.toString());
      Reply second = http.send(HttpMethod.POST, "/api/files", alice, Buffer.buffer("y".repeat(60)));
      assertEquals(400, second.status(), second.toString());
      assertEquals("limit_exceeded", second.json().get("code").asText());
      Reply elsewhere = http.send(HttpMethod.POST, "/api/files?workspace=other", alice, Buffer.buffer("y".repeat(60)));
      assertEquals(201, elsewhere.status(), elsewhere.toString());
      try (var files = java.nio.file.Files.walk(dir)) {
        assertEquals(2, files.filter(java.nio.file.Files::isRegularFile).count());
      }
      assertEquals(204, http.send(HttpMethod.DELETE, "/api/files/" + first.json().get("file_id").asText(), alice,
          null).status());
      assertEquals(201, http.send(HttpMethod.POST, "/api/files", alice, Buffer.buffer("y".repeat(60))).status());
    } finally {
      http.close();
      RawClient.await(server.close());
      RawClient.await(vertx.close());
    }
  }
}
