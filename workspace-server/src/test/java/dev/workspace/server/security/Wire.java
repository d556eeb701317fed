package dev.workspace.server.security;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.workspace.model.FrameCodec;
import dev.workspace.server.testing.RawClient;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ClientWebSocket;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.http.WebSocketFrame;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Wire-level helpers the security tests need beyond {@link RawClient}: the HTTP status of a refused upgrade, REST
 * calls with headers, and a socket that writes raw frames (fragments, binary, invalid UTF-8).
 */
final class Wire {
  private Wire() {
  }

  /**
   * Tries a WebSocket upgrade that the server should refuse.
   *
   * @return the HTTP status the server answered with
   */
  static int refusedUpgrade(Vertx vertx, int port, String uri, Map<String, String> headers) {
    WebSocketClient client = vertx.createWebSocketClient();
    try {
      WebSocketConnectOptions options = new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port).setURI(uri);
      headers.forEach(options::addHeader);
      CompletableFuture<Integer> status = new CompletableFuture<>();
      client.connect(options).onComplete(ar -> {
        if (ar.succeeded()) {
          ar.result().close();
          status.completeExceptionally(new AssertionError("the upgrade was accepted"));
        } else if (ar.cause() instanceof UpgradeRejectedException r) {
          status.complete(r.getStatus());
        } else {
          status.completeExceptionally(ar.cause());
        }
      });
      return status.get(RawClient.WAIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      throw new AssertionError("expected a refused upgrade", e);
    } finally {
      client.close();
    }
  }

  /** A REST answer. */
  record Response(int status, String body, String wwwAuthenticate) {
    ObjectNode json() {
      return FrameCodec.DEFAULT.parseObject(body);
    }
  }

  /** Makes one REST call. */
  static Response http(Vertx vertx, int port, HttpMethod method, String uri, Map<String, String> headers, String body) {
    HttpClient client = vertx.createHttpClient();
    try {
      RequestOptions options = new RequestOptions().setHost("127.0.0.1").setPort(port).setMethod(method).setURI(uri);
      headers.forEach(options::addHeader);
      Future<Response> answer = client.request(options).compose(req -> (body == null ? req.send()
          : req.send(Buffer.buffer(body))).compose((HttpClientResponse resp) -> resp.body()
          .map(b -> new Response(resp.statusCode(), b.toString(), resp.getHeader("WWW-Authenticate")))));
      return RawClient.await(answer);
    } finally {
      client.close();
    }
  }

  /** A WebSocket that writes raw frames and records the text it gets and how it was closed. */
  static final class FrameSocket implements AutoCloseable {
    final WebSocketClient client;
    final WebSocket socket;
    final LinkedBlockingQueue<ObjectNode> frames = new LinkedBlockingQueue<>();
    final CompletableFuture<Short> closed = new CompletableFuture<>();

    FrameSocket(Vertx vertx, int port) {
      this(vertx, port, Map.of(), true);
    }

    /**
     * @param headers handshake headers
     * @param originHeader false to send no {@code Origin} at all (the Vert.x client adds one by default and drops
     *     a given one when this is false)
     */
    FrameSocket(Vertx vertx, int port, Map<String, String> headers, boolean originHeader) {
      client = vertx.createWebSocketClient(new WebSocketClientOptions().setMaxFrameSize(16 * 1024 * 1024)
          .setMaxMessageSize(64 * 1024 * 1024));
      WebSocketConnectOptions options = new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port)
          .setURI("/ws").setAllowOriginHeader(originHeader);
      headers.forEach(options::addHeader);
      // Handlers are set before connecting: the server may close the socket at once.
      ClientWebSocket ws = client.webSocket();
      ws.textMessageHandler(t -> frames.add(FrameCodec.DEFAULT.parseObject(t)));
      ws.closeHandler(v -> closed.complete(ws.closeStatusCode() == null ? (short) -1 : ws.closeStatusCode()));
      socket = RawClient.await(ws.connect(options));
    }

    /** Sends one text frame. */
    void send(String text) {
      write(WebSocketFrame.textFrame(text, true));
    }

    void write(WebSocketFrame frame) {
      RawClient.await(socket.writeFrame(frame));
    }

    /** Writes and ignores a failure: the server may already have closed the connection. */
    void writeQuietly(WebSocketFrame frame) {
      try {
        socket.writeFrame(frame).toCompletionStage().toCompletableFuture().get(RawClient.WAIT.toMillis(),
            TimeUnit.MILLISECONDS);
      } catch (Exception ignored) {
        // the connection is already closing
      }
    }

    ObjectNode next() {
      try {
        ObjectNode f = frames.poll(RawClient.WAIT.toMillis(), TimeUnit.MILLISECONDS);
        if (f == null) {
          throw new AssertionError("no frame within " + RawClient.WAIT.toMillis() + " ms");
        }
        return f;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }

    short awaitClose() {
      try {
        return closed.get(RawClient.WAIT.toMillis(), TimeUnit.MILLISECONDS);
      } catch (Exception e) {
        throw new AssertionError("not closed within " + RawClient.WAIT.toMillis() + " ms", e);
      }
    }

    @Override
    public void close() {
      if (!closed.isDone()) {
        socket.close();
      }
      client.close();
    }
  }
}
