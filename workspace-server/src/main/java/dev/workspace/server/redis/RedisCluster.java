package dev.workspace.server.redis;

import dev.workspace.model.FrameCodec;
import dev.workspace.server.ServerOptions;
import io.vertx.core.Vertx;
import java.util.regex.Pattern;

/**
 * What a node needs to join a cluster through Redis: a {@link RedisBroker} and a {@link RedisDirectory} sharing
 * one link (a commands connection and a pub/sub connection, reconnected together). Start the broker first (it
 * starts the link); close the directory last (it closes the link).
 */
public final class RedisCluster {
  private static final Pattern NODE_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");

  private final RedisBroker broker;
  private final RedisDirectory directory;
  private final RedisRunTracker runs;
  private final RedisLink link;

  private RedisCluster(RedisLink link, RedisBroker broker, RedisDirectory directory, RedisRunTracker runs) {
    this.link = link;
    this.broker = broker;
    this.directory = directory;
    this.runs = runs;
  }

  /**
   * Adds the link's meters: commands, failures, reconnects, its state, and the publish latency.
   *
   * @param metrics the node's metrics
   */
  public void meter(dev.workspace.server.edge.ServerMetrics metrics) {
    metrics.functionCounter("workspace.redis.commands", "commands this node sent to Redis", link,
        l -> l.commandsSent());
    metrics.functionCounter("workspace.redis.command.failures",
        "commands to Redis that failed: an error reply or no answer", link, l -> l.commandsFailed());
    metrics.functionCounter("workspace.redis.reconnects",
        "times the link to Redis was ready again after it had been lost", link, l -> l.reconnects());
    for (RedisLink.State s : RedisLink.State.values()) {
      String name = s.name().toLowerCase(java.util.Locale.ROOT);
      metrics.gauge("workspace.redis.link", io.micrometer.core.instrument.Tags.of("state", name),
          "1 for the state the link to Redis is in (down, recovering, ready, closed), 0 for the others", link,
          l -> l.state() == s ? 1 : 0);
    }
    io.micrometer.core.instrument.Timer publish = metrics.latency("workspace.redis.publish.latency",
        "time from sending an event's publish script to Redis's answer (after the replicas confirmed it, when"
            + " waited for)");
    broker.publishLatency(nanos -> publish.record(nanos, java.util.concurrent.TimeUnit.NANOSECONDS));
  }

  /**
   * @param vertx the node's Vert.x instance
   * @param options the node's options: {@code redisUri}, history sizes, inbox retention and the cluster timings
   * @param nodeId this node's id: 1-64 characters of {@code A-Z a-z 0-9 _ - .}
   * @param codec the frame codec
   * @return the broker and directory of the node
   * @throws IllegalArgumentException when the Redis URI, the node id or the timings are not usable
   */
  public static RedisCluster create(Vertx vertx, ServerOptions options, String nodeId, FrameCodec codec) {
    if (!NODE_ID.matcher(nodeId).matches()) {
      throw new IllegalArgumentException("a cluster node id is 1-64 characters of A-Z a-z 0-9 _ - ., was '" + nodeId + "'");
    }
    RedisEndpoints endpoints = RedisEndpoints.parse(options.getRedisUri());
    long tick = options.getClusterHeartbeatInterval().toMillis();
    long timeout = options.getClusterNodeTimeout().toMillis();
    if (timeout <= tick) {
      throw new IllegalArgumentException("clusterNodeTimeout (" + timeout + " ms) must be longer than"
          + " clusterHeartbeatInterval (" + tick + " ms)");
    }
    RedisLink link = new RedisLink(vertx, endpoints, nodeId, options.getRedisCommandTimeout().toMillis(),
        options.getRedisReconnectMaxDelay().toMillis(), tick);
    RedisDirectory directory = new RedisDirectory(link, codec.mapper(), nodeId,
        options.getInboxRetention().toMillis(), tick, timeout);
    RedisBroker broker = new RedisBroker(link, codec, nodeId, options.getHistorySize(), options.getInboxSize());
    link.listen(directory);
    link.listen(broker);
    return new RedisCluster(link, broker, directory, new RedisRunTracker(link, codec, options.getRunLimits()));
  }

  /** @return the broker */
  public RedisBroker broker() {
    return broker;
  }

  /** @return the run tracker */
  public RedisRunTracker runs() {
    return runs;
  }

  /** @return the directory */
  public RedisDirectory directory() {
    return directory;
  }
}
