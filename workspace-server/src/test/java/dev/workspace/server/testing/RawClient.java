package dev.workspace.server.testing;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.workspace.model.FrameCodec;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * A protocol-level WebSocket client for tests: sends raw text, and hands back every frame the server sent, in
 * order. Blocking methods are for the test thread only (never an event loop) and all take a time limit.
 */
public final class RawClient implements AutoCloseable {
  /** How long a test waits for something that should happen. */
  public static final Duration WAIT = Duration.ofSeconds(10);

  private final WebSocketClient client;
  private final WebSocket socket;
  private final FrameQueue frames = new FrameQueue(WAIT);
  private final CompletableFuture<Short> closed = new CompletableFuture<>();
  private final AtomicInteger ids = new AtomicInteger();

  private RawClient(WebSocketClient client, WebSocket socket) {
    this.client = client;
    this.socket = socket;
    socket.textMessageHandler(text -> frames.add(FrameCodec.DEFAULT.parseObject(text)));
    socket.closeHandler(v -> closed.complete(socket.closeStatusCode() == null ? -1 : socket.closeStatusCode()));
  }

  /**
   * Opens a WebSocket to {@code /ws} on loopback.
   *
   * @param vertx a Vert.x instance
   * @param port the server's port
   * @return the client
   */
  public static RawClient open(Vertx vertx, int port) {
    return open(vertx, port, "/ws", Map.of());
  }

  /**
   * Opens a WebSocket on loopback.
   *
   * @param vertx a Vert.x instance
   * @param port the server's port
   * @param uri the request URI (path and query)
   * @param headers handshake headers
   * @return the client
   */
  public static RawClient open(Vertx vertx, int port, String uri, Map<String, String> headers) {
    WebSocketClient client = vertx.createWebSocketClient(new WebSocketClientOptions()
        .setMaxFrameSize(16 * 1024 * 1024).setMaxMessageSize(64 * 1024 * 1024));
    WebSocketConnectOptions options = new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port).setURI(uri);
    headers.forEach(options::addHeader);
    return new RawClient(client, await(client.connect(options)));
  }

  /**
   * Opens a WebSocket and opens a session for an agent with every default.
   *
   * @param vertx a Vert.x instance
   * @param port the server's port
   * @param agentId the agent
   * @return the client, its connect acknowledged
   */
  public static RawClient connect(Vertx vertx, int port, String agentId) {
    return connect(vertx, port, agentId, null);
  }

  /**
   * Opens a WebSocket and opens a session for an agent with these subscriptions.
   *
   * @param vertx a Vert.x instance
   * @param port the server's port
   * @param agentId the agent
   * @param subscriptionsJson a JSON array of patterns, or {@code null} for the server's default
   * @return the client, its connect acknowledged
   */
  public static RawClient connect(Vertx vertx, int port, String agentId, String subscriptionsJson) {
    RawClient c = open(vertx, port);
    ObjectNode ack = c.request("{\"type\":\"connect\",\"agent_id\":\"" + agentId + "\""
        + (subscriptionsJson == null ? "" : ",\"subscriptions\":" + subscriptionsJson) + "}");
    if (!"ack".equals(ack.path("type").asText())) {
      throw new AssertionError("connect failed: " + ack);
    }
    return c;
  }

  /** Blocks the test thread on a future, up to {@link #WAIT}. */
  public static <T> T await(Future<T> future) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      throw new AssertionError("no result within " + WAIT.toMillis() + " ms", e);
    }
  }

  /** Sends a text frame as it is. */
  public void send(String text) {
    await(socket.writeTextMessage(text));
  }

  /** Sends a binary frame. */
  public void sendBinary(byte[] data) {
    await(socket.writeBinaryMessage(Buffer.buffer(data)));
  }

  /**
   * Sends a request frame given without its id, adding a fresh one, and returns the answer with that id. Frames
   * that arrive before it stay queued for {@link #next()}.
   *
   * @param json a JSON object without {@code id}, e.g. {@code {"type":"join","channel":"general"}}
   * @return the {@code ack} or {@code error} frame
   */
  public ObjectNode request(String json) {
    String id = "r" + ids.incrementAndGet();
    send("{\"id\":\"" + id + "\"," + json.substring(1));
    return take(f -> id.equals(f.path("id").asText()) && !"pong".equals(f.path("type").asText()));
  }

  /** @return the next frame, waiting up to {@link #WAIT} */
  public ObjectNode next() {
    return frames.next();
  }

  /** @return the next {@code event} frame's event, failing if another kind of frame comes first */
  public ObjectNode nextEvent() {
    return frames.nextEvent();
  }

  /**
   * Takes the first frame matching, keeping earlier non-matching frames queued in order.
   *
   * @param match what to wait for
   * @return the frame
   */
  public ObjectNode take(Predicate<ObjectNode> match) {
    return frames.take(match);
  }

  /**
   * Proves that nothing else is queued: sends a ping and checks the very next frame is its pong. Everything the
   * server wrote to this connection before answering the ping has arrived by then.
   */
  public void assertNothingElse() {
    String id = "sync" + ids.incrementAndGet();
    send("{\"type\":\"ping\",\"id\":\"" + id + "\"}");
    frames.assertNextIsPong(id);
  }

  /** @return the close code the server sent, waiting up to {@link #WAIT} */
  public short awaitClose() {
    try {
      return closed.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      throw new AssertionError("not closed within " + WAIT.toMillis() + " ms", e);
    }
  }

  /** Stops reading from the socket, as a client that hangs would. */
  public void pause() {
    socket.pause();
  }

  /** Reads from the socket again. */
  public void resume() {
    socket.resume();
  }

  /** @return whether the connection was closed */
  public boolean isClosed() {
    return closed.isDone();
  }

  /** @return the frames received and not yet taken */
  public List<ObjectNode> drain() {
    return frames.drain();
  }

  @Override
  public void close() {
    if (!closed.isDone()) {
      socket.close();
    }
    client.close();
  }
}
