package dev.workspace.server;

import dev.workspace.server.config.Setting;
import dev.workspace.server.core.RunLimits;
import java.time.Duration;

/** The bounds of the run tracker. Setters check their argument and return {@code this}. */
public final class RunOptions {
  private int maxOpenRuns = RunLimits.DEFAULT_MAX_OPEN_RUNS;
  private int maxOpenRunsPerRequester = RunLimits.DEFAULT_MAX_OPEN_RUNS_PER_REQUESTER;
  private int maxLogEvents = RunLimits.DEFAULT_MAX_LOG_EVENTS;
  private int maxLogBytes = (int) RunLimits.DEFAULT_MAX_LOG_BYTES;
  private Duration retention = RunLimits.DEFAULT_RETENTION;
  private int maxEndedRuns = RunLimits.DEFAULT_MAX_ENDED_RUNS;

  /** Options with every default. */
  public RunOptions() {
  }

  /** @param other the options to copy */
  public RunOptions(RunOptions other) {
    this.maxOpenRuns = other.maxOpenRuns;
    this.maxOpenRunsPerRequester = other.maxOpenRunsPerRequester;
    this.maxLogEvents = other.maxLogEvents;
    this.maxLogBytes = other.maxLogBytes;
    this.retention = other.retention;
    this.maxEndedRuns = other.maxEndedRuns;
  }

  /** @return the bounds as the core takes them */
  public RunLimits toLimits() {
    return new RunLimits(maxOpenRuns, maxOpenRunsPerRequester, maxLogEvents, maxLogBytes, retention, maxEndedRuns);
  }

  /** @return most open runs per workspace; default {@value RunLimits#DEFAULT_MAX_OPEN_RUNS} */
  public int getMaxOpenRuns() {
    return maxOpenRuns;
  }

  /** @param maxOpenRuns most open runs per workspace, at least 1 */
  @Setting(name = "max-open-runs", unit = "runs", description = "most runs open at once in one workspace")
  public RunOptions setMaxOpenRuns(int maxOpenRuns) {
    this.maxOpenRuns = Checks.positive("maxOpenRuns", maxOpenRuns);
    return this;
  }

  /** @return most open runs per requester; default {@value RunLimits#DEFAULT_MAX_OPEN_RUNS_PER_REQUESTER} */
  public int getMaxOpenRunsPerRequester() {
    return maxOpenRunsPerRequester;
  }

  /** @param maxOpenRunsPerRequester most open runs per requester, at least 1 */
  @Setting(name = "max-open-runs-per-requester", unit = "runs", description = "most runs one requester has open at once")
  public RunOptions setMaxOpenRunsPerRequester(int maxOpenRunsPerRequester) {
    this.maxOpenRunsPerRequester = Checks.positive("maxOpenRunsPerRequester", maxOpenRunsPerRequester);
    return this;
  }

  /** @return most events logged per run; default {@value RunLimits#DEFAULT_MAX_LOG_EVENTS} */
  public int getMaxLogEvents() {
    return maxLogEvents;
  }

  /** @param maxLogEvents most events logged per run (its end is always taken), at least 1 */
  @Setting(name = "max-run-log-events", unit = "events", description = "most events logged per run; its end is always taken")
  public RunOptions setMaxLogEvents(int maxLogEvents) {
    this.maxLogEvents = Checks.positive("maxLogEvents", maxLogEvents);
    return this;
  }

  /** @return most bytes of events logged per run; default 1 MiB */
  public int getMaxLogBytes() {
    return maxLogBytes;
  }

  /** @param maxLogBytes most bytes of encoded events logged per run (its end is always taken), at least 1 */
  @Setting(name = "max-run-log-bytes", unit = "bytes", description = "most bytes of events logged per run; its end is always taken")
  public RunOptions setMaxLogBytes(int maxLogBytes) {
    this.maxLogBytes = Checks.positive("maxLogBytes", maxLogBytes);
    return this;
  }

  /** @return how long a run is kept after its last event; default 1 hour */
  public Duration getRetention() {
    return retention;
  }

  /** @param retention how long a run is kept after its last event, at least 1 s */
  @Setting(name = "run-retention", description = "how long a run is kept after its last event, open or ended")
  public RunOptions setRetention(Duration retention) {
    Checks.positive("retention", retention);
    if (retention.toMillis() < 1000) {
      throw new IllegalArgumentException("retention must be at least 1 s, was " + retention);
    }
    this.retention = retention;
    return this;
  }

  /** @return most ended runs kept per workspace; default {@value RunLimits#DEFAULT_MAX_ENDED_RUNS} */
  public int getMaxEndedRuns() {
    return maxEndedRuns;
  }

  /** @param maxEndedRuns most ended runs kept per workspace (the one that ended first goes first), at least 1 */
  @Setting(name = "max-ended-runs", unit = "runs",
      description = "most ended runs kept per workspace within the retention; the one that ended first is forgotten first")
  public RunOptions setMaxEndedRuns(int maxEndedRuns) {
    this.maxEndedRuns = Checks.positive("maxEndedRuns", maxEndedRuns);
    return this;
  }
}
