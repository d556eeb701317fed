package dev.workspace.server.testing;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.workspace.model.FrameCodec;
import dev.workspace.server.session.Session;
import dev.workspace.server.session.Transport;
import io.vertx.core.Context;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A {@link Transport} without a socket: it records every frame its session writes and how it was closed, and
 * hands the session client frames on the session's event loop. The test side of a client, for tests of the
 * session alone.
 */
public final class RecordingTransport implements Transport {
  private final Context context;
  private final FrameQueue frames = new FrameQueue(RawClient.WAIT);
  private final CompletableFuture<String> closed = new CompletableFuture<>();
  private final AtomicInteger ids = new AtomicInteger();
  private volatile Session session;
  private volatile boolean opened;
  private volatile long acceptBytes = Long.MAX_VALUE;

  RecordingTransport(Context context) {
    this.context = context;
  }

  void attach(Session s) {
    this.session = s;
  }

  /** @param bytes how many more bytes to accept before refusing writes as a full queue would */
  public void acceptOnly(long bytes) {
    acceptBytes = bytes;
  }

  @Override
  public boolean write(byte[] frame) {
    if (closed.isDone()) {
      throw new AssertionError("write after close: " + new String(frame, StandardCharsets.UTF_8));
    }
    if (frame.length > acceptBytes) {
      return false;
    }
    acceptBytes -= frame.length;
    frames.add(FrameCodec.DEFAULT.parseObject(new String(frame, StandardCharsets.UTF_8)));
    return true;
  }

  @Override
  public void close(short code, String reason) {
    if (!closed.complete(code + " " + reason)) {
      throw new AssertionError("closed twice");
    }
  }

  @Override
  public void opened() {
    opened = true;
  }

  @Override
  public Context context() {
    return context;
  }

  @Override
  public String remoteAddress() {
    return "test";
  }

  /** @param texts client frames, handed to the session one after the other in one turn of its event loop */
  public void send(String... texts) {
    context.runOnContext(v -> {
      for (String t : texts) {
        session.receive(t);
      }
    });
  }

  /**
   * @param json a request without {@code id}, e.g. {@code {"type":"join","channel":"general"}}
   * @return its {@code ack} or {@code error}
   */
  public ObjectNode request(String json) {
    String id = "r" + ids.incrementAndGet();
    send("{\"id\":\"" + id + "\"," + json.substring(1));
    return frames.take(f -> id.equals(f.path("id").asText()) && !"pong".equals(f.path("type").asText()));
  }

  /**
   * Sends {@code connect} and waits for its ack.
   *
   * @param fields the frame's fields after {@code type}, e.g. {@code "agent_id":"alice"}
   * @return the ack's {@code result}
   */
  public ObjectNode connect(String fields) {
    ObjectNode answer = request("{\"type\":\"connect\"," + fields + "}");
    if (!"ack".equals(answer.path("type").asText())) {
      throw new AssertionError("connect refused: " + answer);
    }
    return (ObjectNode) answer.get("result");
  }

  /** @return the next frame */
  public ObjectNode next() {
    return frames.next();
  }

  /** @return the next frame's event, failing if another kind of frame comes first */
  public ObjectNode nextEvent() {
    return frames.nextEvent();
  }

  /** Checks that nothing else was written: a ping's pong is the very next frame. */
  public void assertNothingElse() {
    String id = "sync" + ids.incrementAndGet();
    send("{\"type\":\"ping\",\"id\":\"" + id + "\"}");
    frames.assertNextIsPong(id);
  }

  /** @return the close code and reason, as {@code "4008 reason"}, waiting up to {@link RawClient#WAIT} */
  public String awaitClose() {
    try {
      return closed.get(RawClient.WAIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      throw new AssertionError("not closed within " + RawClient.WAIT.toMillis() + " ms", e);
    }
  }

  /** @return whether the session told this transport it is open */
  public boolean wasOpened() {
    return opened;
  }

  /** @return the session */
  public Session session() {
    return session;
  }
}
