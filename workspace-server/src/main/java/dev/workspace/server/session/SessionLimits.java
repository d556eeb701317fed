package dev.workspace.server.session;

import dev.workspace.model.ErrorCode;
import dev.workspace.model.Patterns;
import dev.workspace.model.ProtocolException;
import dev.workspace.server.ServerOptions;
import dev.workspace.server.edge.ServerMetrics;
import java.util.List;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One session's limits: frames per second (a refused frame is answered with {@code rate_limited}; a client that
 * keeps sending at twice the rate is flooding), mistakes in a row, channels and subscription patterns. Each limit
 * passed is counted in the metrics. Not thread-safe: it lives on the session's event loop.
 */
final class SessionLimits {
  private static final Logger LOG = LoggerFactory.getLogger(SessionLimits.class);

  /** What to do with an incoming frame. */
  enum Admission {
    /** Handle it. */
    HANDLE,
    /** Refuse it with {@code rate_limited}. */
    REFUSE,
    /** Close the session: it keeps sending far past the rate. */
    FLOOD
  }

  private final ServerOptions options;
  private final ServerMetrics metrics;
  private final Supplier<String> who;
  private final TokenBucket frameBudget;
  private final TokenBucket refusedBudget;
  private boolean rateLimited;
  private int errorsInRow;

  /**
   * @param who names the session in logs: {@code session=... agent=... remote=...}
   */
  SessionLimits(ServerOptions options, ServerMetrics metrics, Supplier<String> who, long now) {
    this.options = options;
    this.metrics = metrics;
    this.who = who;
    int rate = options.getMaxFramesPerSecond();
    this.frameBudget = rate == 0 ? null : new TokenBucket(rate, options.getFrameBurst(), now);
    this.refusedBudget = rate == 0 ? null : new TokenBucket(rate, options.getFrameBurst(), now);
  }

  Admission admit(long now) {
    if (frameBudget == null || frameBudget.tryTake(now)) {
      rateLimited = false;
      return Admission.HANDLE;
    }
    if (!refusedBudget.tryTake(now)) {
      metrics.limitHit("flood");
      LOG.warn("closing flooding connection {}: kept sending past {} frames per second", who.get(),
          options.getMaxFramesPerSecond());
      return Admission.FLOOD;
    }
    if (!rateLimited) {
      rateLimited = true;
      metrics.limitHit("rate");
      LOG.info("rate limit reached {} limit={}/s burst={}", who.get(), options.getMaxFramesPerSecond(),
          options.getFrameBurst());
    }
    return Admission.REFUSE;
  }

  String floodReason() {
    return "flooding: kept sending past " + options.getMaxFramesPerSecond() + " frames per second";
  }

  String rateMessage() {
    return "more than " + options.getMaxFramesPerSecond() + " frames per second (burst " + options.getFrameBurst()
        + "); this frame was not processed";
  }

  /** An ack or pong was sent: the run of mistakes ends. */
  void answered() {
    errorsInRow = 0;
  }

  /**
   * Counts an error sent.
   *
   * @param code its code
   * @return the errors in a row so far when they reached the limit (the session should close), else 0
   */
  int erred(ErrorCode code) {
    metrics.error(code);
    if (isMistake(code) && ++errorsInRow >= options.getMaxErrorsInRow()) {
      metrics.limitHit("errors_in_row");
      LOG.warn("closing {}: {} errors in a row", who.get(), errorsInRow);
      return errorsInRow;
    }
    return 0;
  }

  /** Errors that say the client did something wrong, as opposed to the state of the world or the server. */
  private static boolean isMistake(ErrorCode code) {
    return code != ErrorCode.NOT_FOUND && code != ErrorCode.RATE_LIMITED && code != ErrorCode.UNAVAILABLE
        && code != ErrorCode.INTERNAL;
  }

  void checkChannels(int count) {
    int max = options.getMaxChannelsPerConnection();
    if (count > max) {
      metrics.limitHit("channels");
      throw new ProtocolException(ErrorCode.LIMIT_EXCEEDED, "a connection may be in at most " + max + " channels");
    }
  }

  void checkPatterns(List<String> list, int total) {
    for (String p : list) {
      checkPattern(p);
    }
    if (total > options.getMaxSubscriptions()) {
      metrics.limitHit("subscriptions");
      throw new ProtocolException(ErrorCode.LIMIT_EXCEEDED,
          "a connection holds at most " + options.getMaxSubscriptions() + " patterns");
    }
  }

  void checkPattern(String p) {
    int maxLength = options.getMaxPatternLength();
    int maxSegments = options.getMaxPatternSegments();
    if (p != null && p.length() > maxLength) {
      metrics.limitHit("pattern_length");
      throw new ProtocolException(ErrorCode.LIMIT_EXCEEDED,
          "pattern is " + p.length() + " characters, the limit is " + maxLength);
    }
    if (p != null) {
      int segments = 1;
      for (int i = 0; i < p.length(); i++) {
        if (p.charAt(i) == '.') {
          segments++;
        }
      }
      if (segments > maxSegments) {
        metrics.limitHit("pattern_segments");
        throw new ProtocolException(ErrorCode.LIMIT_EXCEEDED,
            "pattern has " + segments + " segments, the limit is " + maxSegments);
      }
    }
    Patterns.validate(p, Integer.MAX_VALUE, Integer.MAX_VALUE);
  }
}
