package dev.workspace.client;

/**
 * Which page of a channel's history to read. With no cursor the newest {@code limit} events come back; with
 * {@code before} the newest events below that offset (page backwards by passing the first offset you got); with
 * {@code after} the oldest events above that offset (page forwards by passing the last offset you got).
 *
 * @param before only offsets below this, or {@code null}
 * @param after only offsets above this, or {@code null}
 * @param limit most events in the page, or {@code null} for the server's default (100; the server allows up to 500)
 */
public record HistoryQuery(Long before, Long after, Integer limit) {
  /**
   * Checks that offsets are not negative and the limit is at least 1.
   *
   * @param before only offsets below this, or {@code null}
   * @param after only offsets above this, or {@code null}
   * @param limit most events, or {@code null}
   */
  public HistoryQuery {
    if (before != null && before < 0) {
      throw new IllegalArgumentException("before must not be negative, was " + before);
    }
    if (after != null && after < 0) {
      throw new IllegalArgumentException("after must not be negative, was " + after);
    }
    if (limit != null && limit < 1) {
      throw new IllegalArgumentException("limit must be at least 1, was " + limit);
    }
  }

  /**
   * @param limit most events, at least 1
   * @return the query for the newest {@code limit} events
   */
  public static HistoryQuery latest(int limit) {
    return new HistoryQuery(null, null, limit);
  }

  /**
   * @param offset the exclusive upper bound
   * @param limit most events, at least 1
   * @return the query for the newest {@code limit} events with offsets below {@code offset}
   */
  public static HistoryQuery before(long offset, int limit) {
    return new HistoryQuery(offset, null, limit);
  }

  /**
   * @param offset the exclusive lower bound
   * @param limit most events, at least 1
   * @return the query for the oldest {@code limit} events with offsets above {@code offset}
   */
  public static HistoryQuery after(long offset, int limit) {
    return new HistoryQuery(null, offset, limit);
  }
}
