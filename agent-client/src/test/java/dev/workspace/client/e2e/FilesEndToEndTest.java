package dev.workspace.client.e2e;

import static dev.workspace.client.e2e.E2E.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.workspace.client.AgentClient;
import dev.workspace.client.AgentClientOptions;
import dev.workspace.client.FailureKind;
import dev.workspace.client.WorkspaceException;
import dev.workspace.model.Attachment;
import dev.workspace.model.Event;
import dev.workspace.server.ServerOptions;
import dev.workspace.server.WorkspaceServer;
import dev.workspace.server.files.FileOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.file.OpenOptions;
import io.vertx.core.streams.ReadStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Java client's files against a real server: upload from a path, bytes and a stream; post and send with
 * attachments; receive them typed; download to a path (checked) and as a stream; only receivers find the file.
 */
class FilesEndToEndTest {
  @TempDir
  Path dir;
  private WorkspaceServer server;
  private final io.vertx.core.Vertx vertx = io.vertx.core.Vertx.vertx();
  private final List<AgentClient> clients = new ArrayList<>();

  @BeforeEach
  void start() {
    ServerOptions options = new ServerOptions().setHost("127.0.0.1").setPort(0).setInstances(2);
    options.getFiles().setDir(dir.resolve("store").toString());
    server = await(WorkspaceServer.start(options));
  }

  @AfterEach
  void stop() {
    for (AgentClient c : clients) {
      await(c.close());
    }
    await(server.close());
    await(vertx.close());
  }

  private AgentClient agent(String id) {
    AgentClient c = AgentClient.create(vertx, new AgentClientOptions().setAgentId(id));
    clients.add(c);
    await(c.connectToServer("127.0.0.1", server.port(), Map.of("name", id)));
    return c;
  }

  private static String sha256(byte[] b) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
  }

  @Test
  void uploadPostReceiveAndDownload() throws Exception {
    AgentClient alice = agent("alice");
    AgentClient bob = agent("bob");
    AgentClient carol = agent("carol");
    await(alice.workspace().channel("files").join());
    await(bob.workspace().channel("files").join());

    byte[] report = new byte[2 * 1024 * 1024 + 17];
    new Random(5).nextBytes(report);
    Path source = dir.resolve("report.pdf");
    Files.write(source, report);
    Attachment fromPath = await(alice.files().upload(source, null, "application/pdf"));
    assertEquals("report.pdf", fromPath.name());
    assertEquals(report.length, fromPath.size());
    assertEquals(sha256(report), fromPath.sha256());
    Attachment fromBytes = await(alice.files().upload(Buffer.buffer("hello, notes"), "notes – draft.txt",
        "text/plain"));
    assertEquals("notes – draft.txt", fromBytes.name());

    Future<Event> posted = bob.waitEvent(e -> "channel:files".equals(e.destinationId()), E2E.WAIT);
    await(alice.workspace().channel("files").post("two files", fromPath, fromBytes));
    Event got = await(posted);
    assertEquals("two files", got.text());
    assertEquals(List.of(fromPath, fromBytes), got.attachments());

    Path copy = dir.resolve("copy.pdf");
    await(bob.files().download(got.attachments().get(0), copy));
    assertArrayEquals(report, Files.readAllBytes(copy));
    ReadStream<Buffer> stream = await(bob.files().download(got.attachments().get(1)));
    Promise<Buffer> all = Promise.promise();
    Buffer acc = Buffer.buffer();
    stream.handler(acc::appendBuffer).endHandler(v -> all.complete(acc)).exceptionHandler(all::fail);
    stream.resume();
    assertEquals("hello, notes", await(all.future()).toString());

    WorkspaceException hidden = (WorkspaceException) E2E.failure(
        carol.files().download(fromPath, dir.resolve("nope")));
    assertEquals(FailureKind.NOT_FOUND, hidden.kind());
    assertFalse(Files.exists(dir.resolve("nope")));

    Path streamed = dir.resolve("streamed.bin");
    Files.write(streamed, report, java.nio.file.StandardOpenOption.CREATE_NEW);
    var file = await(vertx.fileSystem().open(streamed.toString(), new OpenOptions().setRead(true)));
    Attachment fromStream = await(alice.files().upload(file, "streamed.bin", null));
    assertEquals(sha256(report), fromStream.sha256());
    assertEquals("application/octet-stream", fromStream.mediaType());

    Future<Event> direct = carol.waitEvent(e -> "agent.message".equals(e.eventName()), E2E.WAIT);
    await(alice.workspace().agent("carol").send("for you", fromStream));
    Event dm = await(direct);
    await(carol.files().download(dm.attachments().get(0), dir.resolve("carol.bin")));
    assertArrayEquals(report, Files.readAllBytes(dir.resolve("carol.bin")));

    WorkspaceException notHers = (WorkspaceException) E2E.failure(carol.files().delete(fromStream));
    assertEquals(FailureKind.REJECTED, notHers.kind());
    await(alice.files().delete(fromStream));
    WorkspaceException gone = (WorkspaceException) E2E.failure(
        carol.files().download(fromStream, dir.resolve("carol2.bin")));
    assertEquals(FailureKind.NOT_FOUND, gone.kind());

    Attachment forged = new Attachment(fromPath.fileId(), "report.pdf", "application/pdf", report.length,
        sha256(new byte[1]));
    WorkspaceException mismatch = (WorkspaceException) E2E.failure(
        bob.files().download(forged, dir.resolve("forged.pdf")));
    assertEquals(FailureKind.INVALID, mismatch.kind());
    assertFalse(Files.exists(dir.resolve("forged.pdf")));

    byte[] tooBig = new byte[(int) FileOptions.DEFAULT_MAX_FILE_SIZE + 1];
    WorkspaceException large = (WorkspaceException) E2E.failure(
        alice.files().upload(Buffer.buffer(tooBig), "big.bin", null));
    assertEquals(FailureKind.REJECTED, large.kind());
  }
}
