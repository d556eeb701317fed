package dev.workspace.server.files;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.workspace.server.ServerOptions;
import dev.workspace.server.WorkspaceServer;
import dev.workspace.server.testing.FileHttp;
import dev.workspace.server.testing.FileHttp.Generated;
import dev.workspace.server.testing.FileHttp.Reply;
import dev.workspace.server.testing.RawClient;
import dev.workspace.server.testing.TestServers;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Files on a node alone, through a real server, real HTTP and WebSocket clients and the disk store: uploads stream
 * with flat heap and come back byte for byte, limits are refused and leave nothing behind, and only the uploader
 * and the receivers of an event naming a file may read it.
 */
class FileAttachmentsTest {
  private static final long MIB = 1024 * 1024;

  @TempDir
  Path dir;
  private Vertx vertx;
  private WorkspaceServer server;
  private FileHttp http;
  private RawClient alice;
  private RawClient bob;
  private RawClient carol;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    ServerOptions options = TestServers.options();
    options.getFiles().setDir(dir.toString());
    server = TestServers.start(options);
    http = new FileHttp(vertx, server.port());
    alice = RawClient.connect(vertx, server.port(), "alice");
    bob = RawClient.connect(vertx, server.port(), "bob");
    carol = RawClient.connect(vertx, server.port(), "carol");
    alice.request("{\"type\":\"join\",\"channel\":\"general\"}");
    bob.request("{\"type\":\"join\",\"channel\":\"general\"}");
    bob.take(f -> "agent.joined".equals(f.path("event").path("event_name").asText())
        && "carol".equals(f.path("event").path("source_id").asText()));
  }

  @AfterEach
  void stop() {
    alice.close();
    bob.close();
    carol.close();
    http.close();
    RawClient.await(server.close());
    RawClient.await(vertx.close());
  }

  private static Map<String, String> as(String agent) {
    return Map.of("X-Agent-Id", agent);
  }

  private Reply uploadSmall(String agent, String name, String type, String text) {
    return http.send(HttpMethod.POST, "/api/files", Map.of("X-Agent-Id", agent, "X-File-Name", name,
        "Content-Type", type), Buffer.buffer(text));
  }

  /** @return every regular file under the store's directory (walked again when one vanishes meanwhile) */
  private List<Path> stored() {
    while (true) {
      try (Stream<Path> s = Files.walk(dir)) {
        return s.filter(Files::isRegularFile).toList();
      } catch (java.io.UncheckedIOException e) {
        if (!(e.getCause() instanceof java.nio.file.NoSuchFileException)) {
          throw e;
        }
      } catch (IOException e) {
        throw new AssertionError(e);
      }
    }
  }

  /** Waits, up to the transfer deadline, until the store holds no file at all. */
  private void awaitNothingStored() {
    long deadline = System.nanoTime() + FileHttp.WAIT_MS * 1_000_000;
    while (!stored().isEmpty()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("still stored: " + stored());
      }
      Thread.onSpinWait();
    }
  }

  private static long usedHeapAfterGc() {
    Runtime rt = Runtime.getRuntime();
    long best = Long.MAX_VALUE;
    for (int i = 0; i < 3; i++) {
      System.gc();
      best = Math.min(best, rt.totalMemory() - rt.freeMemory());
    }
    return best;
  }

  @Test
  void aNineMibFileStreamsInWithFlatHeapAndComesBackByteForByte() throws Exception {
    long size = 9 * MIB;
    Generated body = new Generated(size, 42);
    CompletableFuture<Void> paused = new CompletableFuture<>();
    CompletableFuture<Void> resume = new CompletableFuture<>();
    long before = usedHeapAfterGc();
    long[] during = new long[1];
    CompletableFuture<Reply> reply = CompletableFuture.supplyAsync(() -> http.upload("/api/files",
        Map.of("X-Agent-Id", "alice", "X-File-Name", "../../etc/report.bin", "Content-Type", "application/pdf"),
        body, false, 8 * MIB, paused, resume));
    paused.get(FileHttp.WAIT_MS, java.util.concurrent.TimeUnit.MILLISECONDS);
    // The server has written (nearly) all it was sent to disk: what is on the heap now is what it holds.
    long deadline = System.nanoTime() + FileHttp.WAIT_MS * 1_000_000;
    while (stored().stream().mapToLong(p -> p.toFile().length()).sum() < 8 * MIB - 512 * 1024) {
      assertTrue(System.nanoTime() < deadline, "the server did not write what it was sent");
      Thread.onSpinWait();
    }
    during[0] = usedHeapAfterGc();
    resume.complete(null);
    Reply up = reply.get(FileHttp.WAIT_MS, java.util.concurrent.TimeUnit.MILLISECONDS);
    long after = usedHeapAfterGc();
    assertEquals(201, up.status(), up.toString());
    ObjectNode f = up.json();
    assertEquals("report.bin", f.get("name").asText());
    assertEquals("application/pdf", f.get("media_type").asText());
    assertEquals(size, f.get("size").asLong());
    assertEquals(body.sha256(), f.get("sha256").asText());
    assertTrue(f.get("expires_at").asLong() > System.currentTimeMillis() + 23 * 3_600_000L, f.toString());
    assertTrue(during[0] - before < 4 * MIB, "heap grew by " + (during[0] - before) + " bytes mid-upload");
    assertTrue(after - before < 4 * MIB, "heap grew by " + (after - before) + " bytes after the upload");

    Reply down = http.send(HttpMethod.GET, "/api/files/" + f.get("file_id").asText(), as("alice"), null);
    assertEquals(200, down.status());
    assertEquals(size, down.size());
    assertEquals(body.sha256(), down.sha256());
    assertEquals("application/pdf", down.headers().get("Content-Type"));
    assertEquals(Long.toString(size), down.headers().get("Content-Length"));
    assertEquals("\"" + body.sha256() + "\"", down.headers().get("ETag"));
    assertEquals("attachment; filename=\"report.bin\"; filename*=UTF-8''report.bin",
        down.headers().get("Content-Disposition"));
    assertEquals("nosniff", down.headers().get("X-Content-Type-Options"));
  }

  @Test
  void oneByteOverTheLimitIsRefusedWith413AndLeavesNothing() {
    long size = FileOptions.DEFAULT_MAX_FILE_SIZE + 1;
    for (boolean chunked : new boolean[] {false, true}) {
      Reply r = http.upload("/api/files", Map.of("X-Agent-Id", "alice", "Content-Type", "text/plain"),
          new Generated(size, 1), chunked, -1, null, null);
      assertEquals(413, r.status(), "chunked " + chunked + ": " + r);
      assertEquals("too_large", r.json().get("code").asText());
      awaitNothingStored();
    }
    Reply ok = http.upload("/api/files", as("alice"), new Generated(FileOptions.DEFAULT_MAX_FILE_SIZE, 1), true, -1,
        null, null);
    assertEquals(201, ok.status(), ok.toString());
    assertEquals(FileOptions.DEFAULT_MAX_FILE_SIZE, ok.json().get("size").asLong());
    assertEquals(1, stored().size());
  }

  @Test
  void anUploadBrokenOffLeavesNoFile() {
    http.breakOff("/api/files", as("alice"), 5 * MIB, MIB);
    awaitNothingStored();
    Reply ok = uploadSmall("alice", "after.txt", "text/plain", "still works");
    assertEquals(201, ok.status(), ok.toString());
  }

  @Test
  void aChannelMemberMayDownloadAndNobodyElseFindsTheFile() {
    ObjectNode file = uploadSmall("alice", "notes.txt", "text/plain; charset=utf-8", "the notes").json();
    String id = file.get("file_id").asText();
    ObjectNode ack = alice.request("{\"type\":\"publish\",\"event\":{\"event_name\":\"channel.message.posted\","
        + "\"destination_id\":\"channel:general\",\"payload\":{\"text\":\"see\",\"attachments\":[{\"file_id\":\""
        + id + "\"}]}}}");
    assertEquals("ack", ack.get("type").asText(), ack.toString());
    ObjectNode event = bob.take(f -> "event".equals(f.path("type").asText())
        && "channel.message.posted".equals(f.path("event").path("event_name").asText())).with("event");
    JsonNode a = event.get("payload").get("attachments");
    assertEquals(1, a.size());
    assertEquals(id, a.get(0).get("file_id").asText());
    assertEquals("notes.txt", a.get(0).get("name").asText());
    assertEquals("text/plain; charset=utf-8", a.get(0).get("media_type").asText());
    assertEquals(9, a.get(0).get("size").asLong());
    assertEquals(file.get("sha256").asText(), a.get(0).get("sha256").asText());

    Reply byBob = http.send(HttpMethod.GET, "/api/files/" + id, as("bob"), null);
    assertEquals(200, byBob.status());
    assertEquals("the notes", byBob.small().toString());
    Reply head = http.send(HttpMethod.HEAD, "/api/files/" + id, as("bob"), null);
    assertEquals(200, head.status());
    assertEquals("9", head.headers().get("Content-Length"));
    assertEquals(0, head.size());

    for (String uri : List.of("/api/files/" + id, "/api/files/" + id + "?workspace=other")) {
      for (HttpMethod m : List.of(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.DELETE)) {
        Reply r = http.send(m, uri, as(uri.contains("other") ? "alice" : "carol"), null);
        assertEquals(404, r.status(), m + " " + uri + ": " + r);
      }
    }
    Reply r = http.send(HttpMethod.GET, "/api/files/" + id + "?workspace=other", as("bob"), null);
    assertEquals(404, r.status());
    assertEquals("not_found", r.json().get("code").asText());
    Reply unknown = http.send(HttpMethod.GET, "/api/files/f_AAAAAAAAAAAAAAAAAAAAAA", as("alice"), null);
    assertEquals(404, unknown.status());
    assertEquals(unknown.json().get("message").asText().replace("f_AAAAAAAAAAAAAAAAAAAAAA", id),
        http.send(HttpMethod.GET, "/api/files/" + id, as("carol"), null).json().get("message").asText());

    // Carol was not sent it, so she cannot pass it on either.
    ObjectNode forward = carol.request("{\"type\":\"publish\",\"event\":{\"event_name\":\"agent.message\","
        + "\"destination_id\":\"agent:bob\",\"payload\":{\"attachments\":[{\"file_id\":\"" + id + "\"}]}}}");
    assertEquals("not_found", forward.get("code").asText(), forward.toString());

    assertEquals(403, http.send(HttpMethod.DELETE, "/api/files/" + id, as("bob"), null).status());
    assertEquals(204, http.send(HttpMethod.DELETE, "/api/files/" + id, as("alice"), null).status());
    assertEquals(404, http.send(HttpMethod.GET, "/api/files/" + id, as("alice"), null).status());
    assertEquals(404, http.send(HttpMethod.GET, "/api/files/" + id, as("bob"), null).status());
    awaitNothingStored();
    bob.assertNothingElse();
  }

  @Test
  void aDirectRecipientMayDownloadAndPassItOn() {
    String id = uploadSmall("alice", "x.csv", "text/csv", "a,b").json().get("file_id").asText();
    ObjectNode ack = alice.request("{\"type\":\"publish\",\"event\":{\"event_name\":\"agent.message\","
        + "\"destination_id\":\"agent:carol\",\"payload\":{\"attachments\":[{\"file_id\":\"" + id + "\"}]}}}");
    assertEquals("ack", ack.get("type").asText(), ack.toString());
    ObjectNode event = carol.take(f -> "agent.message".equals(f.path("event").path("event_name").asText()))
        .with("event");
    assertEquals("x.csv", event.get("payload").get("attachments").get(0).get("name").asText());
    assertEquals(200, http.send(HttpMethod.GET, "/api/files/" + id, as("carol"), null).status());
    assertEquals(404, http.send(HttpMethod.GET, "/api/files/" + id, as("bob"), null).status());
    ObjectNode passed = carol.request("{\"type\":\"publish\",\"event\":{\"event_name\":\"agent.message\","
        + "\"destination_id\":\"agent:bob\",\"payload\":{\"attachments\":[{\"file_id\":\"" + id + "\"}]}}}");
    assertEquals("ack", passed.get("type").asText(), passed.toString());
    assertEquals(200, http.send(HttpMethod.GET, "/api/files/" + id, as("bob"), null).status());
  }

  @Test
  void elevenAttachmentsExceedTheLimitAndBadReferencesAreRefused() {
    StringBuilder eleven = new StringBuilder();
    String id = uploadSmall("alice", "a", "text/plain", "a").json().get("file_id").asText();
    for (int i = 0; i < 11; i++) {
      eleven.append(i == 0 ? "" : ",").append("{\"file_id\":\"").append(id).append("\"}");
    }
    String post = "{\"type\":\"publish\",\"event\":{\"event_name\":\"channel.message.posted\","
        + "\"destination_id\":\"channel:general\",\"payload\":{\"attachments\":%s}}}";
    ObjectNode tooMany = alice.request(String.format(post, "[" + eleven + "]"));
    assertEquals("limit_exceeded", tooMany.get("code").asText(), tooMany.toString());
    ObjectNode ten = alice.request(String.format(post, "[" + eleven.substring(eleven.indexOf(",") + 1) + "]"));
    assertEquals("ack", ten.get("type").asText(), ten.toString());
    assertEquals(10, bob.take(f -> "channel.message.posted".equals(f.path("event").path("event_name").asText()))
        .get("event").get("payload").get("attachments").size());
    assertEquals("invalid_event", alice.request(String.format(post, "{}")).get("code").asText());
    assertEquals("invalid_event", alice.request(String.format(post, "[\"x\"]")).get("code").asText());
    assertEquals("not_found", alice.request(String.format(post, "[{\"file_id\":\"nope\"}]")).get("code").asText());
    bob.assertNothingElse();
  }

  @Test
  void anAgentsCardLimitsTheFilesItIsSent() {
    ObjectNode updated = carol.request("{\"type\":\"update_metadata\",\"metadata\":{\"accepts\":"
        + "{\"max_file_size\":5,\"max_files\":1,\"media_types\":[\"text/*\"]}}}");
    assertEquals("ack", updated.get("type").asText(), updated.toString());
    String small = uploadSmall("alice", "ok.csv", "text/csv; charset=utf-8", "a,b").json().get("file_id").asText();
    String big = uploadSmall("alice", "big.txt", "text/plain", "123456").json().get("file_id").asText();
    String png = uploadSmall("alice", "pic.png", "image/png", "P").json().get("file_id").asText();
    String send = "{\"type\":\"publish\",\"event\":{\"event_name\":\"agent.task\",\"destination_id\":"
        + "\"agent:carol\",\"payload\":{\"attachments\":[%s]}}}";
    String ref = "{\"file_id\":\"%s\"}";
    ObjectNode tooBig = alice.request(String.format(send, String.format(ref, big)));
    assertEquals("limit_exceeded", tooBig.get("code").asText(), tooBig.toString());
    assertTrue(tooBig.get("message").asText().contains("at most 5 bytes"), tooBig.toString());
    ObjectNode wrongType = alice.request(String.format(send, String.format(ref, png)));
    assertEquals("limit_exceeded", wrongType.get("code").asText(), wrongType.toString());
    assertTrue(wrongType.get("message").asText().contains("image/png"), wrongType.toString());
    ObjectNode tooMany = alice.request(String.format(send, String.format(ref, small) + "," + String.format(ref, small)));
    assertEquals("limit_exceeded", tooMany.get("code").asText(), tooMany.toString());
    assertEquals(404, http.send(HttpMethod.GET, "/api/files/" + big, as("carol"), null).status());
    ObjectNode fits = alice.request(String.format(send, String.format(ref, small)));
    assertEquals("ack", fits.get("type").asText(), fits.toString());
    ObjectNode got = carol.take(f -> "agent.task".equals(f.path("event").path("event_name").asText())).with("event");
    assertEquals(small, got.get("payload").get("attachments").get(0).get("file_id").asText());
    assertEquals(1, got.get("payload").get("attachments").size());
    carol.assertNothingElse();
    ObjectNode toBob = alice.request(String.format(send.replace("agent:carol", "agent:bob"), String.format(ref, big)));
    assertEquals("ack", toBob.get("type").asText(), "an agent without accepts takes what the server takes");
  }

  @Test
  void aCardWithMalformedAcceptsIsRefusedWithACode() {
    ObjectNode notObject = carol.request("{\"type\":\"update_metadata\",\"metadata\":{\"accepts\":5}}");
    assertEquals("invalid_frame", notObject.get("code").asText(), notObject.toString());
    ObjectNode negative = carol.request("{\"type\":\"update_metadata\",\"metadata\":{\"accepts\":"
        + "{\"max_file_size\":-1}}}");
    assertEquals("invalid_frame", negative.get("code").asText(), negative.toString());
    assertTrue(negative.get("message").asText().contains("max_file_size"), negative.toString());
    ObjectNode badType = carol.request("{\"type\":\"update_metadata\",\"metadata\":{\"accepts\":"
        + "{\"media_types\":[\"pdf\"]}}}");
    assertEquals("invalid_frame", badType.get("code").asText(), badType.toString());
    RawClient dave = RawClient.open(vertx, server.port());
    try {
      ObjectNode refused = dave.request("{\"type\":\"connect\",\"agent_id\":\"dave\",\"metadata\":"
          + "{\"accepts\":{\"max_files\":\"ten\"}}}");
      assertEquals("invalid_frame", refused.get("code").asText(), refused.toString());
      assertTrue(refused.get("message").asText().contains("max_files"), refused.toString());
    } finally {
      dave.close();
    }
    bob.assertNothingElse();
  }

  @Test
  void aMultipartUploadStoresItsFilePart() {
    String boundary = "----b0undary";
    String body = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"note\"\r\n\r\nignored\r\n"
        + "--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"C:\\\\tmp\\\\pic.png\"\r\n"
        + "Content-Type: image/png\r\n\r\nPNGDATA\r\n--" + boundary + "--\r\n";
    Reply r = http.send(HttpMethod.POST, "/api/files", Map.of("X-Agent-Id", "alice",
        "Content-Type", "multipart/form-data; boundary=" + boundary), Buffer.buffer(body));
    assertEquals(201, r.status(), r.toString());
    assertEquals("pic.png", r.json().get("name").asText());
    assertEquals("image/png", r.json().get("media_type").asText());
    Reply down = http.send(HttpMethod.GET, "/api/files/" + r.json().get("file_id").asText(), as("alice"), null);
    assertEquals("PNGDATA", down.small().toString());
    assertEquals("image/png", down.headers().get("Content-Type"));
  }

  @Test
  void anUploadNeedsAnAgent() {
    Reply r = http.send(HttpMethod.POST, "/api/files", Map.of(), Buffer.buffer("x"));
    assertEquals(400, r.status(), r.toString());
    assertNull(stored().isEmpty() ? null : stored());
  }
}
