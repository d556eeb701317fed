package dev.workspace.server;

import dev.workspace.server.config.ConfigSchema;
import dev.workspace.server.config.OptionGroup;
import dev.workspace.server.a2a.A2aOptions;
import dev.workspace.server.mcp.McpOptions;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * Settings of a workspace server node, in groups ({@link #getNetwork()}, {@link #getCluster()}, ...) whose
 * {@link dev.workspace.server.config.Setting} setters make every option reachable from a configuration file,
 * {@code WORKSPACE_*} environment variables and flags (see {@code docs/CONFIGURATION.md}). The flat getters and
 * setters here delegate to the groups. Setters check their argument and return {@code this}.
 */
public final class ServerOptions {
  /** Default history page size when a request names none. */
  public static final int DEFAULT_HISTORY_PAGE = 100;
  /** Largest history page a request may ask for. */
  public static final int MAX_HISTORY_PAGE = 500;
  /** Same as {@link NetworkOptions#DEFAULT_PORT}. */
  public static final int DEFAULT_PORT = NetworkOptions.DEFAULT_PORT;
  /** Same as {@link NetworkOptions#DEFAULT_HOST}. */
  public static final String DEFAULT_HOST = NetworkOptions.DEFAULT_HOST;
  /** Same as {@link ClusterOptions#DEFAULT_CLUSTER_HEARTBEAT_INTERVAL}. */
  public static final Duration DEFAULT_CLUSTER_HEARTBEAT_INTERVAL = ClusterOptions.DEFAULT_CLUSTER_HEARTBEAT_INTERVAL;
  /** Same as {@link ClusterOptions#DEFAULT_CLUSTER_NODE_TIMEOUT}. */
  public static final Duration DEFAULT_CLUSTER_NODE_TIMEOUT = ClusterOptions.DEFAULT_CLUSTER_NODE_TIMEOUT;
  /** Same as {@link ClusterOptions#DEFAULT_REDIS_COMMAND_TIMEOUT}. */
  public static final Duration DEFAULT_REDIS_COMMAND_TIMEOUT = ClusterOptions.DEFAULT_REDIS_COMMAND_TIMEOUT;
  /** Same as {@link ClusterOptions#DEFAULT_REDIS_RECONNECT_MAX_DELAY}. */
  public static final Duration DEFAULT_REDIS_RECONNECT_MAX_DELAY = ClusterOptions.DEFAULT_REDIS_RECONNECT_MAX_DELAY;
  /** Same as {@link StreamOptions#DEFAULT_HISTORY_SIZE}. */
  public static final int DEFAULT_HISTORY_SIZE = StreamOptions.DEFAULT_HISTORY_SIZE;
  /** Same as {@link StreamOptions#DEFAULT_INBOX_SIZE}. */
  public static final int DEFAULT_INBOX_SIZE = StreamOptions.DEFAULT_INBOX_SIZE;
  /** Same as {@link StreamOptions#DEFAULT_INBOX_RETENTION}. */
  public static final Duration DEFAULT_INBOX_RETENTION = StreamOptions.DEFAULT_INBOX_RETENTION;
  /** Same as {@link LimitOptions#DEFAULT_PING_INTERVAL}. */
  public static final Duration DEFAULT_PING_INTERVAL = LimitOptions.DEFAULT_PING_INTERVAL;
  /** Same as {@link LimitOptions#DEFAULT_PING_TIMEOUT}. */
  public static final Duration DEFAULT_PING_TIMEOUT = LimitOptions.DEFAULT_PING_TIMEOUT;
  /** Same as {@link LimitOptions#DEFAULT_HANDSHAKE_TIMEOUT}. */
  public static final Duration DEFAULT_HANDSHAKE_TIMEOUT = LimitOptions.DEFAULT_HANDSHAKE_TIMEOUT;
  /** Same as {@link LimitOptions#DEFAULT_MAX_FRAME_SIZE}. */
  public static final int DEFAULT_MAX_FRAME_SIZE = LimitOptions.DEFAULT_MAX_FRAME_SIZE;
  /** Same as {@link LimitOptions#DEFAULT_MAX_MESSAGE_SIZE}. */
  public static final int DEFAULT_MAX_MESSAGE_SIZE = LimitOptions.DEFAULT_MAX_MESSAGE_SIZE;
  /** Same as {@link LimitOptions#DEFAULT_MAX_JSON_DEPTH}. */
  public static final int DEFAULT_MAX_JSON_DEPTH = LimitOptions.DEFAULT_MAX_JSON_DEPTH;
  /** Same as {@link LimitOptions#DEFAULT_MAX_SUBSCRIPTIONS}. */
  public static final int DEFAULT_MAX_SUBSCRIPTIONS = LimitOptions.DEFAULT_MAX_SUBSCRIPTIONS;
  /** Same as {@link LimitOptions#DEFAULT_OUTBOUND_QUEUE_BYTES}. */
  public static final int DEFAULT_OUTBOUND_QUEUE_BYTES = LimitOptions.DEFAULT_OUTBOUND_QUEUE_BYTES;
  /** Same as {@link LimitOptions#DEFAULT_MAX_FRAMES_PER_SECOND}. */
  public static final int DEFAULT_MAX_FRAMES_PER_SECOND = LimitOptions.DEFAULT_MAX_FRAMES_PER_SECOND;
  /** Same as {@link LimitOptions#DEFAULT_FRAME_BURST}. */
  public static final int DEFAULT_FRAME_BURST = LimitOptions.DEFAULT_FRAME_BURST;
  /** Same as {@link LimitOptions#DEFAULT_MAX_ERRORS_IN_ROW}. */
  public static final int DEFAULT_MAX_ERRORS_IN_ROW = LimitOptions.DEFAULT_MAX_ERRORS_IN_ROW;
  /** Same as {@link LimitOptions#DEFAULT_MAX_REST_BODY_SIZE}. */
  public static final int DEFAULT_MAX_REST_BODY_SIZE = LimitOptions.DEFAULT_MAX_REST_BODY_SIZE;
  /** Same as {@link LimitOptions#DEFAULT_MAX_PATTERN_LENGTH}. */
  public static final int DEFAULT_MAX_PATTERN_LENGTH = LimitOptions.DEFAULT_MAX_PATTERN_LENGTH;
  /** Same as {@link LimitOptions#DEFAULT_MAX_PATTERN_SEGMENTS}. */
  public static final int DEFAULT_MAX_PATTERN_SEGMENTS = LimitOptions.DEFAULT_MAX_PATTERN_SEGMENTS;
  /** Same as {@link LimitOptions#DEFAULT_MAX_CHANNELS_PER_CONNECTION}. */
  public static final int DEFAULT_MAX_CHANNELS_PER_CONNECTION = LimitOptions.DEFAULT_MAX_CHANNELS_PER_CONNECTION;
  /** Same as {@link SecurityOptions#JWT_ALGORITHMS}. */
  public static final Set<String> JWT_ALGORITHMS = SecurityOptions.JWT_ALGORITHMS;
  /** Same as {@link SecurityOptions#DEFAULT_JWT_ALGORITHM}. */
  public static final String DEFAULT_JWT_ALGORITHM = SecurityOptions.DEFAULT_JWT_ALGORITHM;
  /** Same as {@link SecurityOptions#MIN_JWT_SECRET_BYTES}. */
  public static final int MIN_JWT_SECRET_BYTES = SecurityOptions.MIN_JWT_SECRET_BYTES;
  /** Every option of a node, from the groups' annotations. */
  public static final ConfigSchema<ServerOptions> SCHEMA = ConfigSchema.of(ServerOptions.class);

  /** How connections prove who they are. */
  public enum AuthMode {
    /** No credentials: a client names itself. For a single node on loopback; the server warns at start. */
    NONE,
    /** A signed token (JWT) names the agent, its workspace, its expiry and the channels it may use. */
    TOKEN
  }

  private final NetworkOptions network;
  private final ClusterOptions cluster;
  private final StreamOptions streams;
  private final LimitOptions limits;
  private final SecurityOptions security;
  private final LogOptions logging;
  private final ShutdownOptions shutdown;
  private final dev.workspace.server.files.FileOptions files;
  private final McpOptions mcp;
  private final A2aOptions a2a;
  private final RunOptions runs;
  private final MetricsOptions metrics;

  /** Options with every default. */
  public ServerOptions() {
    this.network = new NetworkOptions();
    this.cluster = new ClusterOptions();
    this.streams = new StreamOptions();
    this.limits = new LimitOptions();
    this.security = new SecurityOptions();
    this.logging = new LogOptions();
    this.shutdown = new ShutdownOptions();
    this.files = new dev.workspace.server.files.FileOptions();
    this.mcp = new McpOptions();
    this.a2a = new A2aOptions();
    this.runs = new RunOptions();
    this.metrics = new MetricsOptions();
  }

  /**
   * Copies options.
   *
   * @param other the options to copy
   */
  public ServerOptions(ServerOptions other) {
    this.network = new NetworkOptions(other.network);
    this.cluster = new ClusterOptions(other.cluster);
    this.streams = new StreamOptions(other.streams);
    this.limits = new LimitOptions(other.limits);
    this.security = new SecurityOptions(other.security);
    this.logging = new LogOptions(other.logging);
    this.shutdown = new ShutdownOptions(other.shutdown);
    this.files = new dev.workspace.server.files.FileOptions(other.files);
    this.mcp = new McpOptions(other.mcp);
    this.a2a = new A2aOptions(other.a2a);
    this.runs = new RunOptions(other.runs);
    this.metrics = new MetricsOptions(other.metrics);
  }

  /**
   * Options from JSON in the shape of a configuration file: {@code {"network": {"port": 8700}, ...}}.
   *
   * @param json the options; absent keys keep their default
   * @throws dev.workspace.server.config.ConfigException on an unknown key or a bad value, naming it
   */
  public ServerOptions(JsonObject json) {
    this();
    SCHEMA.apply(this, json, "JSON options");
  }

  /** @return every option as JSON in the shape of a configuration file, secrets included */
  public JsonObject toJson() {
    return SCHEMA.toJson(this, false);
  }

  /** @return every option as JSON, secrets and passwords masked: what may be printed or logged */
  public JsonObject toMaskedJson() {
    return SCHEMA.toJson(this, true);
  }

  /** @return the bounds of the run tracker */
  @OptionGroup(name = "runs", description = "The bounds of the run tracker: open runs, run logs, retention.")
  public RunOptions getRuns() {
    return runs;
  }

  /** @return the run tracker's bounds, as the core takes them */
  public dev.workspace.server.core.RunLimits getRunLimits() {
    return runs.toLimits();
  }

  /** @param limits the run tracker's bounds */
  public ServerOptions setRunLimits(dev.workspace.server.core.RunLimits limits) {
    if (limits.maxLogBytes() > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("maxLogBytes must fit an int, was " + limits.maxLogBytes());
    }
    runs.setMaxOpenRuns(limits.maxOpenRuns()).setMaxOpenRunsPerRequester(limits.maxOpenRunsPerRequester())
        .setMaxLogEvents(limits.maxLogEvents()).setMaxLogBytes((int) limits.maxLogBytes())
        .setRetention(limits.retention()).setMaxEndedRuns(limits.maxEndedRuns());
    return this;
  }

  /** @return whether the web console is served; default {@value NetworkOptions#DEFAULT_CONSOLE} */
  public boolean isConsole() {
    return network.isConsole();
  }

  /** @return whether a node's own Vert.x prefers the native transport; default {@value NetworkOptions#DEFAULT_NATIVE_TRANSPORT} */
  public boolean isNativeTransport() {
    return network.isNativeTransport();
  }

  /** @param nativeTransport whether a node's own Vert.x runs on the native transport when the platform has one */
  public ServerOptions setNativeTransport(boolean nativeTransport) {
    network.setNativeTransport(nativeTransport);
    return this;
  }

  /** @param console whether to serve the web console at {@code GET /console} */
  public ServerOptions setConsole(boolean console) {
    network.setConsole(console);
    return this;
  }

  /** @return where the node listens */
  @OptionGroup(name = "network", description = "Where the node listens.")
  public NetworkOptions getNetwork() {
    return network;
  }

  /** @return the node's id and, with a Redis URI, its cluster */
  @OptionGroup(name = "cluster", description = "The node's id and, with a Redis URI, its cluster.")
  public ClusterOptions getCluster() {
    return cluster;
  }

  /** @return how much of each stream is kept for history and recovery */
  @OptionGroup(name = "streams", description = "How much of each stream is kept for history and recovery.")
  public StreamOptions getStreams() {
    return streams;
  }

  /** @return what one connection may do and how it is kept alive */
  @OptionGroup(name = "limits", description = "What one connection may do and how it is kept alive.")
  public LimitOptions getLimits() {
    return limits;
  }

  /** @return authentication and allowed browser origins */
  @OptionGroup(name = "security", description = "Authentication and allowed browser origins.")
  public SecurityOptions getSecurity() {
    return security;
  }

  /** @return log format and level */
  @OptionGroup(name = "logging", description = "Log format and level.")
  public LogOptions getLogging() {
    return logging;
  }

  /** @return uploaded files: where they are kept, how large, how many per event, for how long */
  @OptionGroup(name = "files", description = "Uploaded files: where they are kept, how large, how many, how long.")
  public dev.workspace.server.files.FileOptions getFiles() {
    return files;
  }

  /** @return what /metrics shows */
  @OptionGroup(name = "metrics", description = "What /metrics shows.")
  public MetricsOptions getMetrics() {
    return metrics;
  }

  /** @return graceful shutdown on SIGTERM */
  @OptionGroup(name = "shutdown", description = "Graceful shutdown on SIGTERM.")
  public ShutdownOptions getShutdown() {
    return shutdown;
  }

  /** @return the MCP face {@code /mcp}: its sessions, their inboxes and limits */
  @OptionGroup(name = "mcp", description = "The MCP face /mcp: its sessions, their inboxes and limits.")
  public McpOptions getMcp() {
    return mcp;
  }

  /** @return the A2A face {@code /a2a/{agent}}: its limits and waits */
  @OptionGroup(name = "a2a", description = "The A2A face /a2a/{agent}: its limits and waits.")
  public A2aOptions getA2a() {
    return a2a;
  }

  /** @return the listening port (0 picks a free one); default {@value NetworkOptions#DEFAULT_PORT} */
  public int getPort() {
    return network.getPort();
  }

  /** @param port the listening port, 0 to 65535 (0 picks a free one) */
  public ServerOptions setPort(int port) {
    network.setPort(port);
    return this;
  }

  /** @return the listening address; default {@value NetworkOptions#DEFAULT_HOST} */
  public String getHost() {
    return network.getHost();
  }

  /** @param host the listening address */
  public ServerOptions setHost(String host) {
    network.setHost(host);
    return this;
  }

  /** @return server verticle instances, one per event loop; default the number of processors */
  public int getInstances() {
    return network.getInstances();
  }

  /** @param instances server verticle instances, at least 1 */
  public ServerOptions setInstances(int instances) {
    network.setInstances(instances);
    return this;
  }

  /** @return this node's id in discovery and logs; {@code null} means a random one */
  public String getNodeId() {
    return cluster.getNodeId();
  }

  /** @param nodeId this node's id, or {@code null} for a random one */
  public ServerOptions setNodeId(String nodeId) {
    cluster.setNodeId(nodeId);
    return this;
  }

  /** @return the Redis URI that joins this node to a cluster, or {@code null} to run alone in memory */
  public String getRedisUri() {
    return cluster.getRedisUri();
  }

  /** @param redisUri {@code redis://host:port}, or {@code null} to run alone in memory */
  public ServerOptions setRedisUri(String redisUri) {
    cluster.setRedisUri(redisUri);
    return this;
  }

  /** @return events kept per channel; default {@value StreamOptions#DEFAULT_HISTORY_SIZE} */
  public int getHistorySize() {
    return streams.getHistorySize();
  }

  /** @param historySize events kept per channel, at least 1 */
  public ServerOptions setHistorySize(int historySize) {
    streams.setHistorySize(historySize);
    return this;
  }

  /** @return events kept per agent inbox and broadcast stream; default {@value StreamOptions#DEFAULT_INBOX_SIZE} */
  public int getInboxSize() {
    return streams.getInboxSize();
  }

  /** @param inboxSize events kept per agent inbox and broadcast stream, at least 1 */
  public ServerOptions setInboxSize(int inboxSize) {
    streams.setInboxSize(inboxSize);
    return this;
  }

  /** @return how long an agent's inbox is kept after it disconnects; default 5 minutes */
  public Duration getInboxRetention() {
    return streams.getInboxRetention();
  }

  /** @param inboxRetention how long an agent's inbox is kept after it disconnects, not negative */
  public ServerOptions setInboxRetention(Duration inboxRetention) {
    streams.setInboxRetention(inboxRetention);
    return this;
  }

  /** @return time between server pings; default 25 s */
  public Duration getPingInterval() {
    return limits.getPingInterval();
  }

  /** @param pingInterval time between server pings */
  public ServerOptions setPingInterval(Duration pingInterval) {
    limits.setPingInterval(pingInterval);
    return this;
  }

  /** @return time a client has to answer a ping before it is closed with 4002; default 10 s */
  public Duration getPingTimeout() {
    return limits.getPingTimeout();
  }

  /** @param pingTimeout time a client has to answer a ping before it is closed with 4002 */
  public ServerOptions setPingTimeout(Duration pingTimeout) {
    limits.setPingTimeout(pingTimeout);
    return this;
  }

  /** @return time a connection has to send an accepted connect; default 10 s */
  public Duration getHandshakeTimeout() {
    return limits.getHandshakeTimeout();
  }

  /** @param handshakeTimeout time a connection has to send an accepted connect */
  public ServerOptions setHandshakeTimeout(Duration handshakeTimeout) {
    limits.setHandshakeTimeout(handshakeTimeout);
    return this;
  }

  /** @return largest WebSocket frame, at least 1024 in bytes; default 64 KiB */
  public int getMaxFrameSize() {
    return limits.getMaxFrameSize();
  }

  /** @param maxFrameSize largest WebSocket frame, at least 1024 in bytes */
  public ServerOptions setMaxFrameSize(int maxFrameSize) {
    limits.setMaxFrameSize(maxFrameSize);
    return this;
  }

  /** @return largest WebSocket message, at least 1024 in bytes; default 256 KiB */
  public int getMaxMessageSize() {
    return limits.getMaxMessageSize();
  }

  /** @param maxMessageSize largest WebSocket message, at least 1024 in bytes */
  public ServerOptions setMaxMessageSize(int maxMessageSize) {
    limits.setMaxMessageSize(maxMessageSize);
    return this;
  }

  /** @return deepest JSON nesting of a frame, at least 4 in levels; default 32 */
  public int getMaxJsonDepth() {
    return limits.getMaxJsonDepth();
  }

  /** @param maxJsonDepth deepest JSON nesting of a frame, at least 4 in levels */
  public ServerOptions setMaxJsonDepth(int maxJsonDepth) {
    limits.setMaxJsonDepth(maxJsonDepth);
    return this;
  }

  /** @return most subscription patterns per connection in patterns; default 128 */
  public int getMaxSubscriptions() {
    return limits.getMaxSubscriptions();
  }

  /** @param maxSubscriptions most subscription patterns per connection in patterns */
  public ServerOptions setMaxSubscriptions(int maxSubscriptions) {
    limits.setMaxSubscriptions(maxSubscriptions);
    return this;
  }

  /** @return bound of a connection's outbound queue in bytes; default 1 MiB */
  public int getOutboundQueueBytes() {
    return limits.getOutboundQueueBytes();
  }

  /** @param outboundQueueBytes bound of a connection's outbound queue; past it the connection is closed as a slow consumer in bytes */
  public ServerOptions setOutboundQueueBytes(int outboundQueueBytes) {
    limits.setOutboundQueueBytes(outboundQueueBytes);
    return this;
  }

  /**
   * @return time between a cluster node's heartbeats, which is also how often it looks for dead nodes and checks
   *     its pub/sub connection; default 3 s
   */
  public Duration getClusterHeartbeatInterval() {
    return cluster.getClusterHeartbeatInterval();
  }

  /** @param clusterHeartbeatInterval time between a cluster node's heartbeats, positive */
  public ServerOptions setClusterHeartbeatInterval(Duration clusterHeartbeatInterval) {
    cluster.setClusterHeartbeatInterval(clusterHeartbeatInterval);
    return this;
  }

  /**
   * @return time after its last heartbeat when a node counts as dead; its agents are reported gone within this
   *     plus one heartbeat interval; default 10 s. Must be longer than the heartbeat interval.
   */
  public Duration getClusterNodeTimeout() {
    return cluster.getClusterNodeTimeout();
  }

  /** @param clusterNodeTimeout time after its last heartbeat when a node counts as dead, positive */
  public ServerOptions setClusterNodeTimeout(Duration clusterNodeTimeout) {
    cluster.setClusterNodeTimeout(clusterNodeTimeout);
    return this;
  }

  /** @return time a Redis command may take before the connection is considered broken; default 5 s */
  public Duration getRedisCommandTimeout() {
    return cluster.getRedisCommandTimeout();
  }

  /** @param redisCommandTimeout time a Redis command may take before the connection is considered broken, positive */
  public ServerOptions setRedisCommandTimeout(Duration redisCommandTimeout) {
    cluster.setRedisCommandTimeout(redisCommandTimeout);
    return this;
  }

  /**
   * @return largest delay between two attempts to reconnect to Redis (the delay doubles from 100 ms up to it, and
   *     each attempt waits a random time below it); default 2 s
   */
  public Duration getRedisReconnectMaxDelay() {
    return cluster.getRedisReconnectMaxDelay();
  }

  /** @param redisReconnectMaxDelay largest delay between two attempts to reconnect to Redis, positive */
  public ServerOptions setRedisReconnectMaxDelay(Duration redisReconnectMaxDelay) {
    cluster.setRedisReconnectMaxDelay(redisReconnectMaxDelay);
    return this;
  }

  /** @return how connections authenticate; default {@link AuthMode#NONE} */
  public AuthMode getAuthMode() {
    return security.getAuthMode();
  }

  /** @param authMode how connections authenticate */
  public ServerOptions setAuthMode(AuthMode authMode) {
    security.setAuthMode(authMode);
    return this;
  }

  /** @return the one token algorithm the server accepts; default {@value SecurityOptions#DEFAULT_JWT_ALGORITHM} */
  public String getJwtAlgorithm() {
    return security.getJwtAlgorithm();
  }

  /**
   * @param jwtAlgorithm the one token algorithm to accept: HS256/384/512 (with {@link #setJwtSecret}), RS256/384/512
   *     or ES256/384/512 (with {@link #setJwtPublicKey}); tokens naming any other algorithm, {@code none} included,
   *     are refused
   */
  public ServerOptions setJwtAlgorithm(String jwtAlgorithm) {
    security.setJwtAlgorithm(jwtAlgorithm);
    return this;
  }

  /** @return the HMAC secret tokens are signed with, or {@code null} */
  public String getJwtSecret() {
    return security.getJwtSecret();
  }

  /** @param jwtSecret the HMAC secret for HS256/384/512 tokens, at least 32 bytes of UTF-8, or {@code null} */
  public ServerOptions setJwtSecret(String jwtSecret) {
    security.setJwtSecret(jwtSecret);
    return this;
  }

  /** @return the PEM public key RS/ES tokens are checked with, or {@code null} */
  public String getJwtPublicKey() {
    return security.getJwtPublicKey();
  }

  /** @param jwtPublicKey a PEM {@code PUBLIC KEY} for RS256/384/512 or ES256/384/512 tokens, or {@code null} */
  public ServerOptions setJwtPublicKey(String jwtPublicKey) {
    security.setJwtPublicKey(jwtPublicKey);
    return this;
  }

  /**
   * @return the browser origins allowed besides the server's own; default empty: a request carrying an
   *     {@code Origin} header is allowed only when it is same-origin (its host and port are the request's
   *     {@code Host}); requests without an {@code Origin} (agents, tools) are always allowed
   */
  public List<String> getAllowedOrigins() {
    return security.getAllowedOrigins();
  }

  /**
   * @param allowedOrigins origins such as {@code https://app.example.com} or {@code http://localhost:3000}; a
   *     {@code *} inside an entry matches any run of characters ({@code https://*.example.com}); the entry
   *     {@code *} alone allows every origin
   */
  public ServerOptions setAllowedOrigins(List<String> allowedOrigins) {
    security.setAllowedOrigins(allowedOrigins);
    return this;
  }

  /** @return see {@link SecurityOptions#getAllowedHosts()} */
  public List<String> getAllowedHosts() {
    return security.getAllowedHosts();
  }

  /** @param allowedHosts see {@link SecurityOptions#setAllowedHosts(List)} */
  public ServerOptions setAllowedHosts(List<String> allowedHosts) {
    security.setAllowedHosts(allowedHosts);
    return this;
  }

  /** @return sustained frames per second a connection may send in frames/s; default 5000 */
  public int getMaxFramesPerSecond() {
    return limits.getMaxFramesPerSecond();
  }

  /** @param maxFramesPerSecond sustained frames per second a connection may send; 0 for no limit in frames/s */
  public ServerOptions setMaxFramesPerSecond(int maxFramesPerSecond) {
    limits.setMaxFramesPerSecond(maxFramesPerSecond);
    return this;
  }

  /** @return frames a connection may send at once above the sustained rate in frames; default 10,000 */
  public int getFrameBurst() {
    return limits.getFrameBurst();
  }

  /** @param frameBurst frames a connection may send at once above the sustained rate in frames */
  public ServerOptions setFrameBurst(int frameBurst) {
    limits.setFrameBurst(frameBurst);
    return this;
  }

  /** @return client mistakes in a row after which the connection is closed with 4008 in errors; default 50 */
  public int getMaxErrorsInRow() {
    return limits.getMaxErrorsInRow();
  }

  /** @param maxErrorsInRow client mistakes in a row after which the connection is closed with 4008 in errors */
  public ServerOptions setMaxErrorsInRow(int maxErrorsInRow) {
    limits.setMaxErrorsInRow(maxErrorsInRow);
    return this;
  }

  /** @return largest REST request body, at least 1024 in bytes; default 256 KiB */
  public int getMaxRestBodySize() {
    return limits.getMaxRestBodySize();
  }

  /** @param maxRestBodySize largest REST request body, at least 1024 in bytes */
  public ServerOptions setMaxRestBodySize(int maxRestBodySize) {
    limits.setMaxRestBodySize(maxRestBodySize);
    return this;
  }

  /** @return longest subscription pattern in characters; default 256 */
  public int getMaxPatternLength() {
    return limits.getMaxPatternLength();
  }

  /** @param maxPatternLength longest subscription pattern in characters */
  public ServerOptions setMaxPatternLength(int maxPatternLength) {
    limits.setMaxPatternLength(maxPatternLength);
    return this;
  }

  /** @return most segments in a subscription pattern, at least 2 in segments; default 16 */
  public int getMaxPatternSegments() {
    return limits.getMaxPatternSegments();
  }

  /** @param maxPatternSegments most segments in a subscription pattern, at least 2 in segments */
  public ServerOptions setMaxPatternSegments(int maxPatternSegments) {
    limits.setMaxPatternSegments(maxPatternSegments);
    return this;
  }

  /** @return most channels one connection may be a member of in channels; default 128 */
  public int getMaxChannelsPerConnection() {
    return limits.getMaxChannelsPerConnection();
  }

  /** @param maxChannelsPerConnection most channels one connection may be a member of in channels */
  public ServerOptions setMaxChannelsPerConnection(int maxChannelsPerConnection) {
    limits.setMaxChannelsPerConnection(maxChannelsPerConnection);
    return this;
  }
}
