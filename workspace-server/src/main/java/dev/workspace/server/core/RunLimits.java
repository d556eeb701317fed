package dev.workspace.server.core;

import java.time.Duration;

/**
 * The bounds of the run tracker. Passing one of the first four is answered with {@code limit_exceeded}.
 *
 * @param maxOpenRuns most runs open at once in one workspace; default {@value #DEFAULT_MAX_OPEN_RUNS}
 * @param maxOpenRunsPerRequester most runs one requester has open at once; default
 *     {@value #DEFAULT_MAX_OPEN_RUNS_PER_REQUESTER}
 * @param maxLogEvents most events logged per run (the terminal event is always taken); default
 *     {@value #DEFAULT_MAX_LOG_EVENTS}
 * @param maxLogBytes most bytes of encoded events logged per run (the terminal event is always taken); default
 *     {@value #DEFAULT_MAX_LOG_BYTES} (1 MiB)
 * @param retention how long a run is kept after its last event, open or ended; default 1 hour
 * @param maxEndedRuns most ended runs kept per workspace within the retention: when one more run ends, the one that
 *     ended first is forgotten (read as {@code not_found}, as an expired one); default
 *     {@value #DEFAULT_MAX_ENDED_RUNS}
 */
public record RunLimits(int maxOpenRuns, int maxOpenRunsPerRequester, int maxLogEvents, long maxLogBytes,
    Duration retention, int maxEndedRuns) {
  /** Default most open runs per workspace. */
  public static final int DEFAULT_MAX_OPEN_RUNS = 10_000;
  /** Default most open runs per requester. */
  public static final int DEFAULT_MAX_OPEN_RUNS_PER_REQUESTER = 1_000;
  /** Default most events logged per run. */
  public static final int DEFAULT_MAX_LOG_EVENTS = 1_000;
  /** Default most bytes logged per run. */
  public static final long DEFAULT_MAX_LOG_BYTES = 1024 * 1024;
  /** Default time a run is kept after its last event. */
  public static final Duration DEFAULT_RETENTION = Duration.ofHours(1);
  /** Default most ended runs kept per workspace. */
  public static final int DEFAULT_MAX_ENDED_RUNS = 10_000;
  /** Every default. */
  public static final RunLimits DEFAULTS = new RunLimits(DEFAULT_MAX_OPEN_RUNS, DEFAULT_MAX_OPEN_RUNS_PER_REQUESTER,
      DEFAULT_MAX_LOG_EVENTS, DEFAULT_MAX_LOG_BYTES, DEFAULT_RETENTION, DEFAULT_MAX_ENDED_RUNS);

  /**
   * Bounds with the default number of ended runs kept.
   *
   * @param maxOpenRuns most runs open at once in one workspace
   * @param maxOpenRunsPerRequester most runs one requester has open at once
   * @param maxLogEvents most events logged per run
   * @param maxLogBytes most bytes of encoded events logged per run
   * @param retention how long a run is kept after its last event
   */
  public RunLimits(int maxOpenRuns, int maxOpenRunsPerRequester, int maxLogEvents, long maxLogBytes,
      Duration retention) {
    this(maxOpenRuns, maxOpenRunsPerRequester, maxLogEvents, maxLogBytes, retention, DEFAULT_MAX_ENDED_RUNS);
  }

  /** Checks every bound is at least 1 (and the retention at least 1 s). */
  public RunLimits {
    if (maxOpenRuns < 1 || maxOpenRunsPerRequester < 1 || maxLogEvents < 1 || maxLogBytes < 1 || maxEndedRuns < 1) {
      throw new IllegalArgumentException("run limits must be at least 1");
    }
    if (retention == null || retention.toMillis() < 1000) {
      throw new IllegalArgumentException("run retention must be at least 1 s, was " + retention);
    }
  }
}
