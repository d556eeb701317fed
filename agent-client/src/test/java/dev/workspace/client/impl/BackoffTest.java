package dev.workspace.client.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BackoffTest {
  private static final int SAMPLES = 2000;

  @Test
  void ceilingDoublesFromTheInitialDelayUntilTheCap() {
    Backoff backoff = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(10), new Random(1));
    assertEquals(100, backoff.ceilingMillis(0));
    assertEquals(200, backoff.ceilingMillis(1));
    assertEquals(400, backoff.ceilingMillis(2));
    assertEquals(6400, backoff.ceilingMillis(6));
    assertEquals(10_000, backoff.ceilingMillis(7));
    assertEquals(10_000, backoff.ceilingMillis(62));
    assertEquals(10_000, backoff.ceilingMillis(63));
    assertEquals(10_000, backoff.ceilingMillis(10_000));
  }

  @Test
  void ceilingNeverOverflowsWithHugeDelays() {
    long initial = Long.MAX_VALUE / 4;
    long max = Long.MAX_VALUE / 2;
    Backoff backoff = new Backoff(Duration.ofMillis(initial), Duration.ofMillis(max), new Random(1));
    assertEquals(initial, backoff.ceilingMillis(0));
    assertEquals(initial * 2, backoff.ceilingMillis(1));
    for (int attempt = 2; attempt < 70; attempt++) {
      assertEquals(max, backoff.ceilingMillis(attempt), "attempt " + attempt);
    }
  }

  @Test
  void anInitialDelayAboveTheCapIsCapped() {
    Backoff backoff = new Backoff(Duration.ofMillis(500), Duration.ofMillis(300), new Random(1));
    assertEquals(300, backoff.ceilingMillis(0));
    assertEquals(300, backoff.ceilingMillis(5));
  }

  @Test
  void delaysAreFullJitterWithinZeroAndTheCeiling() {
    Backoff backoff = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(10), new Random(42));
    for (int attempt = 0; attempt < 12; attempt++) {
      long ceiling = backoff.ceilingMillis(attempt);
      long min = Long.MAX_VALUE;
      long max = Long.MIN_VALUE;
      for (int i = 0; i < SAMPLES; i++) {
        long d = backoff.delayMillis(attempt);
        assertTrue(d >= 0 && d < ceiling, "attempt " + attempt + ": delay " + d + " outside [0, " + ceiling + ")");
        min = Math.min(min, d);
        max = Math.max(max, d);
      }
      assertTrue(min < ceiling / 10, "attempt " + attempt + ": full jitter reaches near 0, lowest was " + min);
      assertTrue(max >= ceiling * 9 / 10, "attempt " + attempt + ": full jitter reaches near the ceiling "
          + ceiling + ", highest was " + max);
    }
  }

  @Test
  void theSameSeedGivesTheSameDelays() {
    Backoff a = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(10), new Random(7));
    Backoff b = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(10), new Random(7));
    for (int attempt = 0; attempt < 20; attempt++) {
      assertEquals(a.delayMillis(attempt), b.delayMillis(attempt));
    }
  }

  @Test
  void aOneMillisecondCeilingAlwaysGivesZero() {
    Backoff backoff = new Backoff(Duration.ofMillis(1), Duration.ofMillis(1), new Random(3));
    for (int i = 0; i < 100; i++) {
      assertEquals(0, backoff.delayMillis(i));
    }
  }
}
