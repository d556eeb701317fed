package dev.workspace.server.redis;

import dev.workspace.model.ErrorCode;
import dev.workspace.model.ProtocolException;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;

/**
 * Group commit for replication: a write is confirmed once a {@code WAIT <replicas> <timeout>} sent after its
 * answer, on the same connection, reports enough replicas. One {@code WAIT} is in flight at a time and confirms
 * every write answered before it was sent, so a busy node sends one {@code WAIT} per round trip to the replicas,
 * not one per event.
 *
 * <p>{@code WAIT} counts the writes of its own connection only, so a write is never confirmed by a {@code WAIT}
 * on another connection: after a reconnect its confirmation fails with {@code unavailable}. May be called from any
 * thread.
 */
final class ReplicaBarrier {
  private final int replicas;
  private final long timeoutMs;
  private final List<Promise<Void>> pending = new ArrayList<>();
  private RedisConnection pendingOn;
  private boolean inFlight;

  /**
   * @param replicas how many replicas must confirm; 0 turns the barrier off
   * @param timeoutMs how long the replicas have, in ms
   */
  ReplicaBarrier(int replicas, long timeoutMs) {
    this.replicas = replicas;
    this.timeoutMs = timeoutMs;
  }

  /** @return whether writes wait for replicas */
  boolean enabled() {
    return replicas > 0;
  }

  /**
   * @param connection the connection the write was answered on
   * @param send sends a command on that connection only (fails when it is gone)
   * @return completes when enough replicas have the write; fails with {@code unavailable} otherwise
   */
  Future<Void> confirm(RedisConnection connection, BiFunction<RedisConnection, Request, Future<Response>> send) {
    Promise<Void> p = Promise.promise();
    List<Promise<Void>> stale = null;
    boolean start = false;
    synchronized (this) {
      if (pendingOn != null && pendingOn != connection) {
        stale = new ArrayList<>(pending);
        pending.clear();
      }
      pendingOn = connection;
      pending.add(p);
      if (!inFlight) {
        inFlight = true;
        start = true;
      }
    }
    if (stale != null) {
      stale.forEach(w -> w.tryFail(lost()));
    }
    if (start) {
      round(send);
    }
    return p.future();
  }

  private void round(BiFunction<RedisConnection, Request, Future<Response>> send) {
    List<Promise<Void>> batch;
    RedisConnection on;
    synchronized (this) {
      if (pending.isEmpty()) {
        inFlight = false;
        return;
      }
      batch = new ArrayList<>(pending);
      pending.clear();
      on = pendingOn;
    }
    send.apply(on, Request.cmd(Command.WAIT).arg(replicas).arg(timeoutMs)).onComplete(ar -> {
      if (ar.succeeded() && ar.result() != null && ar.result().toLong() >= replicas) {
        batch.forEach(Promise::tryComplete);
      } else {
        long got = ar.succeeded() && ar.result() != null ? ar.result().toLong() : 0;
        ProtocolException e = ar.succeeded()
            ? new ProtocolException(ErrorCode.UNAVAILABLE, "the event was written but only " + got + " of "
                + replicas + " Redis replica(s) confirmed it within " + timeoutMs + " ms, so it may not survive a"
                + " failover; it was not acknowledged")
            : lost();
        batch.forEach(w -> w.tryFail(e));
      }
      round(send);
    });
  }

  /** The connection is gone: writes answered on it can no longer be confirmed. */
  void reset() {
    List<Promise<Void>> stale;
    synchronized (this) {
      stale = new ArrayList<>(pending);
      pending.clear();
      pendingOn = null;
    }
    stale.forEach(w -> w.tryFail(lost()));
  }

  private static ProtocolException lost() {
    return new ProtocolException(ErrorCode.UNAVAILABLE, "the connection to Redis broke before replicas confirmed"
        + " the event; it may or may not survive, and was not acknowledged");
  }
}
