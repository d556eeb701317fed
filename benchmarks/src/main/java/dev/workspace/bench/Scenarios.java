package dev.workspace.bench;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntFunction;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/**
 * The scenarios, written once against {@link Peer}: every peer runs the same code. Every loop is bounded in count
 * and time.
 */
final class Scenarios {
  private static final long MAX_LATENCY_NANOS = TimeUnit.SECONDS.toNanos(60);

  private final Vertx vertx;
  private final Settings settings;
  private final Results results;

  Scenarios(Vertx vertx, Settings settings, Results results) {
    this.vertx = vertx;
    this.settings = settings;
    this.results = results;
  }

  static <T> T await(Future<T> f, long seconds) {
    try {
      return f.toCompletionStage().toCompletableFuture().get(seconds, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("no result within " + seconds + " s", e);
    }
  }

  /** Opens {@code count} connections, at most {@code parallel} handshakes at once. */
  static <T> List<T> openAll(int count, int parallel, IntFunction<Future<T>> open, long seconds) {
    List<T> out = new ArrayList<>(count);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    for (int from = 0; from < count; from += parallel) {
      List<Future<T>> batch = new ArrayList<>();
      for (int i = from; i < Math.min(count, from + parallel); i++) {
        batch.add(open.apply(i));
      }
      long left = Math.max(1, TimeUnit.NANOSECONDS.toSeconds(deadline - System.nanoTime()));
      await(Future.all(batch), left);
      for (Future<T> f : batch) {
        out.add(f.result());
      }
    }
    return out;
  }

  static void closeAll(List<? extends Peer.Conn> conns) {
    List<Future<Void>> closing = new ArrayList<>();
    for (Peer.Conn c : conns) {
      closing.add(c.close().otherwiseEmpty());
    }
    await(Future.join(closing).otherwiseEmpty(), 120);
  }

  private static String tag(int n) {
    return Long.toString(System.nanoTime(), 36) + "-" + n;
  }

  // ------------------------------------------------------------------ B1 and B4: fan-out

  /** What one fan-out run measured. */
  record FanOut(double deliveriesPerSecond, double writesPerDelivery, double deliveriesPerCpuSecond) {
  }

  /**
   * B1: one publisher, {@code n} subscribers; throughput with a bounded window of deliveries in flight, then
   * latency at a fixed offered rate of deliveries.
   */
  void fanOut(Peer peer, int n, int repeat) {
    String topic = "fan" + tag(n);
    AtomicLong received = new AtomicLong();
    ConcurrentHistogram latency = new ConcurrentHistogram(MAX_LATENCY_NANOS, 3);
    AtomicBoolean measuring = new AtomicBoolean();
    Runnable[] onEvent = {() -> { }};
    List<Peer.Conn> subs = openAll(n, 100, i -> peer.subscriber("sub-" + topic + "-" + i, topic, stamp -> {
      long r = received.incrementAndGet();
      if (measuring.get() && stamp > 0) {
        latency.recordValue(Math.min(MAX_LATENCY_NANOS, Math.max(0, System.nanoTime() - stamp)));
      }
      if (r % n == 0) {
        onEvent[0].run();
      }
    }), 300);
    Peer.Publisher pub = await(peer.publisher("pub-" + topic, topic), 60);
    try {
      FanOut f = throughput(peer, pub, n, received, onEvent);
      String suffix = ", N=" + n;
      results.add("B1", "deliveries/s" + suffix, true, peer.key(), f.deliveriesPerSecond());
      results.add("B1", "server write calls per delivery" + suffix, false, peer.key(), f.writesPerDelivery());
      results.add("B1", "deliveries per server CPU-second" + suffix, true, peer.key(), f.deliveriesPerCpuSecond());
      onEvent[0] = () -> { };
      String rate = String.format(java.util.Locale.ROOT, "%,d deliveries/s", settings.offeredDeliveriesPerSecond());
      fixedRate(pub, n, settings.offeredDeliveriesPerSecond() / (double) n, received, latency, measuring);
      results.add("B1", "latency p50 at " + rate + " (µs)"
          + suffix, false, peer.key(), latency.getValueAtPercentile(50) / 1e3);
      results.add("B1", "latency p99 at " + rate + " (µs)"
          + suffix, false, peer.key(), latency.getValueAtPercentile(99) / 1e3);
    } finally {
      subs.add(pub);
      closeAll(subs);
    }
  }

  private FanOut throughput(Peer peer, Peer.Publisher pub, int n, AtomicLong received, Runnable[] onEvent) {
    long windowEvents = Math.max(Settings.MIN_EVENTS_IN_FLIGHT, settings.deliveriesInFlight() / n);
    long base = received.get();
    AtomicLong published = new AtomicLong();
    AtomicBoolean running = new AtomicBoolean(true);
    AtomicBoolean pumping = new AtomicBoolean();
    Runnable pump = () -> {
      if (!pumping.compareAndSet(false, true)) {
        return;
      }
      try {
        while (running.get() && published.get() - (received.get() - base) / n < windowEvents) {
          published.incrementAndGet();
          pub.publish(System.nanoTime());
        }
      } finally {
        pumping.set(false);
      }
    };
    onEvent[0] = () -> pub.execute(pump);
    long timer = vertx.setPeriodic(1, t -> pub.execute(pump));
    try {
      sleepMillis(settings.warmupMillis());
      long r0 = received.get();
      ServerProcess.Usage u0 = peer.server().usage();
      long t0 = System.nanoTime();
      sleepMillis(settings.runMillis());
      long r1 = received.get();
      long t1 = System.nanoTime();
      ServerProcess.Usage used = peer.server().usage().minus(u0);
      running.set(false);
      double deliveries = r1 - r0;
      drain(received, base, published, n);
      double cpuSeconds = used.cpuNanos() / 1e9;
      return new FanOut(deliveries / ((t1 - t0) / 1e9), used.writeCalls() / Math.max(1, deliveries),
          cpuSeconds < 0.05 ? Double.NaN : deliveries / cpuSeconds);
    } finally {
      vertx.cancelTimer(timer);
      running.set(false);
    }
  }

  /** Waits (bounded) until every published message has reached every subscriber, so runs do not overlap. */
  private static void drain(AtomicLong received, long base, AtomicLong published, int n) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (received.get() - base < published.get() * n && System.nanoTime() < deadline) {
      sleepMillis(5);
    }
  }

  private void fixedRate(Peer.Publisher pub, int n, double eventsPerSecond, AtomicLong received,
      Histogram latency, AtomicBoolean measuring) {
    long start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(20);
    long warmupEnd = start + TimeUnit.MILLISECONDS.toNanos(settings.warmupMillis());
    long end = warmupEnd + TimeUnit.MILLISECONDS.toNanos(settings.runMillis());
    double interval = 1e9 / eventsPerSecond;
    AtomicLong sent = new AtomicLong();
    long total = (long) ((end - start) / interval);
    AtomicLong base = new AtomicLong(received.get());
    long timer = vertx.setPeriodic(1, t -> pub.execute(() -> {
      long now = System.nanoTime();
      while (sent.get() < total) {
        long intended = start + (long) (sent.get() * interval);
        if (intended > now) {
          break;
        }
        if (intended >= warmupEnd) {
          measuring.set(true);
        }
        sent.incrementAndGet();
        pub.publish(intended);
      }
    }));
    try {
      long deadline = end + TimeUnit.SECONDS.toNanos(30);
      while ((sent.get() < total || received.get() - base.get() < total * n) && System.nanoTime() < deadline) {
        sleepMillis(10);
      }
    } finally {
      vertx.cancelTimer(timer);
      measuring.set(false);
    }
  }

  /** B4: B1's throughput at N=100 (or the largest N), alone and beside bystanders holding wildcard subscriptions. */
  void wildcards(Peer peer, int n, int bystanders, int patternsEach) {
    String topic = "wild" + tag(n);
    AtomicLong received = new AtomicLong();
    Runnable[] onEvent = {() -> { }};
    List<Peer.Conn> conns = openAll(n, 100, i -> peer.subscriber("wsub-" + topic + "-" + i, topic, stamp -> {
      if (received.incrementAndGet() % n == 0) {
        onEvent[0].run();
      }
    }), 300);
    Peer.Publisher pub = await(peer.publisher("wpub-" + topic, topic), 60);
    conns.add(pub);
    try {
      double alone = throughput(peer, pub, n, received, onEvent).deliveriesPerSecond();
      conns.addAll(openAll(bystanders, 4, i -> {
        List<String> patterns = new ArrayList<>();
        for (int j = 0; j < patternsEach; j++) {
          patterns.add(peer.nonMatchingPattern(i, j));
        }
        return peer.bystander("by-" + topic + "-" + i, topic, patterns);
      }, 300));
      double beside = throughput(peer, pub, n, received, onEvent).deliveriesPerSecond();
      String what = bystanders * patternsEach + " non-matching wildcard subscriptions";
      results.add("B4", "deliveries/s, N=" + n + ", alone", true, peer.key(), alone);
      results.add("B4", "deliveries/s, N=" + n + ", beside " + what, true, peer.key(), beside);
      results.add("B4", "rate kept beside " + what + " (%)", true, peer.key(), 100 * beside / alone);
    } finally {
      closeAll(conns);
    }
  }

  // ------------------------------------------------------------------ B3: request/reply

  /** B3: round trips with one request in flight (latency) and with 16 (rate). */
  void requestReply(Peer peer) {
    String service = "echo" + tag(0);
    Peer.Conn responder = await(peer.responder("resp-" + service, service), 60);
    Peer.Requester req = await(peer.requester("req-" + service, service), 60);
    try {
      Histogram rtt = new ConcurrentHistogram(MAX_LATENCY_NANOS, 3);
      double one = roundTrips(peer, req, 1, rtt, new double[1]);
      results.add("B3", "round trip p50, 1 in flight (µs)", false, peer.key(), rtt.getValueAtPercentile(50) / 1e3);
      results.add("B3", "round trip p99, 1 in flight (µs)", false, peer.key(), rtt.getValueAtPercentile(99) / 1e3);
      results.add("B3", "round trips/s, 1 in flight", true, peer.key(), one);
      double[] perCpuSecond = new double[1];
      double sixteen = roundTrips(peer, req, 16, new ConcurrentHistogram(MAX_LATENCY_NANOS, 3), perCpuSecond);
      results.add("B3", "round trips/s, 16 in flight", true, peer.key(), sixteen);
      results.add("B3", "round trips per server CPU-second (16 at once)", true, peer.key(), perCpuSecond[0]);
    } finally {
      closeAll(List.of(req, responder));
    }
  }

  private double roundTrips(Peer peer, Peer.Requester req, int inFlight, Histogram rtt, double[] perCpuSecond) {
    AtomicBoolean running = new AtomicBoolean(true);
    AtomicBoolean measuring = new AtomicBoolean();
    AtomicLong done = new AtomicLong();
    AtomicLong outstanding = new AtomicLong();
    for (int i = 0; i < inFlight; i++) {
      req.execute(() -> chain(req, running, measuring, done, outstanding, rtt));
    }
    sleepMillis(settings.warmupMillis());
    measuring.set(true);
    long d0 = done.get();
    ServerProcess.Usage u0 = peer.server() == null ? null : peer.server().usage();
    long t0 = System.nanoTime();
    sleepMillis(settings.runMillis());
    long d1 = done.get();
    long t1 = System.nanoTime();
    double cpuSeconds = u0 == null ? 0 : peer.server().usage().minus(u0).cpuNanos() / 1e9;
    perCpuSecond[0] = cpuSeconds < 0.05 ? Double.NaN : (d1 - d0) / cpuSeconds;
    measuring.set(false);
    running.set(false);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (outstanding.get() > 0 && System.nanoTime() < deadline) {
      sleepMillis(5);
    }
    return (d1 - d0) / ((t1 - t0) / 1e9);
  }

  private void chain(Peer.Requester req, AtomicBoolean running, AtomicBoolean measuring, AtomicLong done,
      AtomicLong outstanding, Histogram rtt) {
    if (!running.get()) {
      return;
    }
    long t = System.nanoTime();
    outstanding.incrementAndGet();
    req.request(() -> {
      outstanding.decrementAndGet();
      if (measuring.get()) {
        rtt.recordValue(Math.min(MAX_LATENCY_NANOS, System.nanoTime() - t));
        done.incrementAndGet();
      }
      req.execute(() -> chain(req, running, measuring, done, outstanding, rtt));
    });
  }

  // ------------------------------------------------------------------ B5: across two nodes

  /**
   * B5: fan-out latency at a fixed rate with the publisher on one node and the subscribers on another, through
   * Redis, against both on one node of the same cluster.
   */
  void crossNode(Peer oneNode, Peer twoNodes, ServerProcess redis, int n, double eventsPerSecond,
      RedisStats stats) {
    for (Peer peer : List.of(oneNode, twoNodes)) {
      String topic = "cross" + tag(n);
      AtomicLong received = new AtomicLong();
      ConcurrentHistogram latency = new ConcurrentHistogram(MAX_LATENCY_NANOS, 3);
      AtomicBoolean measuring = new AtomicBoolean();
      List<Peer.Conn> subs = openAll(n, 100, i -> peer.subscriber("xsub-" + topic + "-" + i, topic, stamp -> {
        received.incrementAndGet();
        if (measuring.get() && stamp > 0) {
          latency.recordValue(Math.min(MAX_LATENCY_NANOS, Math.max(0, System.nanoTime() - stamp)));
        }
      }), 300);
      Peer.Publisher pub = await(peer.publisher("xpub-" + topic, topic), 60);
      try {
        long publishes0 = stats.publishes();
        long r0 = received.get();
        fixedRate(pub, n, eventsPerSecond, received, latency, measuring);
        long events = (received.get() - r0) / n;
        String where = peer == oneNode ? "publisher and subscribers on one node" : "publisher on node A, subscribers on node B";
        results.add("B5", "latency p50 (µs), " + where, false, "workspace-cluster", latency.getValueAtPercentile(50) / 1e3);
        results.add("B5", "latency p99 (µs), " + where, false, "workspace-cluster", latency.getValueAtPercentile(99) / 1e3);
        results.add("B5", "Redis PUBLISH per event, " + where, false, "workspace-cluster",
            (stats.publishes() - publishes0) / (double) Math.max(1, events));
      } finally {
        subs.add(pub);
        closeAll(subs);
      }
    }
  }

  /** Reads {@code INFO commandstats} of the cluster's Redis. */
  interface RedisStats {
    long publishes();
  }

  // ------------------------------------------------------------------ B6: idle connections and storms

  /**
   * Each server's resident memory before its first B6: a server keeps (or reuses) the memory of connections it
   * closed, so growth measured from just before each repeat would be near zero after the first; measured from here,
   * every repeat gives the memory that holding {@code count} idle connections takes.
   */
  private final java.util.Map<ServerProcess, Long> rssBeforeFirstIdle = new java.util.HashMap<>();

  /** B6: {@code count} idle connections: connect rate, resident memory each, disconnect, and event-loop stalls. */
  void idleConnections(Peer peer, int count, ServerProcess server, int httpPort) {
    long blockedBefore = server.countLog("has been blocked for");
    long rss0 = rssBeforeFirstIdle.computeIfAbsent(server, ServerProcess::rssBytes);
    long t0 = System.nanoTime();
    List<Peer.Conn> conns = openAll(count, 200, i -> peer.idle("idle-" + tag(i)), 600);
    double connectSeconds = (System.nanoTime() - t0) / 1e9;
    long rss1 = server.rssBytes();
    if (httpPort > 0 && !results.notes().containsKey("B6")) {
      results.note("B6", heapPerConnection(server, count));
    }
    results.add("B6", "connects/s, " + count + " agents", true, peer.key(), count / connectSeconds);
    results.add("B6", "server RSS per idle connection (KiB), " + count + " agents", false, peer.key(),
        (rss1 - rss0) / 1024.0 / count);
    long t1 = System.nanoTime();
    closeAll(conns);
    if (httpPort > 0) {
      waitForSessions(httpPort, 0, 120);
    }
    results.add("B6", "disconnect storm, seconds until the server let every agent go, " + count + " agents", false,
        peer.key(), (System.nanoTime() - t1) / 1e9);
    if (httpPort > 0) {
      results.add("B6", "event-loop blocked warnings during the storms", false, peer.key(),
          server.countLog("has been blocked for") - blockedBefore);
    }
  }

  /**
   * What the workspace server's heap holds while the idle connections are open: its live objects by class
   * ({@code jcmd GC.class_histogram}), the largest per connection, so that memory per connection is explained by
   * what it is made of. Taken once, in the first repeat, after RSS was read, so the collection it forces does not
   * change that repeat's measurement.
   */
  private static String heapPerConnection(ServerProcess server, int count) {
    String histogram = server.classHistogram();
    if (histogram == null) {
      return "No heap histogram could be taken.\n";
    }
    StringBuilder out = new StringBuilder("Live heap of the workspace server with ").append(count)
        .append(" idle connections open (`jcmd GC.class_histogram`, after a full collection), largest classes, ")
        .append("in bytes per connection:\n\n| bytes per connection | instances per connection | class |\n|---|---|---|\n");
    long total = 0;
    int rows = 0;
    for (String line : histogram.split("\n")) {
      String[] f = line.trim().split("\\s+");
      if (f.length >= 4 && f[0].endsWith(":")) {
        long instances = Long.parseLong(f[1]);
        long bytes = Long.parseLong(f[2]);
        total += bytes;
        if (rows++ < 15) {
          out.append(String.format(java.util.Locale.ROOT, "| %,.0f | %.1f | `%s` |%n", bytes / (double) count,
              instances / (double) count, f[3]));
        }
      }
    }
    out.append(String.format(java.util.Locale.ROOT, "%nLive heap in all: %,.1f KiB per connection (every live "
        + "object of the server divided by the connections, so an upper bound).%n", total / 1024.0 / count));
    return out.toString();
  }

  private static final HttpClient HTTP = HttpClient.newHttpClient();

  /** Polls the node's {@code workspace_sessions} gauges (one per workspace) until they sum to {@code expected}. */
  static void waitForSessions(int httpPort, long expected, long seconds) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (System.nanoTime() < deadline) {
      try {
        String body = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/metrics"))
            .build(), HttpResponse.BodyHandlers.ofString()).body();
        double sum = 0;
        for (String line : body.split("\n")) {
          if (line.startsWith("workspace_sessions{") || line.startsWith("workspace_sessions ")) {
            sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
          }
        }
        if ((long) sum == expected) {
          return;
        }
      } catch (Exception e) {
        // the node is busy; ask again
      }
      sleepMillis(20);
    }
  }

  static void sleepMillis(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
