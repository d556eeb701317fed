package dev.workspace.server;

import dev.workspace.server.config.Setting;
import java.time.Duration;

/** What one connection may do and how it is kept alive. Setters check their argument and return {@code this}. */
public final class LimitOptions {
  /** Default time between server pings. */
  public static final Duration DEFAULT_PING_INTERVAL = Duration.ofSeconds(25);
  /** Default time a client has to answer a ping before it is closed with 4002. */
  public static final Duration DEFAULT_PING_TIMEOUT = Duration.ofSeconds(10);
  /** Default time a connection has to send an accepted connect. */
  public static final Duration DEFAULT_HANDSHAKE_TIMEOUT = Duration.ofSeconds(10);
  /** Default largest WebSocket frame, in bytes. */
  public static final int DEFAULT_MAX_FRAME_SIZE = 64 * 1024;
  /** Default largest WebSocket message, in bytes. */
  public static final int DEFAULT_MAX_MESSAGE_SIZE = 256 * 1024;
  /** Default deepest JSON nesting of a frame, in levels. */
  public static final int DEFAULT_MAX_JSON_DEPTH = 32;
  /** Default most subscription patterns per connection, in patterns. */
  public static final int DEFAULT_MAX_SUBSCRIPTIONS = 128;
  /** Default bound of a connection's outbound queue, in bytes. */
  public static final int DEFAULT_OUTBOUND_QUEUE_BYTES = 1024 * 1024;
  /** Default sustained frames per second a connection may send, in frames/s. */
  public static final int DEFAULT_MAX_FRAMES_PER_SECOND = 5000;
  /** Default frames a connection may send at once above the sustained rate, in frames. */
  public static final int DEFAULT_FRAME_BURST = 10_000;
  /** Default client mistakes in a row after which the connection is closed with 4008, in errors. */
  public static final int DEFAULT_MAX_ERRORS_IN_ROW = 50;
  /** Default largest REST request body, in bytes. */
  public static final int DEFAULT_MAX_REST_BODY_SIZE = 256 * 1024;
  /** Default longest subscription pattern, in characters. */
  public static final int DEFAULT_MAX_PATTERN_LENGTH = 256;
  /** Default most segments in a subscription pattern, in segments. */
  public static final int DEFAULT_MAX_PATTERN_SEGMENTS = 16;
  /** Default most channels one connection may be a member of, in channels. */
  public static final int DEFAULT_MAX_CHANNELS_PER_CONNECTION = 128;

  private Duration pingInterval = DEFAULT_PING_INTERVAL;
  private Duration pingTimeout = DEFAULT_PING_TIMEOUT;
  private Duration handshakeTimeout = DEFAULT_HANDSHAKE_TIMEOUT;
  private int maxFrameSize = DEFAULT_MAX_FRAME_SIZE;
  private int maxMessageSize = DEFAULT_MAX_MESSAGE_SIZE;
  private int maxJsonDepth = DEFAULT_MAX_JSON_DEPTH;
  private int maxSubscriptions = DEFAULT_MAX_SUBSCRIPTIONS;
  private int outboundQueueBytes = DEFAULT_OUTBOUND_QUEUE_BYTES;
  private int maxFramesPerSecond = DEFAULT_MAX_FRAMES_PER_SECOND;
  private int frameBurst = DEFAULT_FRAME_BURST;
  private int maxErrorsInRow = DEFAULT_MAX_ERRORS_IN_ROW;
  private int maxRestBodySize = DEFAULT_MAX_REST_BODY_SIZE;
  private int maxPatternLength = DEFAULT_MAX_PATTERN_LENGTH;
  private int maxPatternSegments = DEFAULT_MAX_PATTERN_SEGMENTS;
  private int maxChannelsPerConnection = DEFAULT_MAX_CHANNELS_PER_CONNECTION;

  /** Options with every default. */
  public LimitOptions() {
  }

  /** @param other the options to copy */
  public LimitOptions(LimitOptions other) {
    this.pingInterval = other.pingInterval;
    this.pingTimeout = other.pingTimeout;
    this.handshakeTimeout = other.handshakeTimeout;
    this.maxFrameSize = other.maxFrameSize;
    this.maxMessageSize = other.maxMessageSize;
    this.maxJsonDepth = other.maxJsonDepth;
    this.maxSubscriptions = other.maxSubscriptions;
    this.outboundQueueBytes = other.outboundQueueBytes;
    this.maxFramesPerSecond = other.maxFramesPerSecond;
    this.frameBurst = other.frameBurst;
    this.maxErrorsInRow = other.maxErrorsInRow;
    this.maxRestBodySize = other.maxRestBodySize;
    this.maxPatternLength = other.maxPatternLength;
    this.maxPatternSegments = other.maxPatternSegments;
    this.maxChannelsPerConnection = other.maxChannelsPerConnection;
  }

  /** @return time between server pings; default 25 s */
  public Duration getPingInterval() {
    return pingInterval;
  }

  /** @param pingInterval time between server pings */
  @Setting(name = "ping-interval", description = "time between server pings")
  public LimitOptions setPingInterval(Duration pingInterval) {
    this.pingInterval = Checks.positive("pingInterval", pingInterval);
    return this;
  }

  /** @return time a client has to answer a ping before it is closed with 4002; default 10 s */
  public Duration getPingTimeout() {
    return pingTimeout;
  }

  /** @param pingTimeout time a client has to answer a ping before it is closed with 4002 */
  @Setting(name = "ping-timeout", description = "time a client has to answer a ping before it is closed with 4002")
  public LimitOptions setPingTimeout(Duration pingTimeout) {
    this.pingTimeout = Checks.positive("pingTimeout", pingTimeout);
    return this;
  }

  /** @return time a connection has to send an accepted connect; default 10 s */
  public Duration getHandshakeTimeout() {
    return handshakeTimeout;
  }

  /** @param handshakeTimeout time a connection has to send an accepted connect */
  @Setting(name = "handshake-timeout", description = "time a connection has to send an accepted connect")
  public LimitOptions setHandshakeTimeout(Duration handshakeTimeout) {
    this.handshakeTimeout = Checks.positive("handshakeTimeout", handshakeTimeout);
    return this;
  }

  /** @return largest WebSocket frame, at least 1024 in bytes; default 64 KiB */
  public int getMaxFrameSize() {
    return maxFrameSize;
  }

  /** @param maxFrameSize largest WebSocket frame, at least 1024 in bytes */
  @Setting(name = "max-frame-size", unit = "bytes", description = "largest WebSocket frame, at least 1024")
  public LimitOptions setMaxFrameSize(int maxFrameSize) {
    this.maxFrameSize = Checks.atLeast("maxFrameSize", maxFrameSize, 1024);
    return this;
  }

  /** @return largest WebSocket message, at least 1024 in bytes; default 256 KiB */
  public int getMaxMessageSize() {
    return maxMessageSize;
  }

  /** @param maxMessageSize largest WebSocket message, at least 1024 in bytes */
  @Setting(name = "max-message-size", unit = "bytes", description = "largest WebSocket message, at least 1024")
  public LimitOptions setMaxMessageSize(int maxMessageSize) {
    this.maxMessageSize = Checks.atLeast("maxMessageSize", maxMessageSize, 1024);
    return this;
  }

  /** @return deepest JSON nesting of a frame, at least 4 in levels; default 32 */
  public int getMaxJsonDepth() {
    return maxJsonDepth;
  }

  /** @param maxJsonDepth deepest JSON nesting of a frame, at least 4 in levels */
  @Setting(name = "max-json-depth", unit = "levels", description = "deepest JSON nesting of a frame, at least 4")
  public LimitOptions setMaxJsonDepth(int maxJsonDepth) {
    this.maxJsonDepth = Checks.atLeast("maxJsonDepth", maxJsonDepth, 4);
    return this;
  }

  /** @return most subscription patterns per connection in patterns; default 128 */
  public int getMaxSubscriptions() {
    return maxSubscriptions;
  }

  /** @param maxSubscriptions most subscription patterns per connection in patterns */
  @Setting(name = "max-subscriptions", unit = "patterns", description = "most subscription patterns per connection")
  public LimitOptions setMaxSubscriptions(int maxSubscriptions) {
    this.maxSubscriptions = Checks.positive("maxSubscriptions", maxSubscriptions);
    return this;
  }

  /** @return bound of a connection's outbound queue in bytes; default 1 MiB */
  public int getOutboundQueueBytes() {
    return outboundQueueBytes;
  }

  /** @param outboundQueueBytes bound of a connection's outbound queue; past it the connection is closed as a slow consumer in bytes */
  @Setting(name = "outbound-queue-bytes", unit = "bytes", description = "bound of a connection's outbound queue; past it the connection is closed as a slow consumer")
  public LimitOptions setOutboundQueueBytes(int outboundQueueBytes) {
    this.outboundQueueBytes = Checks.atLeast("outboundQueueBytes", outboundQueueBytes, 4096);
    return this;
  }

  /** @return sustained frames per second a connection may send in frames/s; default 5000 */
  public int getMaxFramesPerSecond() {
    return maxFramesPerSecond;
  }

  /** @param maxFramesPerSecond sustained frames per second a connection may send; 0 for no limit in frames/s */
  @Setting(name = "max-frames-per-second", unit = "frames/s", description = "sustained frames per second a connection may send; 0 for no limit")
  public LimitOptions setMaxFramesPerSecond(int maxFramesPerSecond) {
    this.maxFramesPerSecond = Checks.atLeast("maxFramesPerSecond", maxFramesPerSecond, 0);
    return this;
  }

  /** @return frames a connection may send at once above the sustained rate in frames; default 10,000 */
  public int getFrameBurst() {
    return frameBurst;
  }

  /** @param frameBurst frames a connection may send at once above the sustained rate in frames */
  @Setting(name = "frame-burst", unit = "frames", description = "frames a connection may send at once above the sustained rate")
  public LimitOptions setFrameBurst(int frameBurst) {
    this.frameBurst = Checks.positive("frameBurst", frameBurst);
    return this;
  }

  /** @return client mistakes in a row after which the connection is closed with 4008 in errors; default 50 */
  public int getMaxErrorsInRow() {
    return maxErrorsInRow;
  }

  /** @param maxErrorsInRow client mistakes in a row after which the connection is closed with 4008 in errors */
  @Setting(name = "max-errors-in-row", unit = "errors", description = "client mistakes in a row after which the connection is closed with 4008")
  public LimitOptions setMaxErrorsInRow(int maxErrorsInRow) {
    this.maxErrorsInRow = Checks.positive("maxErrorsInRow", maxErrorsInRow);
    return this;
  }

  /** @return largest REST request body, at least 1024 in bytes; default 256 KiB */
  public int getMaxRestBodySize() {
    return maxRestBodySize;
  }

  /** @param maxRestBodySize largest REST request body, at least 1024 in bytes */
  @Setting(name = "max-rest-body-size", unit = "bytes", description = "largest REST request body, at least 1024")
  public LimitOptions setMaxRestBodySize(int maxRestBodySize) {
    this.maxRestBodySize = Checks.atLeast("maxRestBodySize", maxRestBodySize, 1024);
    return this;
  }

  /** @return longest subscription pattern in characters; default 256 */
  public int getMaxPatternLength() {
    return maxPatternLength;
  }

  /** @param maxPatternLength longest subscription pattern in characters */
  @Setting(name = "max-pattern-length", unit = "characters", description = "longest subscription pattern")
  public LimitOptions setMaxPatternLength(int maxPatternLength) {
    this.maxPatternLength = Checks.positive("maxPatternLength", maxPatternLength);
    return this;
  }

  /** @return most segments in a subscription pattern, at least 2 in segments; default 16 */
  public int getMaxPatternSegments() {
    return maxPatternSegments;
  }

  /** @param maxPatternSegments most segments in a subscription pattern, at least 2 in segments */
  @Setting(name = "max-pattern-segments", unit = "segments", description = "most segments in a subscription pattern, at least 2")
  public LimitOptions setMaxPatternSegments(int maxPatternSegments) {
    this.maxPatternSegments = Checks.atLeast("maxPatternSegments", maxPatternSegments, 2);
    return this;
  }

  /** @return most channels one connection may be a member of in channels; default 128 */
  public int getMaxChannelsPerConnection() {
    return maxChannelsPerConnection;
  }

  /** @param maxChannelsPerConnection most channels one connection may be a member of in channels */
  @Setting(name = "max-channels-per-connection", unit = "channels", description = "most channels one connection may be a member of")
  public LimitOptions setMaxChannelsPerConnection(int maxChannelsPerConnection) {
    this.maxChannelsPerConnection = Checks.positive("maxChannelsPerConnection", maxChannelsPerConnection);
    return this;
  }
}
