package dev.workspace.server.files;

import dev.workspace.model.ErrorCode;
import dev.workspace.model.ProtocolException;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Reads an upload body into a {@link Sink}: counts and hashes the bytes as they come, refuses the first byte over
 * the limit, and pauses the body while too many writes are in flight, so an upload holds a few chunks of memory
 * whatever its size.
 */
final class FileIntake {
  /** Writes in flight at which the body is paused. */
  static final int MAX_IN_FLIGHT = 4;

  /** Where the bytes of one upload go. */
  interface Sink {
    /** @return completes when the chunk is written (or buffered for a later write) */
    Future<Void> write(Buffer chunk);

    /** @return completes when every byte is written */
    Future<Void> finish();

    /** Removes whatever the upload wrote; never fails. */
    Future<Void> abort();
  }

  /** What was read: length in bytes and SHA-256 in lower-case hex. */
  record Result(long size, String sha256) {
  }

  private final ReadStream<Buffer> body;
  private final long max;
  private final Sink sink;
  private final MessageDigest digest;
  private final Promise<Result> done = Promise.promise();
  private long size;
  private int inFlight;
  private boolean paused;
  private boolean ended;
  private boolean over;

  private FileIntake(ReadStream<Buffer> body, long max, Sink sink) {
    this.body = body;
    this.max = max;
    this.sink = sink;
    try {
      this.digest = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Reads a body into a sink. On any failure the sink is aborted before the returned future fails, and the body's
   * handlers are left discarding.
   *
   * @param body the upload body, not yet read
   * @param max the most bytes accepted
   * @param sink where the bytes go
   * @return the length and hash; fails with {@code too_large} past {@code max}
   */
  static Future<Result> read(ReadStream<Buffer> body, long max, Sink sink) {
    FileIntake intake = new FileIntake(body, max, sink);
    body.exceptionHandler(intake::fail);
    body.endHandler(v -> intake.ended());
    body.handler(intake::chunk);
    body.resume();
    return intake.done.future();
  }

  private void chunk(Buffer buf) {
    if (over) {
      return;
    }
    size += buf.length();
    if (size > max) {
      fail(new ProtocolException(ErrorCode.TOO_LARGE, "the file is larger than " + max + " bytes"));
      return;
    }
    digest.update(buf.getBytes());
    inFlight++;
    if (inFlight >= MAX_IN_FLIGHT && !paused) {
      paused = true;
      body.pause();
    }
    sink.write(buf).onComplete(ar -> {
      inFlight--;
      if (ar.failed()) {
        fail(ar.cause());
        return;
      }
      if (paused && inFlight < MAX_IN_FLIGHT && !over) {
        paused = false;
        body.resume();
      }
      complete();
    });
  }

  private void ended() {
    ended = true;
    complete();
  }

  private void complete() {
    if (!ended || inFlight > 0 || over) {
      return;
    }
    over = true;
    sink.finish().onComplete(ar -> {
      if (ar.succeeded()) {
        done.complete(new Result(size, HexFormat.of().formatHex(digest.digest())));
      } else {
        sink.abort().onComplete(v -> done.fail(ar.cause()));
      }
    });
  }

  private void fail(Throwable cause) {
    if (over) {
      return;
    }
    over = true;
    body.handler(b -> { });
    body.exceptionHandler(e -> { });
    body.endHandler(v -> { });
    sink.abort().onComplete(v -> done.fail(cause));
  }
}
