package dev.workspace.server;

import java.time.Duration;
import java.util.Objects;

/**
 * Settings of a workspace server node. Setters check their argument and return {@code this}.
 */
public final class ServerOptions {
  /** Default listening port. */
  public static final int DEFAULT_PORT = 8700;
  /** Default listening address: loopback, since the default authentication mode is none. */
  public static final String DEFAULT_HOST = "127.0.0.1";
  /** Default channel history kept per channel, in events. */
  public static final int DEFAULT_HISTORY_SIZE = 1000;
  /** Default events kept per agent inbox and per workspace broadcast stream. */
  public static final int DEFAULT_INBOX_SIZE = 1000;
  /** Default history page size when a request names none. */
  public static final int DEFAULT_HISTORY_PAGE = 100;
  /** Largest history page a request may ask for. */
  public static final int MAX_HISTORY_PAGE = 500;
  /** Default interval between server pings. */
  public static final Duration DEFAULT_PING_INTERVAL = Duration.ofSeconds(25);
  /** Default time a client has to answer a ping. */
  public static final Duration DEFAULT_PING_TIMEOUT = Duration.ofSeconds(10);
  /** Default time a connection has to send an accepted {@code connect}. */
  public static final Duration DEFAULT_HANDSHAKE_TIMEOUT = Duration.ofSeconds(10);
  /** Default largest WebSocket frame, in bytes. */
  public static final int DEFAULT_MAX_FRAME_SIZE = 64 * 1024;
  /** Default largest WebSocket message, in bytes. */
  public static final int DEFAULT_MAX_MESSAGE_SIZE = 256 * 1024;
  /** Default deepest JSON nesting of a frame. */
  public static final int DEFAULT_MAX_JSON_DEPTH = 32;
  /** Default most subscription patterns per connection. */
  public static final int DEFAULT_MAX_SUBSCRIPTIONS = 128;
  /** Default bound of a connection's outbound queue, in bytes. */
  public static final int DEFAULT_OUTBOUND_QUEUE_BYTES = 1024 * 1024;
  /** Default time an agent's inbox is kept after it disconnects, for recovery. */
  public static final Duration DEFAULT_INBOX_RETENTION = Duration.ofMinutes(5);

  private int port = DEFAULT_PORT;
  private String host = DEFAULT_HOST;
  private int instances = Math.max(1, Runtime.getRuntime().availableProcessors());
  private String nodeId;
  private String redisUri;
  private int historySize = DEFAULT_HISTORY_SIZE;
  private int inboxSize = DEFAULT_INBOX_SIZE;
  private Duration inboxRetention = DEFAULT_INBOX_RETENTION;
  private Duration pingInterval = DEFAULT_PING_INTERVAL;
  private Duration pingTimeout = DEFAULT_PING_TIMEOUT;
  private Duration handshakeTimeout = DEFAULT_HANDSHAKE_TIMEOUT;
  private int maxFrameSize = DEFAULT_MAX_FRAME_SIZE;
  private int maxMessageSize = DEFAULT_MAX_MESSAGE_SIZE;
  private int maxJsonDepth = DEFAULT_MAX_JSON_DEPTH;
  private int maxSubscriptions = DEFAULT_MAX_SUBSCRIPTIONS;
  private int outboundQueueBytes = DEFAULT_OUTBOUND_QUEUE_BYTES;

  /** Options with every default. */
  public ServerOptions() {
  }

  /**
   * Copies options.
   *
   * @param other the options to copy
   */
  public ServerOptions(ServerOptions other) {
    this.port = other.port;
    this.host = other.host;
    this.instances = other.instances;
    this.nodeId = other.nodeId;
    this.redisUri = other.redisUri;
    this.historySize = other.historySize;
    this.inboxSize = other.inboxSize;
    this.inboxRetention = other.inboxRetention;
    this.pingInterval = other.pingInterval;
    this.pingTimeout = other.pingTimeout;
    this.handshakeTimeout = other.handshakeTimeout;
    this.maxFrameSize = other.maxFrameSize;
    this.maxMessageSize = other.maxMessageSize;
    this.maxJsonDepth = other.maxJsonDepth;
    this.maxSubscriptions = other.maxSubscriptions;
    this.outboundQueueBytes = other.outboundQueueBytes;
    this.clusterHeartbeatInterval = other.clusterHeartbeatInterval;
    this.clusterNodeTimeout = other.clusterNodeTimeout;
    this.redisCommandTimeout = other.redisCommandTimeout;
    this.redisReconnectMaxDelay = other.redisReconnectMaxDelay;
    this.authMode = other.authMode;
    this.jwtAlgorithm = other.jwtAlgorithm;
    this.jwtSecret = other.jwtSecret;
    this.jwtPublicKey = other.jwtPublicKey;
    this.allowedOrigins = other.allowedOrigins;
    this.maxFramesPerSecond = other.maxFramesPerSecond;
    this.frameBurst = other.frameBurst;
    this.maxErrorsInRow = other.maxErrorsInRow;
    this.maxRestBodySize = other.maxRestBodySize;
    this.maxPatternLength = other.maxPatternLength;
    this.maxPatternSegments = other.maxPatternSegments;
    this.maxChannelsPerConnection = other.maxChannelsPerConnection;
    this.mcp = new dev.workspace.server.mcp.McpOptions(other.mcp);
  }

  /** @return the listening port (0 picks a free one); default {@value #DEFAULT_PORT} */
  public int getPort() {
    return port;
  }

  /** @param port the listening port, 0 to 65535 (0 picks a free one) */
  public ServerOptions setPort(int port) {
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port must be 0-65535, was " + port);
    }
    this.port = port;
    return this;
  }

  /** @return the listening address; default {@value #DEFAULT_HOST} */
  public String getHost() {
    return host;
  }

  /** @param host the listening address */
  public ServerOptions setHost(String host) {
    this.host = Objects.requireNonNull(host, "host");
    return this;
  }

  /** @return server verticle instances, one per event loop; default the number of processors */
  public int getInstances() {
    return instances;
  }

  /** @param instances server verticle instances, at least 1 */
  public ServerOptions setInstances(int instances) {
    this.instances = positive("instances", instances);
    return this;
  }

  /** @return this node's id in discovery and logs; {@code null} means a random one */
  public String getNodeId() {
    return nodeId;
  }

  /** @param nodeId this node's id, or {@code null} for a random one */
  public ServerOptions setNodeId(String nodeId) {
    this.nodeId = nodeId;
    return this;
  }

  /** @return the Redis URI that joins this node to a cluster, or {@code null} to run alone in memory */
  public String getRedisUri() {
    return redisUri;
  }

  /** @param redisUri {@code redis://host:port}, or {@code null} to run alone in memory */
  public ServerOptions setRedisUri(String redisUri) {
    this.redisUri = redisUri == null || redisUri.isBlank() ? null : redisUri;
    return this;
  }

  /** @return events kept per channel; default {@value #DEFAULT_HISTORY_SIZE} */
  public int getHistorySize() {
    return historySize;
  }

  /** @param historySize events kept per channel, at least 1 */
  public ServerOptions setHistorySize(int historySize) {
    this.historySize = positive("historySize", historySize);
    return this;
  }

  /** @return events kept per agent inbox and broadcast stream; default {@value #DEFAULT_INBOX_SIZE} */
  public int getInboxSize() {
    return inboxSize;
  }

  /** @param inboxSize events kept per agent inbox and broadcast stream, at least 1 */
  public ServerOptions setInboxSize(int inboxSize) {
    this.inboxSize = positive("inboxSize", inboxSize);
    return this;
  }

  /** @return how long an agent's inbox is kept after it disconnects; default 5 minutes */
  public Duration getInboxRetention() {
    return inboxRetention;
  }

  /** @param inboxRetention how long an agent's inbox is kept after it disconnects, not negative */
  public ServerOptions setInboxRetention(Duration inboxRetention) {
    this.inboxRetention = notNegative("inboxRetention", inboxRetention);
    return this;
  }

  /** @return time between server pings; default 25 s */
  public Duration getPingInterval() {
    return pingInterval;
  }

  /** @param pingInterval time between server pings, positive */
  public ServerOptions setPingInterval(Duration pingInterval) {
    this.pingInterval = positive("pingInterval", pingInterval);
    return this;
  }

  /** @return time a client has to answer a ping; default 10 s */
  public Duration getPingTimeout() {
    return pingTimeout;
  }

  /** @param pingTimeout time a client has to answer a ping, positive */
  public ServerOptions setPingTimeout(Duration pingTimeout) {
    this.pingTimeout = positive("pingTimeout", pingTimeout);
    return this;
  }

  /** @return time a connection has to send an accepted {@code connect}; default 10 s */
  public Duration getHandshakeTimeout() {
    return handshakeTimeout;
  }

  /** @param handshakeTimeout time a connection has to send an accepted {@code connect}, positive */
  public ServerOptions setHandshakeTimeout(Duration handshakeTimeout) {
    this.handshakeTimeout = positive("handshakeTimeout", handshakeTimeout);
    return this;
  }

  /** @return largest WebSocket frame in bytes; default 64 KiB */
  public int getMaxFrameSize() {
    return maxFrameSize;
  }

  /** @param maxFrameSize largest WebSocket frame in bytes, at least 1024 */
  public ServerOptions setMaxFrameSize(int maxFrameSize) {
    this.maxFrameSize = atLeast("maxFrameSize", maxFrameSize, 1024);
    return this;
  }

  /** @return largest WebSocket message in bytes; default 256 KiB */
  public int getMaxMessageSize() {
    return maxMessageSize;
  }

  /** @param maxMessageSize largest WebSocket message in bytes, at least 1024 */
  public ServerOptions setMaxMessageSize(int maxMessageSize) {
    this.maxMessageSize = atLeast("maxMessageSize", maxMessageSize, 1024);
    return this;
  }

  /** @return deepest JSON nesting of a frame; default {@value #DEFAULT_MAX_JSON_DEPTH} */
  public int getMaxJsonDepth() {
    return maxJsonDepth;
  }

  /** @param maxJsonDepth deepest JSON nesting of a frame, at least 4 */
  public ServerOptions setMaxJsonDepth(int maxJsonDepth) {
    this.maxJsonDepth = atLeast("maxJsonDepth", maxJsonDepth, 4);
    return this;
  }

  /** @return most subscription patterns per connection; default {@value #DEFAULT_MAX_SUBSCRIPTIONS} */
  public int getMaxSubscriptions() {
    return maxSubscriptions;
  }

  /** @param maxSubscriptions most subscription patterns per connection, at least 1 */
  public ServerOptions setMaxSubscriptions(int maxSubscriptions) {
    this.maxSubscriptions = positive("maxSubscriptions", maxSubscriptions);
    return this;
  }

  /** @return bound of a connection's outbound queue in bytes; default 1 MiB */
  public int getOutboundQueueBytes() {
    return outboundQueueBytes;
  }

  /** @param outboundQueueBytes bound of a connection's outbound queue in bytes, at least 4096 */
  public ServerOptions setOutboundQueueBytes(int outboundQueueBytes) {
    this.outboundQueueBytes = atLeast("outboundQueueBytes", outboundQueueBytes, 4096);
    return this;
  }

  // ------------------------------------------------------------------ cluster (with a Redis URI)

  /** Default time between a cluster node's heartbeats. */
  public static final Duration DEFAULT_CLUSTER_HEARTBEAT_INTERVAL = Duration.ofSeconds(3);
  /** Default time after its last heartbeat when a node counts as dead and its agents are reported gone. */
  public static final Duration DEFAULT_CLUSTER_NODE_TIMEOUT = Duration.ofSeconds(10);
  /** Default time a Redis command may take before the connection is considered broken. */
  public static final Duration DEFAULT_REDIS_COMMAND_TIMEOUT = Duration.ofSeconds(5);
  /** Default largest delay between two attempts to reconnect to Redis. */
  public static final Duration DEFAULT_REDIS_RECONNECT_MAX_DELAY = Duration.ofSeconds(2);

  private Duration clusterHeartbeatInterval = DEFAULT_CLUSTER_HEARTBEAT_INTERVAL;
  private Duration clusterNodeTimeout = DEFAULT_CLUSTER_NODE_TIMEOUT;
  private Duration redisCommandTimeout = DEFAULT_REDIS_COMMAND_TIMEOUT;
  private Duration redisReconnectMaxDelay = DEFAULT_REDIS_RECONNECT_MAX_DELAY;

  /**
   * @return time between a cluster node's heartbeats, which is also how often it looks for dead nodes and checks
   *     its pub/sub connection; default 3 s
   */
  public Duration getClusterHeartbeatInterval() {
    return clusterHeartbeatInterval;
  }

  /** @param clusterHeartbeatInterval time between a cluster node's heartbeats, positive */
  public ServerOptions setClusterHeartbeatInterval(Duration clusterHeartbeatInterval) {
    this.clusterHeartbeatInterval = positive("clusterHeartbeatInterval", clusterHeartbeatInterval);
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
  public ServerOptions setClusterNodeTimeout(Duration clusterNodeTimeout) {
    this.clusterNodeTimeout = positive("clusterNodeTimeout", clusterNodeTimeout);
    return this;
  }

  /** @return time a Redis command may take before the connection is considered broken; default 5 s */
  public Duration getRedisCommandTimeout() {
    return redisCommandTimeout;
  }

  /** @param redisCommandTimeout time a Redis command may take before the connection is considered broken, positive */
  public ServerOptions setRedisCommandTimeout(Duration redisCommandTimeout) {
    this.redisCommandTimeout = positive("redisCommandTimeout", redisCommandTimeout);
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
  public ServerOptions setRedisReconnectMaxDelay(Duration redisReconnectMaxDelay) {
    this.redisReconnectMaxDelay = positive("redisReconnectMaxDelay", redisReconnectMaxDelay);
    return this;
  }

  // ------------------------------------------------------------------ authentication and abuse limits

  /** How connections prove who they are. */
  public enum AuthMode {
    /** No credentials: a client names itself. For a single node on loopback; the server warns at start. */
    NONE,
    /** A signed token (JWT) names the agent, its workspace, its expiry and the channels it may use. */
    TOKEN
  }

  /** Algorithms a server can pin for tokens: HMAC with a shared secret, RSA or EC with a public key. */
  public static final java.util.Set<String> JWT_ALGORITHMS = java.util.Set.of("HS256", "HS384", "HS512", "RS256",
      "RS384", "RS512", "ES256", "ES384", "ES512");
  /** Default token algorithm. */
  public static final String DEFAULT_JWT_ALGORITHM = "HS256";
  /** Shortest HMAC secret accepted, in bytes (RFC 7518: at least the hash size). */
  public static final int MIN_JWT_SECRET_BYTES = 32;
  /** Default sustained frames per second a connection may send; 0 means no limit. */
  public static final int DEFAULT_MAX_FRAMES_PER_SECOND = 5000;
  /** Default burst of frames a connection may send above the sustained rate. */
  public static final int DEFAULT_FRAME_BURST = 10_000;
  /** Default client mistakes in a row after which a connection is closed with 4008. */
  public static final int DEFAULT_MAX_ERRORS_IN_ROW = 50;
  /** Default largest REST request body, in bytes. */
  public static final int DEFAULT_MAX_REST_BODY_SIZE = 256 * 1024;
  /** Default longest subscription pattern, in characters. */
  public static final int DEFAULT_MAX_PATTERN_LENGTH = 256;
  /** Default most segments in a subscription pattern. */
  public static final int DEFAULT_MAX_PATTERN_SEGMENTS = 16;
  /** Default most channels one connection may be a member of. */
  public static final int DEFAULT_MAX_CHANNELS_PER_CONNECTION = 128;

  private AuthMode authMode = AuthMode.NONE;
  private String jwtAlgorithm = DEFAULT_JWT_ALGORITHM;
  private String jwtSecret;
  private String jwtPublicKey;
  private java.util.List<String> allowedOrigins = java.util.List.of();
  private int maxFramesPerSecond = DEFAULT_MAX_FRAMES_PER_SECOND;
  private int frameBurst = DEFAULT_FRAME_BURST;
  private int maxErrorsInRow = DEFAULT_MAX_ERRORS_IN_ROW;
  private int maxRestBodySize = DEFAULT_MAX_REST_BODY_SIZE;
  private int maxPatternLength = DEFAULT_MAX_PATTERN_LENGTH;
  private int maxPatternSegments = DEFAULT_MAX_PATTERN_SEGMENTS;
  private int maxChannelsPerConnection = DEFAULT_MAX_CHANNELS_PER_CONNECTION;

  /** @return how connections authenticate; default {@link AuthMode#NONE} */
  public AuthMode getAuthMode() {
    return authMode;
  }

  /** @param authMode how connections authenticate */
  public ServerOptions setAuthMode(AuthMode authMode) {
    this.authMode = Objects.requireNonNull(authMode, "authMode");
    return this;
  }

  /** @return the one token algorithm the server accepts; default {@value #DEFAULT_JWT_ALGORITHM} */
  public String getJwtAlgorithm() {
    return jwtAlgorithm;
  }

  /**
   * @param jwtAlgorithm the one token algorithm to accept: HS256/384/512 (with {@link #setJwtSecret}), RS256/384/512
   *     or ES256/384/512 (with {@link #setJwtPublicKey}); tokens naming any other algorithm, {@code none} included,
   *     are refused
   */
  public ServerOptions setJwtAlgorithm(String jwtAlgorithm) {
    if (jwtAlgorithm == null || !JWT_ALGORITHMS.contains(jwtAlgorithm)) {
      throw new IllegalArgumentException("jwtAlgorithm must be one of " + new java.util.TreeSet<>(JWT_ALGORITHMS)
          + ", was " + jwtAlgorithm);
    }
    this.jwtAlgorithm = jwtAlgorithm;
    return this;
  }

  /** @return the HMAC secret tokens are signed with, or {@code null} */
  public String getJwtSecret() {
    return jwtSecret;
  }

  /** @param jwtSecret the HMAC secret for HS256/384/512 tokens, at least 32 bytes of UTF-8, or {@code null} */
  public ServerOptions setJwtSecret(String jwtSecret) {
    if (jwtSecret != null && jwtSecret.getBytes(java.nio.charset.StandardCharsets.UTF_8).length < MIN_JWT_SECRET_BYTES) {
      throw new IllegalArgumentException("the token secret must be at least " + MIN_JWT_SECRET_BYTES + " bytes");
    }
    this.jwtSecret = jwtSecret;
    return this;
  }

  /** @return the PEM public key RS/ES tokens are checked with, or {@code null} */
  public String getJwtPublicKey() {
    return jwtPublicKey;
  }

  /** @param jwtPublicKey a PEM {@code PUBLIC KEY} for RS256/384/512 or ES256/384/512 tokens, or {@code null} */
  public ServerOptions setJwtPublicKey(String jwtPublicKey) {
    if (jwtPublicKey != null && !jwtPublicKey.contains("-----BEGIN PUBLIC KEY-----")) {
      throw new IllegalArgumentException("the token public key must be a PEM PUBLIC KEY");
    }
    this.jwtPublicKey = jwtPublicKey;
    return this;
  }

  /**
   * @return the browser origins allowed besides the server's own; default empty: a request carrying an
   *     {@code Origin} header is allowed only when it is same-origin (its host and port are the request's
   *     {@code Host}); requests without an {@code Origin} (agents, tools) are always allowed
   */
  public java.util.List<String> getAllowedOrigins() {
    return allowedOrigins;
  }

  /**
   * @param allowedOrigins origins such as {@code https://app.example.com} or {@code http://localhost:3000}; a
   *     {@code *} inside an entry matches any run of characters ({@code https://*.example.com}); the entry
   *     {@code *} alone allows every origin
   */
  public ServerOptions setAllowedOrigins(java.util.List<String> allowedOrigins) {
    Objects.requireNonNull(allowedOrigins, "allowedOrigins");
    for (String o : allowedOrigins) {
      if (o == null || o.isBlank() || (!o.equals("*") && !o.contains("://"))) {
        throw new IllegalArgumentException("an allowed origin is '*' or scheme://host[:port], was '" + o + "'");
      }
    }
    this.allowedOrigins = java.util.List.copyOf(allowedOrigins);
    return this;
  }

  /** @return sustained frames per second a connection may send (0: no limit); default 5000 */
  public int getMaxFramesPerSecond() {
    return maxFramesPerSecond;
  }

  /** @param maxFramesPerSecond sustained frames per second a connection may send, 0 for no limit */
  public ServerOptions setMaxFramesPerSecond(int maxFramesPerSecond) {
    this.maxFramesPerSecond = atLeast("maxFramesPerSecond", maxFramesPerSecond, 0);
    return this;
  }

  /** @return frames a connection may send at once above the sustained rate; default 10,000 */
  public int getFrameBurst() {
    return frameBurst;
  }

  /** @param frameBurst frames a connection may send at once above the sustained rate, at least 1 */
  public ServerOptions setFrameBurst(int frameBurst) {
    this.frameBurst = positive("frameBurst", frameBurst);
    return this;
  }

  /** @return client mistakes in a row after which the connection is closed with 4008; default 50 */
  public int getMaxErrorsInRow() {
    return maxErrorsInRow;
  }

  /** @param maxErrorsInRow client mistakes in a row after which the connection is closed with 4008, at least 1 */
  public ServerOptions setMaxErrorsInRow(int maxErrorsInRow) {
    this.maxErrorsInRow = positive("maxErrorsInRow", maxErrorsInRow);
    return this;
  }

  /** @return largest REST request body in bytes; default 256 KiB */
  public int getMaxRestBodySize() {
    return maxRestBodySize;
  }

  /** @param maxRestBodySize largest REST request body in bytes, at least 1024 */
  public ServerOptions setMaxRestBodySize(int maxRestBodySize) {
    this.maxRestBodySize = atLeast("maxRestBodySize", maxRestBodySize, 1024);
    return this;
  }

  /** @return longest subscription pattern in characters; default 256 */
  public int getMaxPatternLength() {
    return maxPatternLength;
  }

  /** @param maxPatternLength longest subscription pattern in characters, at least 1 */
  public ServerOptions setMaxPatternLength(int maxPatternLength) {
    this.maxPatternLength = positive("maxPatternLength", maxPatternLength);
    return this;
  }

  /** @return most segments in a subscription pattern; default 16 */
  public int getMaxPatternSegments() {
    return maxPatternSegments;
  }

  /** @param maxPatternSegments most segments in a subscription pattern, at least 2 */
  public ServerOptions setMaxPatternSegments(int maxPatternSegments) {
    this.maxPatternSegments = atLeast("maxPatternSegments", maxPatternSegments, 2);
    return this;
  }

  /** @return most channels one connection may be a member of; default 128 */
  public int getMaxChannelsPerConnection() {
    return maxChannelsPerConnection;
  }

  /** @param maxChannelsPerConnection most channels one connection may be a member of, at least 1 */
  public ServerOptions setMaxChannelsPerConnection(int maxChannelsPerConnection) {
    this.maxChannelsPerConnection = positive("maxChannelsPerConnection", maxChannelsPerConnection);
    return this;
  }

  private static int positive(String name, int value) {
    return atLeast(name, value, 1);
  }

  private static int atLeast(String name, int value, int min) {
    if (value < min) {
      throw new IllegalArgumentException(name + " must be at least " + min + ", was " + value);
    }
    return value;
  }

  private static Duration positive(String name, Duration value) {
    Objects.requireNonNull(value, name);
    if (value.isZero() || value.isNegative()) {
      throw new IllegalArgumentException(name + " must be positive, was " + value);
    }
    return value;
  }

  private static Duration notNegative(String name, Duration value) {
    Objects.requireNonNull(value, name);
    if (value.isNegative()) {
      throw new IllegalArgumentException(name + " must not be negative, was " + value);
    }
    return value;
  }

  private dev.workspace.server.mcp.McpOptions mcp = new dev.workspace.server.mcp.McpOptions();

  /** @return the options of the MCP face {@code /mcp}, changed in place */
  public dev.workspace.server.mcp.McpOptions getMcp() {
    return mcp;
  }

  /** @param mcp the options of the MCP face {@code /mcp} */
  public ServerOptions setMcp(dev.workspace.server.mcp.McpOptions mcp) {
    this.mcp = new dev.workspace.server.mcp.McpOptions(Objects.requireNonNull(mcp, "mcp"));
    return this;
  }
}
