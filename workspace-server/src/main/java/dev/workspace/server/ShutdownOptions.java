package dev.workspace.server;

import dev.workspace.server.config.Setting;
import java.time.Duration;

/** How a node stops on SIGTERM. Setters check their argument and return {@code this}. */
public final class ShutdownOptions {
  /** Default longest time a stopping node waits for its connections' queued events to be written. */
  public static final Duration DEFAULT_DRAIN_TIMEOUT = Duration.ofSeconds(10);

  private Duration drainTimeout = DEFAULT_DRAIN_TIMEOUT;

  /** Options with every default. */
  public ShutdownOptions() {
  }

  /** @param other the options to copy */
  public ShutdownOptions(ShutdownOptions other) {
    this.drainTimeout = other.drainTimeout;
  }

  /** @return longest time a stopping node waits for queued events to be written; default 10 s */
  public Duration getDrainTimeout() {
    return drainTimeout;
  }

  /** @param drainTimeout longest time a stopping node waits for queued events to be written, positive */
  @Setting(name = "drain-timeout", description = "on SIGTERM, longest wait for every connection's queued events to be written before it is closed")
  public ShutdownOptions setDrainTimeout(Duration drainTimeout) {
    this.drainTimeout = Checks.positive("drainTimeout", drainTimeout);
    return this;
  }
}
