package dev.workspace.server;

import dev.workspace.server.config.Setting;
import java.time.Duration;

/** A node's identity and, with a Redis URI, how it takes part in a cluster. Setters check their argument and return {@code this}. */
public final class ClusterOptions {
  /** Default time between a cluster node's heartbeats. */
  public static final Duration DEFAULT_CLUSTER_HEARTBEAT_INTERVAL = Duration.ofSeconds(3);
  /** Default time after its last heartbeat when a node counts as dead and its agents are reported gone. */
  public static final Duration DEFAULT_CLUSTER_NODE_TIMEOUT = Duration.ofSeconds(10);
  /** Default time a Redis command may take before the connection is considered broken. */
  public static final Duration DEFAULT_REDIS_COMMAND_TIMEOUT = Duration.ofSeconds(5);
  /** Default largest delay between two attempts to reconnect to Redis. */
  public static final Duration DEFAULT_REDIS_RECONNECT_MAX_DELAY = Duration.ofSeconds(2);

  private String nodeId;
  private String redisUri;
  private Duration clusterHeartbeatInterval = DEFAULT_CLUSTER_HEARTBEAT_INTERVAL;
  private Duration clusterNodeTimeout = DEFAULT_CLUSTER_NODE_TIMEOUT;
  private Duration redisCommandTimeout = DEFAULT_REDIS_COMMAND_TIMEOUT;
  private Duration redisReconnectMaxDelay = DEFAULT_REDIS_RECONNECT_MAX_DELAY;

  /** Options with every default. */
  public ClusterOptions() {
  }

  /** @param other the options to copy */
  public ClusterOptions(ClusterOptions other) {
    this.nodeId = other.nodeId;
    this.redisUri = other.redisUri;
    this.clusterHeartbeatInterval = other.clusterHeartbeatInterval;
    this.clusterNodeTimeout = other.clusterNodeTimeout;
    this.redisCommandTimeout = other.redisCommandTimeout;
    this.redisReconnectMaxDelay = other.redisReconnectMaxDelay;
  }

  /** @return this node's id in discovery and logs; {@code null} means a random one */
  public String getNodeId() {
    return nodeId;
  }

  /** @param nodeId this node's id, or {@code null} for a random one */
  @Setting(name = "node-id", defaultText = "random", description = "this node's id in discovery, metrics and logs; unique in a cluster")
  public ClusterOptions setNodeId(String nodeId) {
    this.nodeId = nodeId == null || nodeId.isBlank() ? null : nodeId;
    return this;
  }

  /** @return the Redis URI that joins this node to a cluster, or {@code null} to run alone in memory */
  public String getRedisUri() {
    return redisUri;
  }

  /**
   * @param redisUri {@code redis://host:port}, {@code redis-sentinel://host:port,host:port?master=name}, or
   *     {@code null} to run alone in memory
   */
  @Setting(name = "redis-uri", aliases = "--redis", uriWithPassword = true, defaultText = "none: one node, in-memory state",
      description = "the Redis that joins nodes into a cluster: redis://[user:password@]host:port for one instance,"
          + " redis-sentinel://[:password@]host:port,host:port?master=name for a primary under Sentinel,"
          + " redis://host:port,redis://host:port (several seeds) for a Redis Cluster; parameters wait_replicas"
          + " (default 1 with Sentinel and Cluster, else 0) and wait_timeout_ms (default 500)")
  public ClusterOptions setRedisUri(String redisUri) {
    this.redisUri = redisUri == null || redisUri.isBlank() ? null : redisUri;
    return this;
  }

  /**
   * @return time between a cluster node's heartbeats, which is also how often it looks for dead nodes and checks
   *     its pub/sub connection; default 3 s
   */
  public Duration getClusterHeartbeatInterval() {
    return clusterHeartbeatInterval;
  }

  /** @param clusterHeartbeatInterval time between a cluster node's heartbeats, positive */
  @Setting(name = "cluster-heartbeat-interval",
      description = "time between a node's heartbeats, also how often it looks for dead nodes")
  public ClusterOptions setClusterHeartbeatInterval(Duration clusterHeartbeatInterval) {
    this.clusterHeartbeatInterval = Checks.positive("clusterHeartbeatInterval", clusterHeartbeatInterval);
    return this;
  }

  /**
   * @return time after its last heartbeat when a node counts as dead; its agents are reported gone within this
   *     plus one heartbeat interval; default 10 s. Must be longer than the heartbeat interval.
   */
  public Duration getClusterNodeTimeout() {
    return clusterNodeTimeout;
  }

  /** @param clusterNodeTimeout time after its last heartbeat when a node counts as dead, positive */
  @Setting(name = "cluster-node-timeout",
      description = "time after its last heartbeat when a node counts as dead and its agents are reported gone")
  public ClusterOptions setClusterNodeTimeout(Duration clusterNodeTimeout) {
    this.clusterNodeTimeout = Checks.positive("clusterNodeTimeout", clusterNodeTimeout);
    return this;
  }

  /** @return time a Redis command may take before the connection is considered broken; default 5 s */
  public Duration getRedisCommandTimeout() {
    return redisCommandTimeout;
  }

  /** @param redisCommandTimeout time a Redis command may take before the connection is considered broken, positive */
  @Setting(name = "redis-command-timeout", description = "time a Redis command may take before the link counts as broken")
  public ClusterOptions setRedisCommandTimeout(Duration redisCommandTimeout) {
    this.redisCommandTimeout = Checks.positive("redisCommandTimeout", redisCommandTimeout);
    return this;
  }

  /**
   * @return largest delay between two attempts to reconnect to Redis (the delay doubles from 100 ms up to it, and
   *     each attempt waits a random time below it); default 2 s
   */
  public Duration getRedisReconnectMaxDelay() {
    return redisReconnectMaxDelay;
  }

  /** @param redisReconnectMaxDelay largest delay between two attempts to reconnect to Redis, positive */
  @Setting(name = "redis-reconnect-max-delay", description = "largest delay between two attempts to reconnect to Redis")
  public ClusterOptions setRedisReconnectMaxDelay(Duration redisReconnectMaxDelay) {
    this.redisReconnectMaxDelay = Checks.positive("redisReconnectMaxDelay", redisReconnectMaxDelay);
    return this;
  }
}
