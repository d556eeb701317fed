package dev.workspace.server.mcp;

import dev.workspace.server.config.Setting;
import java.time.Duration;
import java.util.Objects;

/**
 * Settings of the MCP face {@code /mcp}. Setters check their argument and return {@code this}.
 */
public final class McpOptions {
  /** Default time an MCP session lives without a request (and without an open GET stream or a call in flight). */
  public static final Duration DEFAULT_SESSION_TTL = Duration.ofMinutes(10);
  /** Default most MCP sessions one node holds. */
  public static final int DEFAULT_MAX_SESSIONS = 1000;
  /** Default most events a session's inbox keeps. */
  public static final int DEFAULT_INBOX_EVENTS = 1000;
  /** Default most bytes (encoded events) a session's inbox keeps. */
  public static final int DEFAULT_INBOX_BYTES = 1024 * 1024;
  /** Default largest request body, in bytes. */
  public static final int DEFAULT_MAX_BODY_SIZE = 1024 * 1024;
  /** Default most calls one session has in flight at once. */
  public static final int DEFAULT_MAX_CALLS_IN_FLIGHT = 16;
  /** Longest a blocking tool ({@code wait_for_events}, {@code ask_agent}) waits: below the clients' 60 s timeout. */
  public static final Duration MAX_WAIT = Duration.ofSeconds(50);
  /** Default wait of a blocking tool when the call names none. */
  public static final Duration DEFAULT_WAIT = Duration.ofSeconds(25);
  /** Interval of SSE keep-alive comments and of progress notifications while a tool waits. */
  public static final Duration DEFAULT_KEEPALIVE = Duration.ofSeconds(10);

  private Duration sessionTtl = DEFAULT_SESSION_TTL;
  private int maxSessions = DEFAULT_MAX_SESSIONS;
  private int inboxEvents = DEFAULT_INBOX_EVENTS;
  private int inboxBytes = DEFAULT_INBOX_BYTES;
  private int maxBodySize = DEFAULT_MAX_BODY_SIZE;
  private int maxCallsInFlight = DEFAULT_MAX_CALLS_IN_FLIGHT;
  private Duration keepalive = DEFAULT_KEEPALIVE;

  /** Options with every default. */
  public McpOptions() {
  }

  /**
   * Copies options.
   *
   * @param other the options to copy
   */
  public McpOptions(McpOptions other) {
    this.sessionTtl = other.sessionTtl;
    this.maxSessions = other.maxSessions;
    this.inboxEvents = other.inboxEvents;
    this.inboxBytes = other.inboxBytes;
    this.maxBodySize = other.maxBodySize;
    this.maxCallsInFlight = other.maxCallsInFlight;
    this.keepalive = other.keepalive;
  }

  /** @return idle time to live of a session; default 10 minutes */
  public Duration getSessionTtl() {
    return sessionTtl;
  }

  /** @param sessionTtl idle time to live of a session, at least 1 ms */
  @Setting(name = "mcp-session-ttl", description = "time an MCP session lives without a request, an open GET stream or a call in flight")
  public McpOptions setSessionTtl(Duration sessionTtl) {
    this.sessionTtl = positive("sessionTtl", sessionTtl);
    return this;
  }

  /** @return most sessions per node; default {@value #DEFAULT_MAX_SESSIONS} */
  public int getMaxSessions() {
    return maxSessions;
  }

  /** @param maxSessions most sessions per node, at least 1 */
  @Setting(name = "mcp-max-sessions", description = "most MCP sessions one node holds; initialize beyond it is refused with 503", unit = "sessions")
  public McpOptions setMaxSessions(int maxSessions) {
    this.maxSessions = positive("maxSessions", maxSessions);
    return this;
  }

  /** @return most events an inbox keeps; default {@value #DEFAULT_INBOX_EVENTS} */
  public int getInboxEvents() {
    return inboxEvents;
  }

  /** @param inboxEvents most events an inbox keeps, at least 1 */
  @Setting(name = "mcp-inbox-events", description = "most events an MCP session keeps for wait_for_events; the oldest are dropped beyond it, and the next read says how many", unit = "events")
  public McpOptions setInboxEvents(int inboxEvents) {
    this.inboxEvents = positive("inboxEvents", inboxEvents);
    return this;
  }

  /** @return most bytes an inbox keeps; default 1 MiB */
  public int getInboxBytes() {
    return inboxBytes;
  }

  /** @param inboxBytes most bytes an inbox keeps, at least 1 */
  @Setting(name = "mcp-inbox-bytes", description = "most bytes of events an MCP session keeps for wait_for_events", unit = "bytes")
  public McpOptions setInboxBytes(int inboxBytes) {
    this.inboxBytes = positive("inboxBytes", inboxBytes);
    return this;
  }

  /** @return largest request body in bytes; default 1 MiB */
  public int getMaxBodySize() {
    return maxBodySize;
  }

  /** @param maxBodySize largest request body in bytes, at least 1 */
  @Setting(name = "mcp-max-body-size", description = "largest body of a POST /mcp; larger gets 413", unit = "bytes")
  public McpOptions setMaxBodySize(int maxBodySize) {
    this.maxBodySize = positive("maxBodySize", maxBodySize);
    return this;
  }

  /** @return most calls in flight per session; default {@value #DEFAULT_MAX_CALLS_IN_FLIGHT} */
  public int getMaxCallsInFlight() {
    return maxCallsInFlight;
  }

  /** @param maxCallsInFlight most calls in flight per session, at least 1 */
  @Setting(name = "mcp-max-calls-in-flight", description = "most requests one MCP session has unanswered at once", unit = "calls")
  public McpOptions setMaxCallsInFlight(int maxCallsInFlight) {
    this.maxCallsInFlight = positive("maxCallsInFlight", maxCallsInFlight);
    return this;
  }

  /** @return interval of SSE keep-alive comments and wait progress; default 10 s */
  public Duration getKeepalive() {
    return keepalive;
  }

  /** @param keepalive interval of SSE keep-alive comments and wait progress, at least 1 ms */
  @Setting(name = "mcp-keepalive", description = "interval of SSE keep-alive comments, and of progress while a tool waits")
  public McpOptions setKeepalive(Duration keepalive) {
    this.keepalive = positive("keepalive", keepalive);
    return this;
  }

  private static int positive(String name, int value) {
    if (value < 1) {
      throw new IllegalArgumentException(name + " must be at least 1, was " + value);
    }
    return value;
  }

  private static Duration positive(String name, Duration value) {
    Objects.requireNonNull(value, name);
    if (value.toMillis() < 1) {
      throw new IllegalArgumentException(name + " must be at least 1 ms, was " + value);
    }
    return value;
  }
}
