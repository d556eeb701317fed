package dev.workspace.bench;

import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.Request;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Runs B1, B3, B4, B5 and B6 against the workspace server, NATS over WebSocket and TCP, and Redis pub/sub, each
 * started here as its own process on loopback, interleaved and repeated; then writes {@code BENCHMARKS.md} and its
 * charts. Every server it started is stopped before it returns.
 *
 * <pre>scripts/bench [--quick | --tiny] [--only B1,B6] [--out DIR] [--no-profile]</pre>
 *
 * <p>The full run takes about twenty minutes and writes to {@code docs/}; {@code --quick} about four minutes and
 * writes to {@code benchmarks/target/bench-quick/}; {@code --tiny} a few seconds (the harness's own test).
 */
public final class Harness {
  /**
   * Largest fan-out measured through nats.java: it keeps several threads and buffers per connection, which a
   * thousand connections in one load generator cannot afford, so B1 at N=1,000 and B6 speak NATS's text protocol
   * over Vert.x TCP instead, like the WebSocket peer.
   */
  static final int JNATS_MAX_SUBSCRIBERS = 100;

  private Harness() {
  }

  /**
   * @param args see the class comment
   * @throws Exception when the run cannot start or a server fails
   */
  public static void main(String[] args) throws Exception {
    Map<String, String> flags = flags(args);
    Path root = Path.of(System.getProperty("bench.root", ".")).toAbsolutePath().normalize();
    String mode = flags.containsKey("--tiny") ? "tiny" : flags.containsKey("--quick") ? "quick" : "full";
    Settings settings = switch (mode) {
      case "tiny" -> Settings.tiny();
      case "quick" -> Settings.quick();
      default -> Settings.full();
    };
    Path out = Path.of(flags.getOrDefault("--out", mode.equals("full") ? root.resolve("docs").toString()
        : root.resolve("benchmarks/target/bench-" + mode).toString()));
    boolean profile = !flags.containsKey("--no-profile") && !mode.equals("tiny");
    if (flags.containsKey("--only")) {
      settings = settings.only(java.util.Set.of(flags.get("--only").toUpperCase(java.util.Locale.ROOT).split(",")));
      if (!flags.containsKey("--out")) {
        out = root.resolve("benchmarks/target/bench-" + mode + "-only");
      }
    }
    run(root, out, mode, settings, profile);
  }

  /**
   * Runs everything and writes the report.
   *
   * @param root the repository root
   * @param out where {@code BENCHMARKS.md} and the charts go
   * @param mode full, quick or tiny
   * @param settings the sizes and durations
   * @param profile whether the workspace server runs under JFR, summarised in the report
   * @return the report written
   * @throws Exception when the run cannot start
   */
  public static Path run(Path root, Path out, String mode, Settings settings, boolean profile) throws Exception {
    Path work = root.resolve("benchmarks/target/bench-run-" + mode);
    Files.createDirectories(work);
    Environment env = Environment.describe(settings, mode);
    Results results = new Results();
    List<String> failures = new ArrayList<>();
    List<ServerProcess> servers = new ArrayList<>();
    Vertx vertx = Vertx.vertx();
    Path jfr = work.resolve("workspace.jfr");
    Files.deleteIfExists(jfr);
    Files.deleteIfExists(Servers.nodeBRecording(jfr));
    Files.deleteIfExists(Servers.idleRecording(jfr));
    Profile.Summary profileSummary = null;
    List<Profile.Window> windows = new ArrayList<>();
    try {
      Servers s = Servers.start(root, work, servers, profile ? jfr : null);
      NatsTextPeer natsWs = new NatsTextPeer(vertx, "NATS (WebSocket)", "nats-ws", s.nats(), s.natsWsPort(), true,
          settings.payloadBytes());
      NatsTextPeer natsText = new NatsTextPeer(vertx, "NATS (TCP, text protocol)", "nats-tcp", s.nats(),
          s.natsPort(), false, settings.payloadBytes());
      List<Peer> peers = List.of(
          new WorkspacePeer(vertx, "workspace (WebSocket)", "workspace", s.workspace(), s.workspacePort(),
              s.workspacePort(), settings.payloadBytes()),
          natsWs,
          new JnatsPeer(s.nats(), s.natsPort(), settings.payloadBytes(), natsText),
          new RedisPeer(vertx, s.redis(), s.redisPort(), settings.payloadBytes()));
      Peer oneNode = new WorkspacePeer(vertx, "workspace, one node of the cluster", "workspace-cluster",
          s.nodeA(), s.nodeAPort(), s.nodeAPort(), settings.payloadBytes());
      Peer twoNodes = new WorkspacePeer(vertx, "workspace, across two nodes", "workspace-cluster", s.nodeB(),
          s.nodeBPort(), s.nodeAPort(), settings.payloadBytes());
      RedisConnection stats = Scenarios.await(Redis.createClient(vertx, "redis://127.0.0.1:" + s.clusterRedisPort())
          .connect(), 30);
      Scenarios.RedisStats publishes = () -> commandCalls(stats, "publish");
      List<Peer> idlePeers = List.of();
      int idlePort = -1;
      if (settings.runs("B6")) {
        Servers.Idle idle = Servers.startIdle(root, work, servers, profile ? jfr : null);
        idlePort = idle.workspacePort();
        NatsTextPeer idleNatsText = new NatsTextPeer(vertx, "NATS (TCP, text protocol)", "nats-tcp", idle.nats(),
            idle.natsPort(), false, settings.payloadBytes());
        idlePeers = List.of(
            new WorkspacePeer(vertx, "workspace (WebSocket)", "workspace", idle.workspace(), idle.workspacePort(),
                idle.workspacePort(), settings.payloadBytes()),
            new NatsTextPeer(vertx, "NATS (WebSocket)", "nats-ws", idle.nats(), idle.natsWsPort(), true,
                settings.payloadBytes()),
            new JnatsPeer(idle.nats(), idle.natsPort(), settings.payloadBytes(), idleNatsText),
            new RedisPeer(vertx, idle.redis(), idle.redisPort(), settings.payloadBytes()));
      }
      Scenarios sc = new Scenarios(vertx, settings, results);
      warmUp(new Scenarios(vertx, settings.warmUp(), new Results()), peers, natsText, settings);
      for (int r = 0; r < settings.repeats(); r++) {
        List<Peer> order = rotate(peers, r);
        System.out.printf("repeat %d of %d%n", r + 1, settings.repeats());
        for (int n : settings.runs("B1") ? settings.fanOuts() : List.<Integer>of()) {
          for (Peer p : order) {
            Peer q = n > JNATS_MAX_SUBSCRIBERS && p instanceof JnatsPeer ? natsText : p;
            attempt(failures, "B1 N=" + n + " " + q.name(), () -> sc.fanOut(q, n, 0), q, windows);
          }
        }
        for (Peer p : settings.runs("B3") ? order : List.<Peer>of()) {
          attempt(failures, "B3 " + p.name(), () -> sc.requestReply(p), p, windows);
        }
        int wildN = settings.fanOuts().contains(100) ? 100 : settings.fanOuts().get(settings.fanOuts().size() - 1);
        for (Peer p : settings.runs("B4") ? order : List.<Peer>of()) {
          attempt(failures, "B4 " + p.name(), () -> sc.wildcards(p, wildN, settings.bystanders(),
              settings.patternsEach()), p, windows);
        }
        if (settings.runs("B5")) {
          attempt(failures, "B5", () -> sc.crossNode(oneNode, twoNodes, s.clusterRedis(),
              settings.crossNodeSubscribers(), settings.crossNodeEventsPerSecond(), publishes), null, windows);
        }
        int b6Port = idlePort;
        for (Peer p : rotate(idlePeers, r)) {
          attempt(failures, "B6 " + p.name(), () -> sc.idleConnections(p, settings.idleAgents(), p.server(),
              p.key().equals("workspace") ? b6Port : -1), p, windows);
        }
      }
      stats.close();
      env.finish(s);
    } finally {
      for (int i = servers.size() - 1; i >= 0; i--) {
        servers.get(i).stop();
      }
      Scenarios.await(vertx.close(), 60);
    }
    if (profile && Files.exists(jfr)) {
      profileSummary = Profile.summarize(jfr, 25,
          windows.stream().filter(w -> !w.name().equals("B5") && !w.name().equals("B6")).toList());
      profileSummary = withScenario(profileSummary, "B5", Servers.nodeBRecording(jfr), windows,
          "Node B of the cluster, where B5's subscribers are: ");
      profileSummary = withScenario(profileSummary, "B6", Servers.idleRecording(jfr), windows,
          "The workspace node started for B6 alone: ");
    }
    Path report = Report.write(out, env, settings, results, failures, profileSummary,
        Servers.workspaceJvm(root));
    System.out.println("wrote " + report);
    return report;
  }

  /**
   * Puts in {@code summary} the profile of one scenario taken from another node's recording (B5's node B, B6's
   * node of its own), over that scenario's windows; unchanged when the recording or the windows are missing.
   */
  private static Profile.Summary withScenario(Profile.Summary summary, String scenario, Path recording,
      List<Profile.Window> windows, String label) throws java.io.IOException {
    List<Profile.Window> mine = windows.stream().filter(w -> w.name().equals(scenario)).toList();
    if (!Files.exists(recording) || mine.isEmpty()) {
      return summary;
    }
    Profile.Summary other = Profile.summarize(recording, 25, mine);
    if (other == null || !other.byScenario().containsKey(scenario)) {
      return summary;
    }
    Map<String, String> merged = new java.util.LinkedHashMap<>(summary == null ? Map.of() : summary.byScenario());
    merged.put(scenario, label + other.byScenario().get(scenario));
    return new Profile.Summary(summary == null ? null : summary.whole(), merged);
  }

  /**
   * An unmeasured pass of fan-out and request/reply against every peer before the first measurement, so that no
   * peer's first figure is a cold JVM's (the workspace server's JIT) or a cold process's. Its results are dropped.
   */
  private static void warmUp(Scenarios warm, List<Peer> peers, Peer natsText, Settings settings) {
    System.out.println("warming up (unmeasured)");
    int n = settings.fanOuts().get(settings.fanOuts().size() / 2);
    List<String> ignored = new ArrayList<>();
    for (Peer p : peers) {
      Peer q = n > JNATS_MAX_SUBSCRIBERS && p instanceof JnatsPeer ? natsText : p;
      if (settings.runs("B1") || settings.runs("B4")) {
        attempt(ignored, "warm-up B1 N=" + n + " " + q.name(), () -> warm.fanOut(q, n, 0), null, new ArrayList<>());
      }
      if (settings.runs("B3")) {
        attempt(ignored, "warm-up B3 " + p.name(), () -> warm.requestReply(p), null, new ArrayList<>());
      }
    }
  }

  private static long commandCalls(RedisConnection conn, String command) {
    String info = Scenarios.await(conn.send(Request.cmd(Command.INFO).arg("commandstats")), 30).toString();
    for (String line : info.split("\r?\n")) {
      if (line.startsWith("cmdstat_" + command + ":")) {
        for (String part : line.substring(line.indexOf(':') + 1).split(",")) {
          if (part.startsWith("calls=")) {
            return Long.parseLong(part.substring(6));
          }
        }
      }
    }
    return 0;
  }

  /**
   * Runs one scenario against one peer, recording a failure instead of ending the run; the periods it ran against
   * the profiled workspace server are kept for the profile's summary per scenario.
   */
  private static void attempt(List<String> failures, String what, Runnable run, Peer peer,
      List<Profile.Window> windows) {
    long t0 = System.nanoTime();
    java.time.Instant from = java.time.Instant.now();
    try {
      run.run();
      if (peer != null && peer.key().equals("workspace") || what.equals("B5")) {
        windows.add(new Profile.Window(what.contains(" ") ? what.substring(0, what.indexOf(' ')) : what, from,
            java.time.Instant.now()));
      }
      System.out.printf("  %-50s %.1f s%n", what, (System.nanoTime() - t0) / 1e9);
    } catch (RuntimeException e) {
      Throwable c = e;
      while (c.getCause() != null) {
        c = c.getCause();
      }
      String msg = what + ": " + c;
      System.out.println("  FAILED " + msg);
      failures.add(msg);
    }
  }

  private static <T> List<T> rotate(List<T> list, int by) {
    List<T> out = new ArrayList<>();
    for (int i = 0; i < list.size(); i++) {
      out.add(list.get((i + by) % list.size()));
    }
    return out;
  }

  private static Map<String, String> flags(String[] args) {
    Map<String, String> out = new java.util.HashMap<>();
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--out") || args[i].equals("--only")) {
        out.put(args[i], args[++i]);
      } else if (args[i].startsWith("--")) {
        out.put(args[i], "");
      } else {
        throw new IllegalArgumentException("unknown argument " + args[i]);
      }
    }
    return out;
  }
}
