package dev.workspace.server;

import dev.workspace.server.config.Setting;
import java.time.Duration;

/** How much of each stream a node keeps for history and recovery. Setters check their argument and return {@code this}. */
public final class StreamOptions {
  /** Default channel history kept per channel, in events. */
  public static final int DEFAULT_HISTORY_SIZE = 1000;
  /** Default events kept per agent inbox and per workspace broadcast stream. */
  public static final int DEFAULT_INBOX_SIZE = 1000;
  /** Default time an agent's inbox is kept after it disconnects, for recovery. */
  public static final Duration DEFAULT_INBOX_RETENTION = Duration.ofMinutes(5);

  private int historySize = DEFAULT_HISTORY_SIZE;
  private int inboxSize = DEFAULT_INBOX_SIZE;
  private Duration inboxRetention = DEFAULT_INBOX_RETENTION;

  /** Options with every default. */
  public StreamOptions() {
  }

  /** @param other the options to copy */
  public StreamOptions(StreamOptions other) {
    this.historySize = other.historySize;
    this.inboxSize = other.inboxSize;
    this.inboxRetention = other.inboxRetention;
  }

  /** @return events kept per channel; default {@value #DEFAULT_HISTORY_SIZE} */
  public int getHistorySize() {
    return historySize;
  }

  /** @param historySize events kept per channel, at least 1 */
  @Setting(name = "history-size", unit = "events", description = "events kept per channel for history and recovery")
  public StreamOptions setHistorySize(int historySize) {
    this.historySize = Checks.positive("historySize", historySize);
    return this;
  }

  /** @return events kept per agent inbox and broadcast stream; default {@value #DEFAULT_INBOX_SIZE} */
  public int getInboxSize() {
    return inboxSize;
  }

  /** @param inboxSize events kept per agent inbox and broadcast stream, at least 1 */
  @Setting(name = "inbox-size", unit = "events", description = "events kept per agent inbox and per workspace broadcast stream")
  public StreamOptions setInboxSize(int inboxSize) {
    this.inboxSize = Checks.positive("inboxSize", inboxSize);
    return this;
  }

  /** @return how long an agent's inbox is kept after it disconnects; default 5 minutes */
  public Duration getInboxRetention() {
    return inboxRetention;
  }

  /** @param inboxRetention how long an agent's inbox is kept after it disconnects, not negative */
  @Setting(name = "inbox-retention", description = "how long an agent's inbox is kept after it disconnects, for recovery")
  public StreamOptions setInboxRetention(Duration inboxRetention) {
    this.inboxRetention = Checks.notNegative("inboxRetention", inboxRetention);
    return this;
  }
}
