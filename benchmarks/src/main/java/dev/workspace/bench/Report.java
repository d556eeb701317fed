package dev.workspace.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.style.Styler;

/**
 * Writes {@code BENCHMARKS.md} and its PNG charts from a run's results: every figure next to each peer's with the
 * ratio, and the targets checked. Text after the {@code <!-- notes -->} line of an existing report is kept.
 */
final class Report {
  static final String NOTES_MARK = "<!-- notes: hand-written below this line, kept when the report is rewritten -->";
  private static final List<String> PEERS = List.of("workspace", "nats-ws", "nats-tcp", "redis");
  private static final Map<String, String> NAMES = Map.of("workspace", "workspace (WebSocket)", "nats-ws",
      "NATS (WebSocket)", "nats-tcp", "NATS (TCP)", "redis", "Redis pub/sub", "workspace-cluster", "workspace cluster");

  private Report() {
  }

  static Path write(Path dir, Environment env, Settings s, Results results, List<String> failures,
      Profile.Summary profile, List<String> workspaceJvm)
      throws IOException {
    System.setProperty("java.awt.headless", "true");
    Files.createDirectories(dir.resolve("bench"));
    Path file = dir.resolve("BENCHMARKS.md");
    String notes = "";
    if (Files.exists(file)) {
      String old = Files.readString(file);
      int at = old.indexOf(NOTES_MARK);
      if (at >= 0) {
        notes = old.substring(at + NOTES_MARK.length());
      }
    }
    Map<Results.Row, Map<String, List<Double>>> all = results.all();
    StringBuilder md = new StringBuilder();
    md.append("# Benchmarks\n\n");
    md.append("Written by `scripts/bench").append(env.mode.equals("full") ? "" : " --" + env.mode)
        .append("` (").append(env.started).append(" to ").append(env.finished).append(" UTC). ");
    md.append("Every figure is a ratio measured side by side: the workspace server, NATS and Redis ran on the same ")
        .append(env.cores).append("-core machine in the same run, each as its own process on loopback, driven by one ")
        .append("Java load generator on the same machine with the same code for every peer, interleaved (the order of ")
        .append("the peers rotates every repeat) and repeated ").append(s.repeats()).append(" time")
        .append(s.repeats() == 1 ? "" : "s").append(". The machine was shared with other builds and was not otherwise ")
        .append("idle (load average ").append(env.loadAtStart).append(" at the start, ").append(env.loadAtEnd)
        .append(" at the end), so absolute figures are low and noisy; the ratios are what to read. Cells show the ")
        .append("median").append(s.repeats() > 1 ? " and, in brackets, the lowest and highest repeat" : "")
        .append("; a ratio is the workspace's median divided by the peer's. ↑ marks figures where more is better, ↓ ")
        .append("where less is.\n\n");
    md.append("## Machine and settings\n\n");
    md.append("| | |\n|---|---|\n");
    md.append("| CPU | ").append(env.cpu).append(", ").append(env.cores).append(" cores, ").append(env.memoryGiB)
        .append(" GiB |\n");
    md.append("| kernel | ").append(env.kernel).append(" |\n");
    md.append("| JVM (load generator and workspace server) | ").append(env.java).append(" |\n");
    md.append("| NATS | ").append(env.nats).append(" (Debian package), TCP and WebSocket listeners, defaults otherwise |\n");
    md.append("| Redis | ").append(env.redis).append(" (Debian package), no persistence |\n");
    md.append("| workspace server | `java ").append(String.join(" ", workspaceJvm))
        .append(" -jar workspace-server.jar ").append(String.join(" ", Servers.WORKSPACE_FLAGS))
        .append("`, one event loop per core").append(" |\n");
    md.append("| clients | Vert.x WebSocket client with raw workspace frames; NATS text protocol over a Vert.x ")
        .append("WebSocket; nats.java over TCP (B1 at N=1,000 and B6: NATS text protocol over Vert.x TCP, since nats.java keeps threads and buffers per connection); Vert.x Redis client, one client per connection (B6: `PING` over Vert.x TCP) |\n");
    md.append("| payload | ").append(s.payloadBytes()).append(" bytes per message (the workspace's JSON payload is ")
        .append("about that size, inside its event frame) |\n");
    md.append("| durations | ").append(s.warmupMillis()).append(" ms warm-up, ").append(s.runMillis())
        .append(" ms measured, per figure |\n\n");
    md.append("**Frame rate limit.** A workspace node limits each connection to 5,000 frames per second (burst ")
        .append("10,000) by default, to protect itself from one misbehaving client. The benchmark's publishers send ")
        .append("far more than that on one connection, and NATS and Redis have no such limit, so every node here runs ")
        .append("with `--max-frames-per-second 0` (no limit): the figures measure delivery, not the limiter. Every ")
        .append("other limit keeps its default, the 1 MiB outbound queue per connection included.\n\n");
    md.append("## How each scenario runs\n\n");
    md.append("- **B1 fan-out**: one publisher, N subscribers on one channel (subject). Throughput: the publisher ")
        .append("keeps at most ").append(s.deliveriesInFlight()).append(" deliveries, and never fewer than ")
        .append(Settings.MIN_EVENTS_IN_FLIGHT).append(" events, in flight (published, not yet ")
        .append("received by every subscriber; at N=1,000 a window of 16 events would cap any server at one write ")
        .append("per 16 deliveries and measure the round trip, not fan-out). Server write system calls (the kernel's `syscw`) and CPU time are ")
        .append("read from `/proc` of the server process. Latency: HdrHistogram of publish-to-receive time at a fixed ")
        .append("offered rate of ").append(s.offeredDeliveriesPerSecond()).append(" deliveries per second, each ")
        .append("message stamped with its intended send time (no coordinated omission).\n");
    md.append("- **B3 request/reply**: a requester and a responder; the workspace's request is an event with ")
        .append("`requires_response` to the responder's agent, answered by an event with `response_to`; NATS uses ")
        .append("a reply subject; Redis publishes to the service channel with a reply channel. One request in flight ")
        .append("(latency), then 16 (rate). Every peer's clients read only what they need from what arrives (the ")
        .append("workspace requester and responder find the ids in the frame's text, as B1's subscribers find their ")
        .append("stamp), so the load generator, which shares the two cores, spends alike on each.\n");
    md.append("- **B4 wildcards**: B1's throughput at N=100, alone and beside ").append(s.bystanders())
        .append(" more connections holding ").append(s.patternsEach()).append(" wildcard subscriptions each that ")
        .append("match nothing published (workspace: patterns of channel members; NATS: `SUB other.k.*`; Redis: ")
        .append("`PSUBSCRIBE`).\n");
    md.append("- **B5 two nodes**: ").append(s.crossNodeSubscribers()).append(" subscribers, ")
        .append(s.crossNodeEventsPerSecond()).append(" events per second, two workspace nodes through one Redis: ")
        .append("publisher and subscribers on node A, then publisher on A and subscribers on B. Redis `PUBLISH` ")
        .append("calls come from `INFO commandstats`.\n");
    md.append("- **B6 idle agents**: ").append(s.idleAgents()).append(" connections opened (at most 200 handshakes ")
        .append("at once) and kept idle, then all closed. Workspace agents subscribe to `bench.none`, so no one is ")
        .append("interested in their presence. RSS from `/proc`: memory per connection is the server's RSS with ")
        .append("every connection open, less its RSS before its first B6 of the run (a server keeps or reuses the ")
        .append("memory of connections it closed, so growth since each repeat's start would be about zero after the ")
        .append("first). Every peer's B6 runs against a fresh process of that server started for B6 alone, so that ")
        .append("what earlier scenarios left behind (a heap grown by fan-out and later given back, buffers kept) is ")
        .append("not counted for or against it; blocked-thread warnings counted in the node's log.\n\n");
    String targets = targets(all);
    md.append("## Targets\n\n").append(targets).append("\n");
    md.append(why(targets, profile, results.notes()));
    String[][] charts = {
        {"B1", "deliveries/s, N=", "b1-deliveries.png", "B1 fan-out: deliveries per second", "deliveries/s"},
        {"B1", "latency p50", "b1-latency-p50.png", "B1 latency p50 at a fixed rate", "µs"},
        {"B1", "latency p99", "b1-latency-p99.png", "B1 latency p99 at a fixed rate", "µs"},
        {"B3", "round trip p", "b3-round-trip.png", "B3 request/reply round trip, 1 in flight", "µs"},
        {"B3", "round trips/s", "b3-rate.png", "B3 request/reply rate", "round trips/s"},
        {"B4", "deliveries/s", "b4-wildcards.png", "B4 fan-out beside non-matching wildcards", "deliveries/s"},
        {"B6", "RSS", "b6-rss.png", "B6 server memory per idle connection", "KiB"},
        {"B6", "connects/s", "b6-connects.png", "B6 connects per second", "connects/s"}};
    Map<String, List<String>> chartsByScenario = new LinkedHashMap<>();
    for (String[] c : charts) {
      if (chart(all, c[0], c[1], dir.resolve("bench").resolve(c[2]), c[3], c[4])) {
        chartsByScenario.computeIfAbsent(c[0], k -> new ArrayList<>()).add("![" + c[3] + "](bench/" + c[2] + ")");
      }
    }
    for (String scenario : List.of("B1", "B3", "B4", "B5", "B6")) {
      md.append("## ").append(switch (scenario) {
        case "B1" -> "B1 fan-out";
        case "B3" -> "B3 request/reply";
        case "B4" -> "B4 non-matching wildcard subscriptions";
        case "B5" -> "B5 two nodes through Redis";
        default -> "B6 idle agents, connect and disconnect storms";
      }).append("\n\n");
      md.append(table(all, scenario)).append("\n");
      for (String img : chartsByScenario.getOrDefault(scenario, List.of())) {
        md.append(img).append("\n\n");
      }
    }
    if (!failures.isEmpty()) {
      md.append("## What failed in this run\n\n");
      for (String f : failures) {
        md.append("- ").append(f.replace("|", "\\|")).append("\n");
      }
      md.append("\n");
    }
    if (profile != null && profile.whole() != null) {
      md.append("## Where the workspace server spent its time\n\n").append(profile.whole()).append("\n");
    }
    md.append(NOTES_MARK).append(notes.isEmpty() ? "\n" : notes);
    Files.writeString(file, md.toString());
    return file;
  }

  private static String fmt(double v) {
    if (Double.isNaN(v)) {
      return "-";
    }
    double a = Math.abs(v);
    if (a >= 1000) {
      return String.format(Locale.ROOT, "%,.0f", v);
    }
    if (a >= 100) {
      return String.format(Locale.ROOT, "%.0f", v);
    }
    if (a >= 10) {
      return String.format(Locale.ROOT, "%.1f", v);
    }
    if (a >= 0.1) {
      return String.format(Locale.ROOT, "%.2f", v);
    }
    return String.format(Locale.ROOT, "%.3f", v);
  }

  private static String cell(List<Double> values) {
    if (values == null || values.isEmpty()) {
      return "-";
    }
    String m = fmt(Results.median(values));
    if (values.size() == 1) {
      return m;
    }
    double lo = values.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN);
    double hi = values.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
    return m + " (" + fmt(lo) + "–" + fmt(hi) + ")";
  }

  private static String table(Map<Results.Row, Map<String, List<Double>>> all, String scenario) {
    StringBuilder t = new StringBuilder();
    boolean cluster = scenario.equals("B5");
    if (cluster) {
      t.append("| figure | workspace cluster |\n|---|---|\n");
    } else {
      t.append("| figure | workspace | NATS (WebSocket) | ratio | NATS (TCP) | ratio | Redis | ratio |\n");
      t.append("|---|---|---|---|---|---|---|---|\n");
    }
    for (Map.Entry<Results.Row, Map<String, List<Double>>> e : all.entrySet()) {
      Results.Row row = e.getKey();
      if (!row.scenario().equals(scenario)) {
        continue;
      }
      Map<String, List<Double>> v = e.getValue();
      t.append("| ").append(row.higherIsBetter() ? "↑ " : "↓ ").append(row.figure()).append(" | ");
      if (cluster) {
        t.append(cell(v.get("workspace-cluster"))).append(" |\n");
        continue;
      }
      double ours = Results.median(v.get("workspace"));
      t.append(cell(v.get("workspace")));
      for (String peer : PEERS.subList(1, PEERS.size())) {
        double theirs = Results.median(v.get(peer));
        t.append(" | ").append(cell(v.get(peer))).append(" | ")
            .append(Double.isNaN(ours) || Double.isNaN(theirs) || theirs == 0 ? "-"
                : String.format(Locale.ROOT, "%.2f×", ours / theirs));
      }
      t.append(" |\n");
    }
    return t.toString();
  }

  private static double value(Map<Results.Row, Map<String, List<Double>>> all, String scenario, String figure,
      String peer) {
    for (Map.Entry<Results.Row, Map<String, List<Double>>> e : all.entrySet()) {
      if (e.getKey().scenario().equals(scenario) && e.getKey().figure().equals(figure)) {
        return Results.median(e.getValue().get(peer));
      }
    }
    return Double.NaN;
  }

  private static List<String> figures(Map<Results.Row, Map<String, List<Double>>> all, String scenario,
      String contains) {
    List<String> out = new ArrayList<>();
    for (Results.Row r : all.keySet()) {
      if (r.scenario().equals(scenario) && r.figure().contains(contains)) {
        out.add(r.figure());
      }
    }
    return out;
  }

  /**
   * The missed targets by how much, each scenario's with the profile of the workspace server while that scenario
   * ran, and a pointer to the analysis kept in the notes.
   */
  private static String why(String targets, Profile.Summary profile, Map<String, String> notes) {
    Map<String, List<String>> missed = new LinkedHashMap<>();
    for (String line : targets.split("\n")) {
      if (line.endsWith("| **no** |")) {
        String[] cells = line.split(" \\| ");
        String target = cells[0].substring(2);
        missed.computeIfAbsent(target.substring(0, 2), k -> new ArrayList<>()).add(target + ": " + cells[1]);
      }
    }
    if (missed.isEmpty()) {
      return "";
    }
    StringBuilder w = new StringBuilder("## Why targets are missed\n\n");
    w.append("Each missed target by how much, then where the workspace server's CPU went while that scenario ran ")
        .append("against it (JFR samples of this run). What the profiles show and what was changed because of them ")
        .append("is under [Analysis](#analysis) at the end.\n\n");
    for (Map.Entry<String, List<String>> e : missed.entrySet()) {
      w.append("### ").append(e.getKey()).append("\n\n");
      for (String m : e.getValue()) {
        w.append("- ").append(m).append("\n");
      }
      w.append("\n");
      String p = profile == null ? null : profile.byScenario().get(e.getKey());
      if (notes.containsKey(e.getKey())) {
        w.append(notes.get(e.getKey())).append("\n");
      }
      if (p != null) {
        w.append(p).append("\n");
      } else {
        w.append("No profile was recorded for it in this run (`--no-profile`, or the scenario failed).\n\n");
      }
    }
    return w.toString();
  }

  private static String targets(Map<Results.Row, Map<String, List<Double>>> all) {
    StringBuilder t = new StringBuilder("| target | measured | met |\n|---|---|---|\n");
    for (String f : figures(all, "B1", "deliveries/s, N=")) {
      ratio(t, "B1 " + f + ": at least 0.5× NATS (WebSocket)", value(all, "B1", f, "workspace"),
          value(all, "B1", f, "nats-ws"), 0.5, true);
    }
    for (String f : figures(all, "B1", "write calls per delivery")) {
      double v = value(all, "B1", f, "workspace");
      row(t, "B1 " + f + ": at most 0.05", fmt(v), v <= 0.05);
    }
    for (String f : figures(all, "B1", "latency")) {
      ratio(t, "B1 " + f + ": no worse than NATS (WebSocket)", value(all, "B1", f, "workspace"),
          value(all, "B1", f, "nats-ws"), 1.0, false);
    }
    for (String f : figures(all, "B3", "p50")) {
      ratio(t, "B3 " + f + ": at most 1.2× NATS (WebSocket)", value(all, "B3", f, "workspace"),
          value(all, "B3", f, "nats-ws"), 1.2, false);
    }
    for (String f : figures(all, "B3", "16 in flight")) {
      ratio(t, "B3 " + f + ": at least 0.7× NATS (WebSocket)", value(all, "B3", f, "workspace"),
          value(all, "B3", f, "nats-ws"), 0.7, true);
    }
    for (String f : figures(all, "B4", "rate kept")) {
      double v = value(all, "B4", f, "workspace");
      row(t, "B4 " + f + ": at least 90 %", fmt(v) + " %", v >= 90);
    }
    double one = Double.NaN;
    double two = Double.NaN;
    for (String f : figures(all, "B5", "latency p50")) {
      if (f.contains("one node")) {
        one = value(all, "B5", f, "workspace-cluster");
      } else {
        two = value(all, "B5", f, "workspace-cluster");
      }
    }
    if (!Double.isNaN(one) && !Double.isNaN(two)) {
      row(t, "B5 cross-node p50 at most 0.3 ms above one node", fmt(two - one) + " µs above", two - one <= 300);
    }
    for (String f : figures(all, "B5", "PUBLISH")) {
      double v = value(all, "B5", f, "workspace-cluster");
      row(t, "B5 " + f + ": one", fmt(v), Math.abs(v - 1) < 0.05);
    }
    for (String f : figures(all, "B6", "RSS")) {
      ratio(t, "B6 " + f + ": at most 1.5× NATS (WebSocket)", value(all, "B6", f, "workspace"),
          value(all, "B6", f, "nats-ws"), 1.5, false);
    }
    for (String f : figures(all, "B6", "connects/s")) {
      ratio(t, "B6 " + f + ": at least 0.5× NATS (WebSocket)", value(all, "B6", f, "workspace"),
          value(all, "B6", f, "nats-ws"), 0.5, true);
    }
    for (String f : figures(all, "B6", "blocked")) {
      double v = value(all, "B6", f, "workspace");
      row(t, "B6 " + f + ": none", fmt(v), v == 0);
    }
    return t.toString();
  }

  private static void ratio(StringBuilder t, String target, double ours, double theirs, double bound,
      boolean atLeast) {
    if (!(ours > 0) || !(theirs > 0)) {
      // A rate, latency or size at or below zero is a failed measurement, never a target met.
      row(t, target, String.format(Locale.ROOT, "not measured (%s against %s)", fmt(ours), fmt(theirs)), false);
      return;
    }
    double r = ours / theirs;
    boolean met = atLeast ? r >= bound : r <= bound;
    String by = met || Double.isNaN(r) ? "" : atLeast
        ? String.format(Locale.ROOT, ", %.0f %% short", 100 * (1 - r / bound))
        : String.format(Locale.ROOT, ", %.0f %% over", 100 * (r / bound - 1));
    row(t, target, String.format(Locale.ROOT, "%.2f× (%s against %s)%s", r, fmt(ours), fmt(theirs), by), met);
  }

  private static void row(StringBuilder t, String target, String measured, boolean met) {
    t.append("| ").append(target).append(" | ").append(measured).append(" | ").append(met ? "yes" : "**no**")
        .append(" |\n");
  }

  private static boolean chart(Map<Results.Row, Map<String, List<Double>>> all, String scenario, String contains,
      Path file, String title, String unit) throws IOException {
    List<Results.Row> rows = new ArrayList<>();
    for (Results.Row r : all.keySet()) {
      if (r.scenario().equals(scenario) && r.figure().contains(contains)) {
        rows.add(r);
      }
    }
    if (rows.isEmpty()) {
      return false;
    }
    CategoryChart chart = new CategoryChartBuilder().width(900).height(420).title(title).yAxisTitle(unit).build();
    chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS);
    chart.getStyler().setLegendLayout(Styler.LegendLayout.Horizontal);
    chart.getStyler().setChartBackgroundColor(java.awt.Color.WHITE);
    List<String> categories = new ArrayList<>();
    for (Results.Row r : rows) {
      categories.add(shortLabel(r.figure()));
    }
    for (String peer : PEERS) {
      List<Number> ys = new ArrayList<>();
      boolean any = false;
      for (Results.Row r : rows) {
        double v = Results.median(all.get(r).get(peer));
        any |= !Double.isNaN(v);
        ys.add(Double.isNaN(v) ? 0 : v);
      }
      if (any) {
        chart.addSeries(NAMES.get(peer), categories, ys);
      }
    }
    if (chart.getSeriesMap().isEmpty()) {
      return false;
    }
    String base = file.toString().replaceAll("\\.png$", "");
    BitmapEncoder.saveBitmap(chart, base, BitmapEncoder.BitmapFormat.PNG);
    return true;
  }

  private static String shortLabel(String figure) {
    int n = figure.indexOf("N=");
    String label = n >= 0 ? figure.substring(n) : figure;
    return label.length() > 40 ? label.substring(0, 40) + "…" : label;
  }
}
