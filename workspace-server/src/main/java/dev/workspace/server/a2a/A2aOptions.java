package dev.workspace.server.a2a;

import dev.workspace.server.config.Setting;
import java.time.Duration;
import java.util.Objects;

/**
 * Settings of the A2A face {@code /a2a/{agent}}. Setters check their argument and return {@code this}.
 */
public final class A2aOptions {
  /** Default largest request body: 16 MiB, room for a 10 MiB file sent inline as base64. */
  public static final int DEFAULT_MAX_BODY_SIZE = 16 * 1024 * 1024;
  /** Default most tasks one caller has open (not ended) on one node. */
  public static final int DEFAULT_MAX_OPEN_TASKS_PER_CALLER = 100;
  /** Default most SSE streams one caller has open on one node. */
  public static final int DEFAULT_MAX_STREAMS_PER_CALLER = 10;
  /** Default most tasks a node remembers (open and ended) beside the run tracker. */
  public static final int DEFAULT_MAX_TASKS = 10_000;
  /** Default wait of a blocking {@code SendMessage} before it answers with the task as it is. */
  public static final Duration DEFAULT_BLOCKING_WAIT = Duration.ofSeconds(60);
  /** Default time {@code CancelTask} waits for the agent's {@code run.canceled} before it cancels the task itself. */
  public static final Duration DEFAULT_CANCEL_GRACE = Duration.ofSeconds(5);
  /** Default interval of SSE keep-alive comments. */
  public static final Duration DEFAULT_KEEPALIVE = Duration.ofSeconds(10);

  private int maxBodySize = DEFAULT_MAX_BODY_SIZE;
  private int maxOpenTasksPerCaller = DEFAULT_MAX_OPEN_TASKS_PER_CALLER;
  private int maxStreamsPerCaller = DEFAULT_MAX_STREAMS_PER_CALLER;
  private int maxTasks = DEFAULT_MAX_TASKS;
  private Duration blockingWait = DEFAULT_BLOCKING_WAIT;
  private Duration cancelGrace = DEFAULT_CANCEL_GRACE;
  private Duration keepalive = DEFAULT_KEEPALIVE;

  /** Options with every default. */
  public A2aOptions() {
  }

  /**
   * Copies options.
   *
   * @param other the options to copy
   */
  public A2aOptions(A2aOptions other) {
    this.maxBodySize = other.maxBodySize;
    this.maxOpenTasksPerCaller = other.maxOpenTasksPerCaller;
    this.maxStreamsPerCaller = other.maxStreamsPerCaller;
    this.maxTasks = other.maxTasks;
    this.blockingWait = other.blockingWait;
    this.cancelGrace = other.cancelGrace;
    this.keepalive = other.keepalive;
  }

  /** @return largest request body in bytes; default 16 MiB */
  public int getMaxBodySize() {
    return maxBodySize;
  }

  /** @param maxBodySize largest request body in bytes, at least 1 */
  @Setting(name = "a2a-max-body-size", description = "largest body of an A2A request; larger gets 413 with an A2A error", unit = "bytes")
  public A2aOptions setMaxBodySize(int maxBodySize) {
    this.maxBodySize = positive("maxBodySize", maxBodySize);
    return this;
  }

  /** @return most open tasks per caller per node; default {@value #DEFAULT_MAX_OPEN_TASKS_PER_CALLER} */
  public int getMaxOpenTasksPerCaller() {
    return maxOpenTasksPerCaller;
  }

  /** @param maxOpenTasksPerCaller most open tasks per caller per node, at least 1 */
  @Setting(name = "a2a-max-open-tasks-per-caller", description = "most A2A tasks one caller has open on one node; a new message beyond it is refused (429)", unit = "tasks")
  public A2aOptions setMaxOpenTasksPerCaller(int maxOpenTasksPerCaller) {
    this.maxOpenTasksPerCaller = positive("maxOpenTasksPerCaller", maxOpenTasksPerCaller);
    return this;
  }

  /** @return most SSE streams per caller per node; default {@value #DEFAULT_MAX_STREAMS_PER_CALLER} */
  public int getMaxStreamsPerCaller() {
    return maxStreamsPerCaller;
  }

  /** @param maxStreamsPerCaller most SSE streams per caller per node, at least 1 */
  @Setting(name = "a2a-max-streams-per-caller", description = "most A2A SSE streams one caller has open on one node; a stream beyond it is refused (429)", unit = "streams")
  public A2aOptions setMaxStreamsPerCaller(int maxStreamsPerCaller) {
    this.maxStreamsPerCaller = positive("maxStreamsPerCaller", maxStreamsPerCaller);
    return this;
  }

  /** @return most tasks a node remembers; default {@value #DEFAULT_MAX_TASKS} */
  public int getMaxTasks() {
    return maxTasks;
  }

  /** @param maxTasks most tasks a node remembers beside the run tracker, at least 1 */
  @Setting(name = "a2a-max-tasks", description = "most A2A tasks a node keeps in memory; the oldest ended ones are forgotten first and are then read from the run tracker", unit = "tasks")
  public A2aOptions setMaxTasks(int maxTasks) {
    this.maxTasks = positive("maxTasks", maxTasks);
    return this;
  }

  /** @return longest wait of a blocking {@code SendMessage}; default 60 s */
  public Duration getBlockingWait() {
    return blockingWait;
  }

  /** @param blockingWait longest wait of a blocking {@code SendMessage}, at least 1 ms */
  @Setting(name = "a2a-blocking-wait", description = "longest a blocking A2A SendMessage waits for the task to end or ask for input before it answers with the task as it is")
  public A2aOptions setBlockingWait(Duration blockingWait) {
    this.blockingWait = positive("blockingWait", blockingWait);
    return this;
  }

  /** @return wait for the agent's {@code run.canceled} after {@code CancelTask}; default 5 s */
  public Duration getCancelGrace() {
    return cancelGrace;
  }

  /** @param cancelGrace wait for the agent's {@code run.canceled}, at least 1 ms */
  @Setting(name = "a2a-cancel-grace", description = "how long CancelTask waits for the agent to confirm with run.canceled before it cancels the task itself")
  public A2aOptions setCancelGrace(Duration cancelGrace) {
    this.cancelGrace = positive("cancelGrace", cancelGrace);
    return this;
  }

  /** @return interval of SSE keep-alive comments; default 10 s */
  public Duration getKeepalive() {
    return keepalive;
  }

  /** @param keepalive interval of SSE keep-alive comments, at least 1 ms */
  @Setting(name = "a2a-keepalive", description = "interval of keep-alive comments on A2A SSE streams")
  public A2aOptions setKeepalive(Duration keepalive) {
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
