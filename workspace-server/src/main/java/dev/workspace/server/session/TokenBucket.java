package dev.workspace.server.session;

/**
 * A token bucket: holds at most {@code burst} tokens, refilled at {@code perSecond}; each frame takes one. Not
 * thread-safe: each connection owns its buckets on its event loop.
 */
public final class TokenBucket {
  private final double capacity;
  private final double perNano;
  private double tokens;
  private long last;

  /**
   * @param perSecond sustained rate, at least 1
   * @param burst capacity, at least 1
   * @param now {@link System#nanoTime()}
   */
  public TokenBucket(int perSecond, int burst, long now) {
    this.capacity = burst;
    this.perNano = perSecond / 1e9;
    this.tokens = burst;
    this.last = now;
  }

  /**
   * @param now {@link System#nanoTime()}
   * @return whether a token was taken
   */
  public boolean tryTake(long now) {
    tokens = Math.min(capacity, tokens + (now - last) * perNano);
    last = now;
    if (tokens >= 1) {
      tokens -= 1;
      return true;
    }
    return false;
  }
}
