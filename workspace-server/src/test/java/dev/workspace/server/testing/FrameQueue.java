package dev.workspace.server.testing;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * The frames a test client received, in arrival order, taken by the test thread with a time limit. Shared by the
 * WebSocket {@link RawClient} and the socket-free {@code session.RecordingTransport}.
 */
public final class FrameQueue {
  private final LinkedBlockingQueue<ObjectNode> frames = new LinkedBlockingQueue<>();
  private final Duration wait;

  /**
   * @param wait how long a take waits
   */
  public FrameQueue(Duration wait) {
    this.wait = wait;
  }

  /** @param frame a frame that arrived (any thread) */
  public void add(ObjectNode frame) {
    synchronized (frames) {
      frames.add(frame);
    }
  }

  /** @return the next frame, waiting up to the time limit */
  public ObjectNode next() {
    try {
      ObjectNode f = frames.poll(wait.toMillis(), TimeUnit.MILLISECONDS);
      if (f == null) {
        throw new AssertionError("no frame within " + wait.toMillis() + " ms");
      }
      return f;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** @return the next {@code event} frame's event, failing if another kind of frame comes first */
  public ObjectNode nextEvent() {
    ObjectNode f = next();
    if (!"event".equals(f.path("type").asText())) {
      throw new AssertionError("expected an event, got " + f);
    }
    return (ObjectNode) f.get("event");
  }

  /**
   * Takes the first frame matching, keeping earlier non-matching frames queued in order.
   *
   * @param match what to wait for
   * @return the frame
   */
  public ObjectNode take(Predicate<ObjectNode> match) {
    List<ObjectNode> skipped = new ArrayList<>();
    long deadline = System.nanoTime() + wait.toNanos();
    try {
      while (true) {
        long left = deadline - System.nanoTime();
        ObjectNode f = left <= 0 ? null : frames.poll(left, TimeUnit.NANOSECONDS);
        if (f == null) {
          throw new AssertionError("no matching frame within " + wait.toMillis() + " ms; got " + skipped);
        }
        if (match.test(f)) {
          List<ObjectNode> rest = new ArrayList<>();
          // Under the lock the producer adds with, so that a frame arriving meanwhile cannot jump the queue.
          synchronized (frames) {
            frames.drainTo(rest);
            frames.addAll(skipped);
            frames.addAll(rest);
          }
          return f;
        }
        skipped.add(f);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /**
   * Checks that the very next frame is the pong of a ping just sent with this id: everything sent before the
   * answer to that ping has arrived by then, so nothing else was queued.
   *
   * @param pingId the ping's id
   */
  public void assertNextIsPong(String pingId) {
    ObjectNode f = next();
    if (!"pong".equals(f.path("type").asText()) || !pingId.equals(f.path("id").asText())) {
      throw new AssertionError("expected nothing more, got " + f);
    }
  }

  /** @return the frames received and not yet taken */
  public List<ObjectNode> drain() {
    List<ObjectNode> out = new ArrayList<>();
    frames.drainTo(out);
    return out;
  }
}
