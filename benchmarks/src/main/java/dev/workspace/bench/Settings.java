package dev.workspace.bench;

import java.util.List;
import java.util.Set;

/**
 * How long and how big each scenario runs.
 *
 * @param repeats how many times every scenario runs against every peer, interleaved
 * @param warmupMillis unmeasured time before each measurement
 * @param runMillis measured time of each measurement
 * @param fanOuts the subscriber counts of B1
 * @param payloadBytes size of each message's payload
 * @param deliveriesInFlight B1's throughput window: published deliveries not yet received
 * @param offeredDeliveriesPerSecond B1's fixed rate for latency, in deliveries per second
 * @param bystanders B4's connections holding wildcard subscriptions
 * @param patternsEach B4's subscriptions per bystander
 * @param crossNodeSubscribers B5's subscribers
 * @param crossNodeEventsPerSecond B5's fixed publish rate
 * @param idleAgents B6's idle connections
 * @param scenarios the scenarios run ({@code B1}, {@code B3}, {@code B4}, {@code B5}, {@code B6})
 */
record Settings(int repeats, long warmupMillis, long runMillis, List<Integer> fanOuts, int payloadBytes,
    int deliveriesInFlight, int offeredDeliveriesPerSecond, int bystanders, int patternsEach,
    int crossNodeSubscribers, int crossNodeEventsPerSecond, int idleAgents, Set<String> scenarios) {
  /**
   * B1's throughput window never holds fewer events than this, whatever N: with 16,384 deliveries at N=1,000 the
   * publisher would have 16 events in flight, which caps every server at one write per 16 deliveries at best and
   * measures the round trip rather than fan-out. 64 events of 1,000 deliveries stay far below each connection's
   * outbound bound (64 frames of about 380 bytes).
   */
  static final int MIN_EVENTS_IN_FLIGHT = 64;

  /** Every scenario. */
  static final Set<String> ALL = Set.of("B1", "B3", "B4", "B5", "B6");

  Settings(int repeats, long warmupMillis, long runMillis, List<Integer> fanOuts, int payloadBytes,
      int deliveriesInFlight, int offeredDeliveriesPerSecond, int bystanders, int patternsEach,
      int crossNodeSubscribers, int crossNodeEventsPerSecond, int idleAgents) {
    this(repeats, warmupMillis, runMillis, fanOuts, payloadBytes, deliveriesInFlight, offeredDeliveriesPerSecond,
        bystanders, patternsEach, crossNodeSubscribers, crossNodeEventsPerSecond, idleAgents, ALL);
  }

  /** @return the same sizes, running only {@code names} */
  Settings only(Set<String> names) {
    if (!ALL.containsAll(names)) {
      throw new IllegalArgumentException("unknown scenario in " + names + "; known: " + new java.util.TreeSet<>(ALL));
    }
    return new Settings(repeats, warmupMillis, runMillis, fanOuts, payloadBytes, deliveriesInFlight,
        offeredDeliveriesPerSecond, bystanders, patternsEach, crossNodeSubscribers, crossNodeEventsPerSecond,
        idleAgents, Set.copyOf(names));
  }

  /** @return the same sizes with half the measured time, for the unmeasured pass that warms every server up */
  Settings warmUp() {
    return new Settings(1, warmupMillis, Math.max(100, runMillis / 2), fanOuts, payloadBytes, deliveriesInFlight,
        offeredDeliveriesPerSecond, bystanders, patternsEach, crossNodeSubscribers, crossNodeEventsPerSecond,
        idleAgents, scenarios);
  }

  /** @return whether {@code scenario} runs */
  boolean runs(String scenario) {
    return scenarios.contains(scenario);
  }

  /** About twenty minutes. */
  static Settings full() {
    return new Settings(3, 1000, 4000, List.of(10, 100, 1000), 128, 16_384, 20_000, 10, 1000, 10, 200, 10_000);
  }

  /** About four minutes, the warm-up included. */
  static Settings quick() {
    return new Settings(1, 500, 2000, List.of(10, 100, 1000), 128, 16_384, 20_000, 10, 1000, 10, 200, 2000);
  }

  /** Seconds: proves the harness runs end to end, measures nothing worth reading. */
  static Settings tiny() {
    return new Settings(1, 100, 300, List.of(2, 3), 128, 64, 200, 2, 5, 2, 50, 20);
  }
}
