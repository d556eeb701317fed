package dev.workspace.server.testing;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.workspace.model.FrameCodec;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A real HTTP client for the file routes: uploads bodies generated on the fly (never held whole), and downloads
 * by hashing what arrives.
 */
public final class FileHttp implements AutoCloseable {
  /** How long a transfer may take. */
  public static final long WAIT_MS = 60_000;
  private static final int CHUNK = 64 * 1024;

  private final HttpClient client;
  private final int port;

  /**
   * An answer: its status, headers, length and SHA-256 of the body, and the body itself when it is small.
   *
   * @param status the status code
   * @param headers the headers
   * @param size bytes of body received
   * @param sha256 their SHA-256, lower-case hex
   * @param small the body when at most 64 KiB, else {@code null}
   */
  public record Reply(int status, MultiMap headers, long size, String sha256, Buffer small) {
    /** @return the body as a JSON object */
    public ObjectNode json() {
      return FrameCodec.DEFAULT.parseObject(small.toString());
    }

    @Override
    public String toString() {
      return status + " " + (small != null && small.length() < 2000 ? small.toString() : size + " bytes");
    }
  }

  /** A request body of {@code size} deterministic bytes, made as it is sent. */
  public static final class Generated {
    private final long size;
    private final long seed;
    private final MessageDigest digest = newDigest();
    private long sent;
    private String hash;

    /**
     * @param size bytes to send
     * @param seed what decides the bytes
     */
    public Generated(long size, long seed) {
      this.size = size;
      this.seed = seed;
    }

    Buffer next() {
      int n = (int) Math.min(CHUNK, size - sent);
      byte[] b = new byte[n];
      long x = seed ^ (sent * 0x9E3779B97F4A7C15L);
      for (int i = 0; i < n; i++) {
        x ^= x << 13;
        x ^= x >>> 7;
        x ^= x << 17;
        b[i] = (byte) x;
      }
      sent += n;
      digest.update(b);
      return Buffer.buffer(b);
    }

    boolean done() {
      return sent >= size;
    }

    /** @return bytes sent so far */
    public long sent() {
      return sent;
    }

    /** @return the SHA-256 of what was sent, once all was */
    public String sha256() {
      if (hash == null) {
        hash = HexFormat.of().formatHex(digest.digest());
      }
      return hash;
    }
  }

  /**
   * @param vertx a Vert.x instance
   * @param port the server's port on loopback
   */
  public FileHttp(Vertx vertx, int port) {
    this.client = vertx.createHttpClient(new HttpClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(port));
    this.port = port;
  }

  /** @return the port it talks to */
  public int port() {
    return port;
  }

  /**
   * Sends a request with a small body (or none) and reads the answer.
   *
   * @param method the method
   * @param uri the path and query
   * @param headers request headers
   * @param body the body, or {@code null}
   * @return the answer
   */
  public Reply send(HttpMethod method, String uri, Map<String, String> headers, Buffer body) {
    return await(client.request(new RequestOptions().setMethod(method).setURI(uri)).compose(req -> {
      headers.forEach(req::putHeader);
      return (body == null ? req.send() : req.send(body)).compose(FileHttp::read);
    }));
  }

  /**
   * Uploads a generated body with backpressure, with a {@code Content-Length} or chunked. When {@code pauseAt}
   * bytes are sent, completes {@code paused} and waits for {@code resume} before sending the rest.
   *
   * @param uri the path and query
   * @param headers request headers
   * @param body the body
   * @param chunked whether to send it chunked rather than with its length
   * @param pauseAt after how many bytes to pause, or -1
   * @param paused completed at the pause
   * @param resume completed by the caller to go on
   * @return the answer
   */
  public Reply upload(String uri, Map<String, String> headers, Generated body, boolean chunked, long pauseAt,
      CompletableFuture<Void> paused, CompletableFuture<Void> resume) {
    return await(client.request(new RequestOptions().setMethod(HttpMethod.POST).setURI(uri)).compose(req -> {
      headers.forEach(req::putHeader);
      if (chunked) {
        req.setChunked(true);
      } else {
        req.putHeader("Content-Length", Long.toString(body.size));
      }
      Future<Reply> reply = req.response().compose(FileHttp::read);
      pump(req, body, pauseAt, paused, resume);
      return reply;
    }));
  }

  private static void pump(HttpClientRequest req, Generated body, long pauseAt, CompletableFuture<Void> paused,
      CompletableFuture<Void> resume) {
    io.vertx.core.Context ctx = Vertx.currentContext();
    while (!body.done()) {
      if (pauseAt >= 0 && body.sent() >= pauseAt && !paused.isDone()) {
        paused.complete(null);
        resume.whenComplete((v, e) -> ctx.runOnContext(x -> pump(req, body, pauseAt, paused, resume)));
        return;
      }
      req.write(body.next());
      if (req.writeQueueFull()) {
        req.drainHandler(v -> pump(req, body, pauseAt, paused, resume));
        return;
      }
    }
    req.end();
  }

  /**
   * Opens a raw upload that declares {@code declared} bytes, sends {@code sent} of them and drops the connection.
   *
   * @param uri the path and query
   * @param headers request headers
   * @param declared the Content-Length declared
   * @param sent bytes sent before the connection is dropped
   */
  public void breakOff(String uri, Map<String, String> headers, long declared, long sent) {
    Promise<Void> done = Promise.promise();
    client.request(new RequestOptions().setMethod(HttpMethod.POST).setURI(uri)).onSuccess(req -> {
      headers.forEach(req::putHeader);
      req.putHeader("Content-Length", Long.toString(declared));
      Generated g = new Generated(sent, 7);
      Future<Void> last = Future.succeededFuture();
      while (!g.done()) {
        last = req.write(g.next());
      }
      last.onComplete(ar -> req.connection().close().onComplete(x -> done.tryComplete()));
    }).onFailure(done::tryFail);
    await(done.future());
  }

  private static Future<Reply> read(io.vertx.core.http.HttpClientResponse res) {
    Promise<Reply> p = Promise.promise();
    MessageDigest digest = newDigest();
    long[] size = new long[1];
    Buffer small = Buffer.buffer();
    res.handler(b -> {
      size[0] += b.length();
      digest.update(b.getBytes());
      if (small.length() + b.length() <= 64 * 1024) {
        small.appendBuffer(b);
      }
    });
    res.exceptionHandler(p::tryFail);
    res.endHandler(v -> p.tryComplete(new Reply(res.statusCode(), res.headers(), size[0],
        HexFormat.of().formatHex(digest.digest()), size[0] <= 64 * 1024 ? small : null)));
    return p.future();
  }

  private static MessageDigest newDigest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static <T> T await(Future<T> f) {
    try {
      return f.toCompletionStage().toCompletableFuture().get(WAIT_MS, TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      throw new AssertionError("no answer within " + WAIT_MS + " ms", e);
    }
  }

  @Override
  public void close() {
    await(client.close());
  }
}
