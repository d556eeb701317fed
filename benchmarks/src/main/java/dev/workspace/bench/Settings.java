package dev.workspace.bench;

import java.util.List;

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
 */
record Settings(int repeats, long warmupMillis, long runMillis, List<Integer> fanOuts, int payloadBytes,
    int deliveriesInFlight, int offeredDeliveriesPerSecond, int bystanders, int patternsEach,
    int crossNodeSubscribers, int crossNodeEventsPerSecond, int idleAgents) {

  /** About twenty minutes. */
  static Settings full() {
    return new Settings(3, 1000, 4000, List.of(10, 100, 1000), 128, 16_384, 20_000, 10, 1000, 10, 200, 10_000);
  }

  /** About three minutes. */
  static Settings quick() {
    return new Settings(1, 500, 2000, List.of(10, 100, 1000), 128, 16_384, 20_000, 10, 1000, 10, 200, 2000);
  }

  /** Seconds: proves the harness runs end to end, measures nothing worth reading. */
  static Settings tiny() {
    return new Settings(1, 100, 300, List.of(2, 3), 128, 64, 200, 2, 5, 2, 50, 20);
  }
}
