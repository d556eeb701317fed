package dev.workspace.client.impl;

import java.time.Duration;
import java.util.Random;

/**
 * Capped exponential backoff with full jitter: attempt {@code n} (from 0) waits a uniformly random time in
 * {@code [0, min(max, initial * 2^n))} milliseconds.
 */
final class Backoff {
  private final long initialMs;
  private final long maxMs;
  private final Random random;

  Backoff(Duration initial, Duration max, Random random) {
    this.initialMs = initial.toMillis();
    this.maxMs = max.toMillis();
    this.random = random;
  }

  /** @return the cap of attempt {@code attempt}: {@code min(max, initial * 2^attempt)}, without overflow */
  long ceilingMillis(int attempt) {
    if (attempt >= Long.SIZE - 1 || initialMs > (maxMs >> attempt)) {
      return maxMs;
    }
    return Math.min(maxMs, initialMs << attempt);
  }

  /** @return the delay before attempt {@code attempt}, in milliseconds */
  long delayMillis(int attempt) {
    return random.nextLong(ceilingMillis(attempt));
  }
}
