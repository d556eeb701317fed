package dev.workspace.client.e2e;

import static dev.workspace.client.e2e.E2E.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.workspace.client.AgentClient;
import dev.workspace.client.AgentClientOptions;
import dev.workspace.client.FailureKind;
import dev.workspace.client.FileInput;
import dev.workspace.client.Run;
import dev.workspace.client.RunResult;
import dev.workspace.client.WorkspaceException;
import dev.workspace.model.Accepts;
import dev.workspace.model.Attachment;
import dev.workspace.server.ServerOptions;
import dev.workspace.server.WorkspaceServer;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Files handed to a run through the Java client against a real server: a run input over the limits the host's
 * card states in {@code accepts} is refused before anything is uploaded; one within them is uploaded, reaches the
 * host typed and readable, and the host's result carries a file of its own back to the caller.
 */
class RunFilesEndToEndTest {
  @TempDir
  Path dir;
  private WorkspaceServer server;
  private final Vertx vertx = Vertx.vertx();
  private final List<AgentClient> clients = new ArrayList<>();
  private final List<String> seenByHost = new CopyOnWriteArrayList<>();

  @BeforeEach
  void start() {
    ServerOptions options = new ServerOptions().setHost("127.0.0.1").setPort(0);
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

  private AgentClient agent(String id, Map<String, ?> card) {
    AgentClient c = AgentClient.create(vertx, new AgentClientOptions().setAgentId(id));
    clients.add(c);
    await(c.connectToServer("127.0.0.1", server.port(), card));
    return c;
  }

  /** A host that takes at most two files of 1 KiB, text or images, and answers with a file listing them. */
  private AgentClient reader() {
    AgentClient host = agent("reader", Map.of("name", "reader", "accepts",
        Map.of("max_file_size", 1024, "max_files", 2, "media_types", List.of("text/plain", "image/*"))));
    await(host.host(ctx -> {
      List<Future<Buffer>> reads = new ArrayList<>();
      for (Attachment a : ctx.attachments()) {
        Path copy = dir.resolve("host-" + a.fileId());
        reads.add(host.files().download(a, copy).compose(v -> vertx.fileSystem().readFile(copy.toString())));
      }
      Future.all(reads).compose(all -> {
        StringBuilder listing = new StringBuilder();
        for (int i = 0; i < reads.size(); i++) {
          Attachment a = ctx.attachments().get(i);
          seenByHost.add(a.name() + ":" + reads.get(i).result().length());
          listing.append(a.name()).append(' ').append(a.mediaType()).append(' ')
              .append(reads.get(i).result().length()).append('\n');
        }
        return host.files().upload(Buffer.buffer(listing.toString()), "listing.txt", "text/plain");
      }).compose(listing -> ctx.complete(Attachment.putAll(
          dev.workspace.model.FrameCodec.DEFAULT.mapper().createObjectNode().put("text", "read " + reads.size()),
          List.of(listing)))).onFailure(e -> ctx.fail("read_failed", e.getMessage()));
    }));
    return host;
  }

  private List<Path> stored() throws IOException {
    Path store = dir.resolve("store");
    if (!Files.exists(store)) {
      return List.of();
    }
    try (Stream<Path> s = Files.walk(store)) {
      return s.filter(Files::isRegularFile).toList();
    }
  }

  private static WorkspaceException refusal(Future<?> f) {
    return (WorkspaceException) E2E.failure(f);
  }

  @Test
  void aRunInputOverTheHostsLimitsIsRefusedBeforeAnyUpload() throws Exception {
    reader();
    AgentClient caller = agent("caller", Map.of());
    var remote = caller.remoteAgent("reader");
    assertEquals(new Accepts(1024, 2, List.of("text/plain", "image/*")), await(remote.config()).accepts());
    Path big = dir.resolve("big.txt");
    Files.write(big, new byte[1025]);
    Path small = dir.resolve("small.txt");
    Files.writeString(small, "fine");

    WorkspaceException tooBig = refusal(remote.input("read this", List.of(FileInput.of(small, null, "text/plain"),
        FileInput.of(big, null, "text/plain"))));
    assertEquals(FailureKind.REJECTED, tooBig.kind());
    assertTrue(tooBig.getMessage().contains("big.txt") && tooBig.getMessage().contains("1024"), tooBig.getMessage());
    WorkspaceException tooMany = refusal(remote.input("read these", List.of(FileInput.of(small, null, "text/plain"),
        FileInput.of(small, null, "text/plain"), FileInput.of(small, null, "text/plain"))));
    assertEquals(FailureKind.REJECTED, tooMany.kind());
    assertTrue(tooMany.getMessage().contains("at most 2 files"), tooMany.getMessage());
    WorkspaceException wrongType = refusal(remote.start("look", List.of(
        FileInput.of(Buffer.buffer("%PDF"), "doc.pdf", "application/pdf"))));
    assertEquals(FailureKind.REJECTED, wrongType.kind());
    assertTrue(wrongType.getMessage().contains("application/pdf"), wrongType.getMessage());

    assertEquals(List.of(), stored(), "nothing was uploaded");
    assertEquals(List.of(), seenByHost, "the host was never asked");
  }

  @Test
  void filesWithinTheLimitsReachTheHostAndItsResultCarriesAFileBack() throws Exception {
    reader();
    AgentClient caller = agent("caller", Map.of());
    byte[] picture = new byte[1000];
    new Random(3).nextBytes(picture);
    Path pic = dir.resolve("pic.png");
    Files.write(pic, picture);
    Attachment notes = await(caller.files().upload(Buffer.buffer("notes!"), "notes.txt", "text/plain"));

    Run run = await(caller.remoteAgent("reader").start("read these", List.of(FileInput.of(pic, null, "image/png"),
        FileInput.of(notes))));
    RunResult result = await(run.result());
    assertEquals("read 2", result.text());
    assertEquals(List.of("pic.png:1000", "notes.txt:6"), seenByHost);
    assertEquals(1, result.attachments().size());
    Path listing = dir.resolve("listing.txt");
    await(caller.files().download(result.attachments().get(0), listing));
    assertEquals("pic.png image/png 1000\nnotes.txt text/plain 6\n", Files.readString(listing));
    assertEquals(3, stored().size(), "the picture, the notes and the listing, once each");
    assertArrayEquals(picture, Files.readAllBytes(hostCopyOf(1000)), "the host read the picture's own bytes");
  }

  @Test
  void aRunToAnAgentThatIsNotThereUploadsNothing() throws Exception {
    AgentClient caller = agent("caller", Map.of());
    WorkspaceException absent = refusal(caller.remoteAgent("nobody").input("hello",
        List.of(FileInput.of(Buffer.buffer("x"), "x.txt", "text/plain"))));
    assertEquals(FailureKind.NOT_FOUND, absent.kind());
    assertEquals(List.of(), stored());
  }

  private Path hostCopyOf(long size) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      List<Path> copies = s.filter(p -> p.getFileName().toString().startsWith("host-"))
          .filter(p -> p.toFile().length() == size).toList();
      assertEquals(1, copies.size(), "host copies of " + size + " bytes: " + copies);
      return copies.get(0);
    }
  }
}
