package dev.workspace.server;

import dev.workspace.server.config.Setting;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/** How a node logs. Setters check their argument and return {@code this}. */
public final class LogOptions {
  /** The shapes of a log line. */
  public enum Format {
    /** One readable line per record. */
    TEXT,
    /** One JSON object per line, with the record's ids as fields. */
    JSON
  }

  /** Levels a logger can be set to. */
  public static final Set<String> LEVELS = Set.of("trace", "debug", "info", "warn", "error", "off");
  /** Default log level. */
  public static final String DEFAULT_LOG_LEVEL = "info";

  private Format logFormat = Format.TEXT;
  private String logLevel = DEFAULT_LOG_LEVEL;

  /** Options with every default. */
  public LogOptions() {
  }

  /** @param other the options to copy */
  public LogOptions(LogOptions other) {
    this.logFormat = other.logFormat;
    this.logLevel = other.logLevel;
  }

  /** @return the shape of log lines; default {@link Format#TEXT} */
  public Format getLogFormat() {
    return logFormat;
  }

  /** @param logFormat the shape of log lines */
  @Setting(name = "log-format", description = "text: readable lines; json: one JSON object per line with node, workspace, agent, session and event ids")
  public LogOptions setLogFormat(Format logFormat) {
    this.logFormat = Objects.requireNonNull(logFormat, "logFormat");
    return this;
  }

  /** @return the level of the server's own loggers; default {@value #DEFAULT_LOG_LEVEL} */
  public String getLogLevel() {
    return logLevel;
  }

  /** @param logLevel trace, debug, info, warn, error or off */
  @Setting(name = "log-level", description = "level of the server's loggers: trace, debug, info, warn, error or off")
  public LogOptions setLogLevel(String logLevel) {
    String l = Objects.requireNonNull(logLevel, "logLevel").trim().toLowerCase(Locale.ROOT);
    if (!LEVELS.contains(l)) {
      throw new IllegalArgumentException("logLevel must be one of trace, debug, info, warn, error, off, was '"
          + logLevel + "'");
    }
    this.logLevel = l;
    return this;
  }
}
