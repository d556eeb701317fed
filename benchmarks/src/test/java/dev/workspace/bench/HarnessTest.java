package dev.workspace.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the benchmark's whole path once with tiny sizes (real servers, real clients, every scenario, the report and
 * its charts) so that the harness cannot rot. It asserts that every scenario ran against every peer and that every
 * server it started is gone, never how fast anything was.
 */
class HarnessTest {
  @Test
  void theTinyRunMeasuresEveryScenarioOnEveryPeerAndStopsEverything(@TempDir Path out) throws Exception {
    Path root = Path.of("").toAbsolutePath().getParent();
    Path report = Harness.run(root, out, "tiny", Settings.tiny(), false);
    String md = Files.readString(report);
    assertFalse(md.contains("## What failed"), md);
    for (String section : List.of("## Targets", "## B1 fan-out", "## B3 request/reply",
        "## B4 non-matching wildcard subscriptions", "## B5 two nodes through Redis", "## B6 idle agents")) {
      assertTrue(md.contains(section), "missing " + section);
    }
    for (String figure : List.of("deliveries/s, N=2", "deliveries/s, N=3", "server write calls per delivery, N=3",
        "latency p99 at 200 deliveries/s (µs), N=3", "round trip p50, 1 in flight (µs)", "round trips/s, 16 in flight",
        "rate kept beside 10 non-matching wildcard subscriptions (%)", "connects/s, 20 agents",
        "server RSS per idle connection (KiB), 20 agents", "event-loop blocked warnings during the storms")) {
      String row = md.lines().filter(l -> l.contains(" " + figure + " |")).findFirst()
          .orElseThrow(() -> new AssertionError("no row " + figure));
      if (!figure.startsWith("event-loop")) {
        assertEquals(8, row.split("\\|", -1).length - 1 - 1, row);
        assertFalse(row.matches(".*\\| - \\|.*"), "a peer has no figure: " + row);
      }
    }
    assertTrue(md.contains("Redis PUBLISH per event, publisher on node A, subscribers on node B"));
    for (String png : List.of("b1-deliveries.png", "b1-latency-p99.png", "b3-round-trip.png", "b3-rate.png",
        "b4-wildcards.png", "b6-rss.png", "b6-connects.png")) {
      byte[] head = Files.readAllBytes(out.resolve("bench").resolve(png));
      assertTrue(head.length > 1000 && head[1] == 'P' && head[2] == 'N' && head[3] == 'G', png);
    }
    assertEquals(0, ServerProcess.running(), "servers left running");
  }
}
