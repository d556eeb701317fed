package dev.workspace.server.redis;

import dev.workspace.model.ErrorCode;
import dev.workspace.model.ProtocolException;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClientOptions;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import io.vertx.redis.client.ResponseType;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Set;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A node's two connections to Redis and their upkeep: one for commands (scripts, reads, publishes), pipelined, and
 * one dedicated to pub/sub. Both are treated as one link: when either breaks, both are dropped and opened again with
 * capped exponential backoff and full jitter, every pub/sub channel still wanted is subscribed again (the Vert.x
 * client does not do it), and only then the listeners catch up and the link reports ready.
 *
 * <p>A connection can also die silently. The link starts over when commands wait longer than the command timeout
 * without any answer, and when the ping it publishes to its own control channel every heartbeat interval does not
 * come back through pub/sub within that time.
 *
 * <p>All state changes and every listener call happen on one Vert.x context; {@link #send}, {@link #subscribe},
 * {@link #unsubscribe} and {@link #whenSubscribed} may be called from any thread.
 */
final class RedisLink {
  private static final Logger LOG = LoggerFactory.getLogger(RedisLink.class);
  private static final long FIRST_DELAY_MS = 100;

  /** What the broker and the directory hear from the link, always on the link's context. */
  interface Listener {
    /** A pub/sub message on a channel the link subscribed for them. */
    default void onMessage(String channel, byte[] message) {
    }

    /** The link is connected and subscribed again: catch up. The link is ready when every listener completes. */
    default Future<Void> onRecovered() {
      return Future.succeededFuture();
    }

    /** Every second (or every heartbeat interval when shorter) while the commands connection is up. */
    default void onTick() {
    }
  }

  enum State { DOWN, RECOVERING, READY, CLOSED }

  /**
   * Whether the commands connection still answers: commands in flight, and when the last answer came. One per
   * connection, so that late answers on a dropped connection do not count for the new one.
   */
  private static final class Progress {
    private final AtomicInteger inFlight = new AtomicInteger();
    private volatile long since = System.currentTimeMillis();

    void sent() {
      if (inFlight.getAndIncrement() == 0) {
        since = System.currentTimeMillis();
      }
    }

    void answered() {
      since = System.currentTimeMillis();
      inFlight.decrementAndGet();
    }

    /** @return how long commands have been waiting without any answer, in ms (0 when none waits) */
    long stalledFor() {
      return inFlight.get() > 0 ? System.currentTimeMillis() - since : 0;
    }
  }

  private static final class Subscription {
    boolean active;
    List<Promise<Void>> waiters = new ArrayList<>();
  }

  private final Vertx vertx;
  private final RedisOptions redisOptions;
  private final RedisEndpoints endpoints;
  private final ReplicaBarrier replicas;
  private final String where;
  private final String controlChannel;
  private final long commandTimeoutMs;
  private final long maxDelayMs;
  private final long tickMs;
  private final List<Listener> listeners = new ArrayList<>();
  private final Map<String, Subscription> wanted = new HashMap<>();
  private final Map<String, Integer> unconfirmed = new HashMap<>();
  private final Promise<Void> firstAttempt = Promise.promise();

  private Context context;
  private Redis client;
  private volatile RedisConnection commands;
  private final Set<String> scriptsSent = new java.util.HashSet<>();
  private RedisConnection scriptsSentOn;
  private volatile Progress progress = new Progress();
  private RedisConnection pubsub;
  private volatile State state = State.DOWN;
  private final java.util.concurrent.atomic.LongAdder commandsSent = new java.util.concurrent.atomic.LongAdder();
  private final java.util.concurrent.atomic.LongAdder commandsFailed = new java.util.concurrent.atomic.LongAdder();
  private final java.util.concurrent.atomic.AtomicLong reconnects = new java.util.concurrent.atomic.AtomicLong();
  private boolean everReady;
  private volatile String replicationId = "";
  private volatile long upSince;
  private int generation;
  private int attempt;
  private long tickTimer = -1;
  private long pingSent;
  private long pingSentAt;
  private long pingSeen;

  /**
   * @param vertx the node's Vert.x instance
   * @param endpoints where Redis is: one instance or a Sentinel-watched primary
   * @param nodeId this node's id, which names its control channel
   * @param commandTimeoutMs how long a command may take before the link is considered broken
   * @param maxDelayMs the largest delay between reconnection attempts
   * @param tickMs the heartbeat interval
   */
  RedisLink(Vertx vertx, RedisEndpoints endpoints, String nodeId, long commandTimeoutMs, long maxDelayMs,
      long tickMs) {
    this.vertx = vertx;
    this.controlChannel = RedisKeys.control(nodeId);
    this.endpoints = endpoints;
    this.where = endpoints.describe();
    this.commandTimeoutMs = commandTimeoutMs;
    this.maxDelayMs = maxDelayMs;
    this.tickMs = tickMs;
    this.replicas = new ReplicaBarrier(endpoints.waitReplicas(), endpoints.waitTimeoutMs());
    this.redisOptions = endpoints.toOptions()
        .setMaxWaitingHandlers(64 * 1024)
        .setMaxPoolSize(endpoints.mode() == RedisEndpoints.Mode.CLUSTER ? 4 : 2)
        .setMaxPoolWaiting(8)
        .setNetClientOptions(new NetClientOptions()
            .setConnectTimeout((int) Math.min(Integer.MAX_VALUE, commandTimeoutMs))
            .setTcpKeepAlive(true)
            .setTcpNoDelay(true));
    wanted.put(controlChannel, new Subscription());
  }

  /** Adds a listener; before {@link #start()} only. */
  void listen(Listener listener) {
    listeners.add(listener);
  }

  /** @return the pub/sub channel of this node's control messages */
  String controlChannel() {
    return controlChannel;
  }

  /**
   * Starts connecting, and keeps reconnecting until {@link #close()}.
   *
   * @return completes when the first attempt ended: ready, or failed (the link keeps trying)
   */
  Future<Void> start() {
    context = vertx.getOrCreateContext();
    context.runOnContext(v -> {
      tickTimer = vertx.setPeriodic(Math.min(tickMs, 1000), t -> tick());
      connect();
    });
    return firstAttempt.future();
  }

  /** @return whether commands can be sent (the link is recovering or ready) */
  boolean commandsUp() {
    return commands != null;
  }

  /** @return whether the link is connected, subscribed and caught up */
  boolean isReady() {
    return state == State.READY;
  }

  /** @return commands sent to Redis (a batch counts each of its commands) */
  long commandsSent() {
    return commandsSent.sum();
  }

  /** @return commands that failed: a Redis error reply or no answer */
  long commandsFailed() {
    return commandsFailed.sum();
  }

  /** @return how many times the link was ready again after it had been lost */
  long reconnects() {
    return reconnects.get();
  }

  /** @return the link's state */
  State state() {
    return state;
  }

  /** @return when the link last became able to send commands, epoch ms, or 0 while it cannot */
  long upSince() {
    return upSince;
  }

  /** @return where Redis is, and in which mode */
  RedisEndpoints endpoints() {
    return endpoints;
  }

  /**
   * @return with replicas (Sentinel), the replication id of the primary the commands connection talks to
   *     ({@code master_replid}), which changes when a replica is promoted (or the primary restarts), that is
   *     whenever the data set may have lost acknowledged-by-one-but-not-replicated writes; empty for one instance
   *     (a restart of one instance keeps its epochs, as its persistence settings decide what survives) and before
   *     the first connection
   */
  String replicationId() {
    return replicationId;
  }

  /** @return the context every listener call runs on */
  Context context() {
    return context;
  }

  /** @return whether the calling thread is the event loop of the link's context */
  boolean onLinkThread() {
    Context c = context;
    return c != null && ((io.vertx.core.internal.ContextInternal) c).inThread();
  }

  // ------------------------------------------------------------------ commands

  /**
   * Sends a command on the commands connection.
   *
   * @param request the command
   * @return its reply; fails with {@code unavailable} when Redis cannot be reached
   */
  Future<Response> send(Request request) {
    RedisConnection c = commands;
    Progress p = progress;
    if (c == null) {
      return Future.failedFuture(unavailable(null));
    }
    p.sent();
    commandsSent.increment();
    return c.send(request).transform(ar -> {
      p.answered();
      if (ar.succeeded()) {
        return Future.succeededFuture(ar.result());
      }
      commandsFailed.increment();
      return Future.failedFuture(isRedisError(ar.cause()) ? ar.cause() : unavailable(ar.cause()));
    });
  }

  /** @return the command that publishes: {@code SPUBLISH} (sharded) in a Redis Cluster, else {@code PUBLISH} */
  Command publishCommand() {
    return cluster() ? Command.SPUBLISH : Command.PUBLISH;
  }

  /**
   * Publishes a message on a pub/sub channel (sharded in a Redis Cluster).
   *
   * @param channel the channel
   * @param message the message
   * @return the number of receivers Redis counted
   */
  Future<Response> publish(String channel, Object message) {
    Request r = Request.cmd(publishCommand()).arg(channel);
    if (message instanceof byte[] b) {
      r.arg(b);
    } else {
      r.arg(String.valueOf(message));
    }
    return send(r);
  }

  private boolean cluster() {
    return endpoints.mode() == RedisEndpoints.Mode.CLUSTER;
  }

  /**
   * Runs a script by its SHA-1, loading it with EVAL when Redis does not have it (after a restart).
   *
   * @param script the script
   * @param keys its keys
   * @param args its arguments: strings, byte arrays or numbers
   * @return its reply
   */
  Future<Response> eval(RedisScripts.Script script, List<String> keys, Object... args) {
    // The first call of a script on a connection sends its source: an EVALSHA that met NOSCRIPT would be retried
    // after later commands of the same sender, out of their order.
    RedisConnection c = commands;
    synchronized (scriptsSent) {
      if (c != scriptsSentOn) {
        scriptsSent.clear();
        scriptsSentOn = c;
      }
      if (scriptsSent.add(script.sha())) {
        return send(scriptRequest(Command.EVAL, script.source(), keys, args));
      }
    }
    return send(scriptRequest(Command.EVALSHA, script.sha(), keys, args)).recover(e -> {
      if (e.getMessage() != null && e.getMessage().startsWith("NOSCRIPT")) {
        return send(scriptRequest(Command.EVAL, script.source(), keys, args));
      }
      return Future.failedFuture(e);
    });
  }

  /**
   * Runs a script that writes, and completes once the configured number of replicas have its writes ({@code WAIT},
   * one for every write answered meanwhile). Without replicas to wait for, the same as {@link #eval}.
   *
   * @param script the script
   * @param keys its keys
   * @param args its arguments
   * @return its reply; fails with {@code unavailable} when the replicas did not confirm in time
   */
  Future<Response> evalDurable(RedisScripts.Script script, List<String> keys, Object... args) {
    if (!replicas.enabled()) {
      return eval(script, keys, args);
    }
    if (cluster()) {
      return evalAndWait(script, keys, args);
    }
    RedisConnection c = commands;
    return eval(script, keys, args).compose(r -> replicas.confirm(c, this::sendOn).map(r));
  }

  /**
   * In a Redis Cluster a keyless {@code WAIT} would go to any shard, so it travels in one batch with the script,
   * which the client sends to the shard of the script's keys, on one connection.
   */
  private Future<Response> evalAndWait(RedisScripts.Script script, List<String> keys, Object... args) {
    return waitBatch(scriptRequest(Command.EVALSHA, script.sha(), keys, args)).recover(e -> {
      // A batch reports the failed command's position first: "ERR [0] NOSCRIPT ...".
      if (e.getMessage() != null && e.getMessage().contains("NOSCRIPT")) {
        return waitBatch(scriptRequest(Command.EVAL, script.source(), keys, args));
      }
      return Future.failedFuture(e);
    });
  }

  private Future<Response> waitBatch(Request write) {
    RedisConnection c = commands;
    Progress p = progress;
    if (c == null) {
      return Future.failedFuture(unavailable(null));
    }
    int n = endpoints.waitReplicas();
    p.sent();
    commandsSent.add(2);
    return c.batch(List.of(write, Request.cmd(Command.WAIT).arg(n).arg(endpoints.waitTimeoutMs()))).transform(ar -> {
      p.answered();
      if (ar.failed()) {
        commandsFailed.increment();
        return Future.failedFuture(isRedisError(ar.cause()) ? ar.cause() : unavailable(ar.cause()));
      }
      long got = ar.result().get(1) == null ? 0 : ar.result().get(1).toLong();
      if (got < n) {
        return Future.failedFuture(new ProtocolException(ErrorCode.UNAVAILABLE, "the event was written but only "
            + got + " of " + n + " Redis replica(s) confirmed it within " + endpoints.waitTimeoutMs()
            + " ms, so it may not survive a failover; it was not acknowledged"));
      }
      return Future.succeededFuture(ar.result().get(0));
    });
  }

  /** Sends a command only if the commands connection is still {@code expected}. */
  private Future<Response> sendOn(RedisConnection expected, Request request) {
    if (expected == null || commands != expected) {
      return Future.failedFuture(unavailable(null));
    }
    return send(request);
  }

  private static Request scriptRequest(Command command, String script, List<String> keys, Object... args) {
    Request r = Request.cmd(command).arg(script).arg(keys.size());
    for (String k : keys) {
      r.arg(k);
    }
    for (Object a : args) {
      if (a instanceof byte[] b) {
        r.arg(b);
      } else if (a instanceof Long l) {
        r.arg(l);
      } else if (a instanceof Integer i) {
        r.arg(i);
      } else {
        r.arg(String.valueOf(a));
      }
    }
    return r;
  }

  /** @return whether Redis answered with an error (the client reports a closed connection with the same type) */
  static boolean isRedisError(Throwable e) {
    return e != null && e.getClass().getName().equals("io.vertx.redis.client.impl.types.ErrorType")
        && !"CONNECTION_CLOSED".equals(e.getMessage());
  }

  static ProtocolException unavailable(Throwable cause) {
    return new ProtocolException(ErrorCode.UNAVAILABLE, "the cluster store (Redis) cannot be reached right now"
        + (cause == null || cause.getMessage() == null ? "" : " (" + cause.getMessage() + ")") + "; retry later");
  }

  // ------------------------------------------------------------------ subscriptions

  /**
   * Wants a pub/sub channel: subscribes now if connected, and again after every reconnect.
   *
   * @param channel the channel
   */
  void subscribe(String channel) {
    synchronized (wanted) {
      if (wanted.containsKey(channel)) {
        return;
      }
      wanted.put(channel, new Subscription());
      if (pubsub != null) {
        sendSubscribe(List.of(channel));
      }
    }
  }

  /**
   * No longer wants a pub/sub channel.
   *
   * @param channel the channel
   */
  void unsubscribe(String channel) {
    Subscription s;
    synchronized (wanted) {
      s = wanted.remove(channel);
      if (s == null) {
        return;
      }
      if (pubsub != null) {
        pubsub.send(Request.cmd(cluster() ? Command.SUNSUBSCRIBE : Command.UNSUBSCRIBE).arg(channel));
      }
    }
    s.waiters.forEach(Promise::tryComplete);
  }

  /** @return whether the channel is wanted (its messages are for this node) */
  boolean wants(String channel) {
    synchronized (wanted) {
      return wanted.containsKey(channel);
    }
  }

  /**
   * @param channel a channel
   * @return completes when Redis confirmed the subscription (at once when the channel is not wanted); fails when
   *     the link is down
   */
  Future<Void> whenSubscribed(String channel) {
    synchronized (wanted) {
      Subscription s = wanted.get(channel);
      if (s == null || s.active) {
        return Future.succeededFuture();
      }
      if (state == State.DOWN || state == State.CLOSED) {
        return Future.failedFuture(unavailable(null));
      }
      Promise<Void> p = Promise.promise();
      s.waiters.add(p);
      return p.future();
    }
  }

  /** Holds the lock on {@code wanted}. */
  private void sendSubscribe(List<String> channels) {
    if (channels.isEmpty()) {
      return;
    }
    if (cluster()) {
      // One channel per command: each goes to the shard that owns its slot.
      for (String c : channels) {
        unconfirmed.merge(c, 1, Integer::sum);
        pubsub.send(Request.cmd(Command.SSUBSCRIBE).arg(c));
      }
      return;
    }
    Request r = Request.cmd(Command.SUBSCRIBE);
    for (String c : channels) {
      r.arg(c);
      unconfirmed.merge(c, 1, Integer::sum);
    }
    pubsub.send(r);
  }

  private void confirmed(String channel) {
    List<Promise<Void>> done = null;
    synchronized (wanted) {
      Integer n = unconfirmed.get(channel);
      if (n == null) {
        return;
      }
      if (n > 1) {
        unconfirmed.put(channel, n - 1);
        return;
      }
      unconfirmed.remove(channel);
      Subscription s = wanted.get(channel);
      if (s != null) {
        s.active = true;
        done = s.waiters;
        s.waiters = new ArrayList<>();
      }
    }
    if (done != null) {
      done.forEach(Promise::tryComplete);
    }
  }

  // ------------------------------------------------------------------ connecting

  private void connect() {
    if (state == State.CLOSED) {
      return;
    }
    int gen = ++generation;
    Redis c;
    Future<RedisConnection> first;
    try {
      c = Redis.createClient(vertx, redisOptions);
      first = c.connect().timeout(commandTimeoutMs, TimeUnit.MILLISECONDS);
    } catch (RuntimeException e) {
      broken(gen, e.toString());
      firstAttempt.tryComplete();
      return;
    }
    client = c;
    first.compose(cmd -> {
      if (gen != generation) {
        c.close();
        return Future.failedFuture("superseded");
      }
      cmd.exceptionHandler(e -> broken(gen, "commands connection: " + e.getMessage()));
      cmd.endHandler(v -> broken(gen, "commands connection closed"));
      Future<RedisConnection> checked;
      if (cluster()) {
        // Each shard's primary reads its own replication id inside the scripts.
        replicationId = "*";
        checked = Future.succeededFuture(cmd);
      } else {
        checked = cmd.send(Request.cmd(Command.INFO).arg("replication"))
            .timeout(commandTimeoutMs, TimeUnit.MILLISECONDS)
            .compose(info -> {
              String role = infoField(info.toString(), "role");
              if (!"master".equals(role)) {
                return Future.failedFuture("Redis at " + where + " is a " + role + ", not a primary");
              }
              replicationId = endpoints.mode() == RedisEndpoints.Mode.STANDALONE ? ""
                  : infoField(info.toString(), "master_replid");
              return Future.succeededFuture(cmd);
            });
      }
      return checked.compose(x -> cmd.send(Request.cmd(Command.EXISTS).arg(RedisKeys.OLD_LAYOUT_NODES))
          .timeout(commandTimeoutMs, TimeUnit.MILLISECONDS)
          .compose(old -> {
            if (old != null && old.toLong() > 0) {
              String why = "Redis at " + where + " holds keys of an earlier layout (" + RedisKeys.OLD_LAYOUT_NODES
                  + "): nodes of an earlier version use it. Stop every one of them, then delete their keys"
                  + " (redis-cli --scan --pattern 'ws:*' | grep -v '{' | xargs -r redis-cli del) or point this"
                  + " node at another Redis; history kept in the old keys is not carried over";
              if (!firstAttempt.future().isComplete()) {
                firstAttempt.tryFail(new IllegalStateException(why));
                close();
                return Future.failedFuture(why);
              }
              LOG.error(why);
            }
            return Future.succeededFuture(cmd);
          }));
    }).compose(cmd -> {
      if (gen != generation) {
        c.close();
        return Future.failedFuture("superseded");
      }
      return c.connect().timeout(commandTimeoutMs, TimeUnit.MILLISECONDS).map(sub -> {
        if (gen != generation) {
          c.close();
          throw new IllegalStateException("superseded");
        }
        sub.handler(r -> onPush(gen, r));
        sub.exceptionHandler(e -> broken(gen, "pub/sub connection: " + e.getMessage()));
        sub.endHandler(v -> broken(gen, "pub/sub connection closed"));
        List<Future<Void>> subscribed = new ArrayList<>();
        synchronized (wanted) {
          progress = new Progress();
          commands = cmd;
          pubsub = sub;
          upSince = System.currentTimeMillis();
          state = State.RECOVERING;
          List<String> all = new ArrayList<>(wanted.keySet());
          for (int i = 0; i < all.size(); i += 1000) {
            sendSubscribe(all.subList(i, Math.min(all.size(), i + 1000)));
          }
          for (String ch : all) {
            Subscription s = wanted.get(ch);
            Promise<Void> p = Promise.promise();
            s.waiters.add(p);
            subscribed.add(p.future());
          }
        }
        return subscribed;
      });
    }).compose(subscribed -> Future.all(subscribed).timeout(commandTimeoutMs, TimeUnit.MILLISECONDS))
        .compose(v -> {
          pingSeen = pingSent;
          List<Future<Void>> catchUp = new ArrayList<>();
          for (Listener l : listeners) {
            catchUp.add(l.onRecovered());
          }
          return Future.all(catchUp);
        })
        .onComplete(ar -> {
          if (gen != generation || state == State.CLOSED) {
            return;
          }
          if (ar.succeeded()) {
            attempt = 0;
            state = State.READY;
            if (everReady) {
              reconnects.incrementAndGet();
            }
            everReady = true;
            LOG.info("connected to Redis, {}, {} pub/sub channels", where, wantedCount());
            firstAttempt.tryComplete();
          } else {
            broken(gen, ar.cause().getMessage());
            firstAttempt.tryComplete();
          }
        });
  }

  private static String infoField(String info, String name) {
    for (String line : info.split("\r?\n")) {
      if (line.startsWith(name + ":")) {
        return line.substring(name.length() + 1).trim();
      }
    }
    return "";
  }

  private int wantedCount() {
    synchronized (wanted) {
      return wanted.size();
    }
  }

  /** The link failed: drop both connections and try again after a jittered, capped delay. */
  private void broken(int gen, String why) {
    runOnContext(() -> {
      if (gen != generation || state == State.CLOSED) {
        return;
      }
      generation++;
      boolean wasUp = state != State.DOWN;
      teardown();
      long cap = Math.min(maxDelayMs, FIRST_DELAY_MS << Math.min(attempt, 20));
      long delay = ThreadLocalRandom.current().nextLong(Math.max(1, cap) + 1);
      attempt++;
      if (wasUp || attempt == 1) {
        LOG.warn("Redis link lost ({}); reconnecting", why);
      } else {
        LOG.debug("Redis still unreachable ({}); next attempt in {} ms", why, delay);
      }
      vertx.setTimer(Math.max(1, delay), t -> connect());
    });
  }

  private void teardown() {
    List<Promise<Void>> failed = new ArrayList<>();
    synchronized (wanted) {
      state = state == State.CLOSED ? State.CLOSED : State.DOWN;
      commands = null;
      pubsub = null;
      replicas.reset();
      upSince = 0;
      unconfirmed.clear();
      for (Subscription s : wanted.values()) {
        s.active = false;
        failed.addAll(s.waiters);
        s.waiters = new ArrayList<>();
      }
    }
    ProtocolException down = unavailable(null);
    failed.forEach(p -> p.tryFail(down));
    // Closing the client closes both connections; closing a pub/sub connection by itself trips an assertion of
    // the client when its socket then ends.
    Redis c = client;
    client = null;
    if (c != null) {
      c.close();
    }
  }

  private void onPush(int gen, Response r) {
    if (gen != generation || r == null || (r.type() != ResponseType.PUSH && r.type() != ResponseType.MULTI)
        || r.size() < 3) {
      return;
    }
    String kind = r.get(0).toString();
    if ("message".equals(kind) || "smessage".equals(kind)) {
      String channel = r.get(1).toString();
      byte[] message = r.get(2).toBytes();
      if (channel.equals(controlChannel) && isPing(message)) {
        pingSeen = Long.parseLong(new String(message, 7, message.length - 7, StandardCharsets.US_ASCII));
        return;
      }
      for (Listener l : listeners) {
        try {
          l.onMessage(channel, message);
        } catch (RuntimeException e) {
          LOG.error("pub/sub message on {} could not be handled", channel, e);
        }
      }
    } else if ("subscribe".equals(kind) || "ssubscribe".equals(kind)) {
      confirmed(r.get(1).toString());
    } else if ("sunsubscribe".equals(kind) && wants(r.get(1).toString())) {
      // Redis drops a shard channel's subscribers when its slot moves to another shard: start over, so that it is
      // subscribed again where the slot now is.
      broken(gen, "the slot of " + r.get(1) + " moved");
    }
  }

  private static boolean isPing(byte[] m) {
    return m.length > 7 && m[0] == 'C' && m[1] == '\t' && m[2] == 'p' && m[3] == 'i' && m[4] == 'n' && m[5] == 'g'
        && m[6] == '\t';
  }

  private void tick() {
    if (state == State.CLOSED || commands == null) {
      return;
    }
    if (progress.stalledFor() > commandTimeoutMs) {
      broken(generation, "Redis did not answer commands for " + progress.stalledFor() + " ms");
      return;
    }
    if (pingSeen < pingSent && System.currentTimeMillis() - pingSentAt > commandTimeoutMs) {
      broken(generation, "pub/sub ping " + pingSent + " did not come back within " + commandTimeoutMs + " ms");
      return;
    }
    if (pingSeen == pingSent && System.currentTimeMillis() - pingSentAt >= tickMs) {
      pingSent++;
      pingSentAt = System.currentTimeMillis();
      publish(controlChannel, "C\tping\t" + pingSent);
    }
    for (Listener l : listeners) {
      try {
        l.onTick();
      } catch (RuntimeException e) {
        LOG.error("heartbeat task failed", e);
      }
    }
  }

  private void runOnContext(Runnable r) {
    if (Vertx.currentContext() == context) {
      r.run();
    } else {
      context.runOnContext(v -> r.run());
    }
  }

  /**
   * Runs a task on the link's context.
   *
   * @param task the task
   */
  void execute(Runnable task) {
    runOnContext(task);
  }

  /**
   * Closes both connections for good.
   *
   * @return completes when closed
   */
  Future<Void> close() {
    Promise<Void> done = Promise.promise();
    if (context == null) {
      state = State.CLOSED;
      return Future.succeededFuture();
    }
    runOnContext(() -> {
      state = State.CLOSED;
      generation++;
      if (tickTimer >= 0) {
        vertx.cancelTimer(tickTimer);
      }
      teardown();
      firstAttempt.tryComplete();
      done.complete();
    });
    return done.future();
  }
}
