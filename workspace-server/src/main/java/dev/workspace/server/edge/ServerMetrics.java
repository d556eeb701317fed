package dev.workspace.server.edge;

import dev.workspace.model.ErrorCode;
import dev.workspace.model.RunNames;
import dev.workspace.server.core.CoreMeters;
import dev.workspace.server.core.EventKind;
import dev.workspace.server.core.LocalSessions;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.function.ToDoubleFunction;

/**
 * The node's metrics, exposed in Prometheus text at {@code /metrics}; every meter is listed in
 * {@code docs/ARCHITECTURE.md}, section Metrics. Meters counted on the delivery path are resolved once, here: a
 * delivery costs an array index and an adder, never a tag lookup, an allocation or a lock. Gauges that need the
 * node's state (sessions by workspace, channels, queued bytes) are read when scraped. Thread-safe.
 */
public final class ServerMetrics implements CoreMeters {
  /** The buckets of the latency histograms, in seconds, as Prometheus client libraries default them. */
  static final Duration[] LATENCY_BUCKETS = {Duration.ofNanos(500_000), Duration.ofMillis(1),
      Duration.ofNanos(2_500_000), Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25),
      Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500),
      Duration.ofSeconds(1), Duration.ofMillis(2500), Duration.ofSeconds(5), Duration.ofSeconds(10)};
  /** The run states counted in {@code workspace_runs_total}. */
  static final List<String> RUN_STATES = List.of(RunNames.SUBMITTED, RunNames.INPUT_REQUIRED_STATE, "completed",
      "failed", "canceled", "rejected");
  /** The value of the {@code workspace} label of the row that sums the workspaces beyond the label limit. */
  public static final String OTHER_WORKSPACES = "";

  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final Map<ErrorCode, Counter> rejected = new EnumMap<>(ErrorCode.class);
  private final Counter[] received = new Counter[EventKind.values().length];
  private final Counter[] delivered = new Counter[EventKind.values().length];
  private final Timer deliveryLatency;
  private final Counter requests;
  private final Map<String, Counter> runs = new java.util.HashMap<>();
  private final Counter slowConsumers;
  private final Counter handshakeRejections;
  private final Counter authFailures;
  private final Counter refusedEvents;
  private final Map<String, Counter> limitHits = new ConcurrentHashMap<>();
  private final Map<String, Counter> requestTimeouts = new ConcurrentHashMap<>();
  private final Set<LongSupplier> outbound = ConcurrentHashMap.newKeySet();
  private final MultiGauge sessionsByWorkspace;
  private final MultiGauge agentsByWorkspace;
  private volatile int workspaceLabelLimit = 100;

  /** Creates the registry with the node's own meters and the JVM's. */
  public ServerMetrics() {
    for (ErrorCode code : ErrorCode.values()) {
      rejected.put(code, Counter.builder("workspace.frames.rejected").tag("code", code.wireName())
          .description("requests refused with an error, by code: WebSocket and MCP session frames, REST calls")
          .register(registry));
    }
    for (EventKind kind : EventKind.values()) {
      if (kind != EventKind.PRESENCE) {
        received[kind.ordinal()] = Counter.builder("workspace.events.received").tag("kind", kind.label())
            .description("events this node accepted from agents (WebSocket, MCP, REST), by kind").register(registry);
      }
      delivered[kind.ordinal()] = Counter.builder("workspace.events.delivered").tag("kind", kind.label())
          .description("events handed to this node's sessions, one per receiving session, by kind")
          .register(registry);
    }
    deliveryLatency = Timer.builder("workspace.delivery.latency")
        .description("from an event reaching this node's fan-out to its frame handed to the receiving sessions of"
            + " one event loop; one observation per event and event loop")
        .serviceLevelObjectives(LATENCY_BUCKETS).register(registry);
    requests = Counter.builder("workspace.requests")
        .description("events this node accepted that ask for a response (requires_response): requests and runs")
        .register(registry);
    for (String state : RUN_STATES) {
      runs.put(state, Counter.builder("workspace.runs").tag("state", state)
          .description("runs that entered a state through this node: submitted (opened), input_required (each"
              + " question), or their final state").register(registry));
    }
    slowConsumers = Counter.builder("workspace.slow.consumer.closes")
        .description("sessions closed because their outbound queue passed its bound (close 4004)").register(registry);
    handshakeRejections = Counter.builder("workspace.handshakes.rejected")
        .description("WebSocket handshakes refused").register(registry);
    authFailures = Counter.builder("workspace.auth.failures").description("tokens refused, at any stage")
        .register(registry);
    refusedEvents = Counter.builder("workspace.events.refused")
        .description("events refused for identity or permission: another agent's source_id, a forbidden channel")
        .register(registry);
    requestTimedOut("mcp", 0);
    Gauge.builder("workspace.outbound.queued", outbound, ServerMetrics::sum).baseUnit("bytes")
        .description("bytes written to this node's WebSocket connections and not yet taken by their sockets")
        .register(registry);
    sessionsByWorkspace = MultiGauge.builder("workspace.sessions")
        .description("sessions connected to this node, by workspace (the workspaces beyond the label limit summed"
            + " under workspace=\"\")").register(registry);
    agentsByWorkspace = MultiGauge.builder("workspace.agents")
        .description("agents connected to the workspaces this node serves, on any node, by workspace (beyond the"
            + " label limit summed under workspace=\"\")").register(registry);
    new JvmMemoryMetrics().bindTo(registry);
    new JvmGcMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new FileDescriptorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
  }

  /** @return the registry, for Vert.x's own meters */
  public MeterRegistry registry() {
    return registry;
  }

  /**
   * Adds the gauges read from the node's sessions.
   *
   * @param sessions the node's sessions
   * @param workspaceLabelLimit how many workspaces get their own {@code workspace} label, the largest first
   * @return this
   */
  public ServerMetrics bind(LocalSessions sessions, int workspaceLabelLimit) {
    this.workspaceLabelLimit = workspaceLabelLimit;
    Gauge.builder("workspace.channels", sessions, LocalSessions::channelCount)
        .description("channels with members on this node, over every workspace").register(registry);
    Gauge.builder("workspace.subscriptions", sessions, LocalSessions::patternCount)
        .description("subscription patterns held by this node's sessions").register(registry);
    return this;
  }

  /**
   * Adds meters read from elsewhere (the Redis link's counters).
   *
   * @param name the meter's name, dotted
   * @param description what it counts
   * @param source what it reads
   * @param count reads the count
   * @param <T> the source's type
   */
  public <T> void functionCounter(String name, String description, T source, ToDoubleFunction<T> count) {
    FunctionCounter.builder(name, source, count).description(description).register(registry);
  }

  /**
   * Adds a gauge read from elsewhere.
   *
   * @param name the meter's name, dotted
   * @param tags its tags, as key, value, ...
   * @param description what it shows
   * @param source what it reads
   * @param value reads the value
   * @param <T> the source's type
   */
  public <T> void gauge(String name, Tags tags, String description, T source, ToDoubleFunction<T> value) {
    Gauge.builder(name, source, value).tags(tags).description(description).register(registry);
  }

  /**
   * Adds a latency histogram with the same buckets as the delivery latency.
   *
   * @param name the meter's name, dotted
   * @param description what it measures
   * @return the timer
   */
  public Timer latency(String name, String description) {
    return Timer.builder(name).description(description).serviceLevelObjectives(LATENCY_BUCKETS).register(registry);
  }

  /**
   * Sets the per-workspace gauges, as read just before a scrape.
   *
   * @param sessions this node's sessions by workspace
   * @param agents the agents of the workspaces this node serves, by workspace
   */
  public void workspaces(Map<String, Integer> sessions, Map<String, Integer> agents) {
    sessionsByWorkspace.register(rows(sessions), true);
    agentsByWorkspace.register(rows(agents), true);
  }

  /** @return how many workspaces get their own label */
  public int workspaceLabelLimit() {
    return workspaceLabelLimit;
  }

  private List<MultiGauge.Row<?>> rows(Map<String, Integer> counts) {
    List<Map.Entry<String, Integer>> sorted = new ArrayList<>(counts.entrySet());
    sorted.sort(Map.Entry.<String, Integer>comparingByValue(Comparator.reverseOrder())
        .thenComparing(Map.Entry.comparingByKey()));
    List<MultiGauge.Row<?>> rows = new ArrayList<>();
    int rest = 0;
    for (int i = 0; i < sorted.size(); i++) {
      if (i < workspaceLabelLimit) {
        rows.add(MultiGauge.Row.of(Tags.of("workspace", sorted.get(i).getKey()), sorted.get(i).getValue()));
      } else {
        rest += sorted.get(i).getValue();
      }
    }
    if (sorted.size() > workspaceLabelLimit) {
      rows.add(MultiGauge.Row.of(Tags.of("workspace", OTHER_WORKSPACES), rest));
    }
    return rows;
  }

  @Override
  public void received(EventKind kind, boolean request) {
    received[kind.ordinal()].increment();
    if (request) {
      requests.increment();
    }
  }

  @Override
  public void runs(String state, int n) {
    Counter c = runs.get(state);
    if (c != null && n > 0) {
      c.increment(n);
    }
  }

  /**
   * Counts one event handed to the sessions of one event loop.
   *
   * @param kind its kind
   * @param sessions how many sessions took it
   * @param latencyNanos how long since the fan-out took it
   */
  public void delivered(EventKind kind, int sessions, long latencyNanos) {
    delivered[kind.ordinal()].increment(sessions);
    deliveryLatency.record(Math.max(0, latencyNanos), TimeUnit.NANOSECONDS);
  }

  /**
   * Counts a waiting call that gave up before the answer came (an MCP {@code ask_agent} past its timeout).
   *
   * @param face the face that waited: {@code mcp}, ...
   */
  public void requestTimedOut(String face) {
    requestTimedOut(face, 1);
  }

  private void requestTimedOut(String face, int n) {
    requestTimeouts.computeIfAbsent(face, f -> Counter.builder("workspace.request.timeouts").tag("face", f)
        .description("calls that waited for a run's answer and gave up at their timeout (the run goes on)")
        .register(registry)).increment(n);
  }

  /**
   * Counts a connection's queued bytes in {@code workspace_outbound_queued_bytes} until {@link #untrack}.
   *
   * @param queuedBytes reads the connection's queued bytes, from any thread
   */
  public void track(LongSupplier queuedBytes) {
    outbound.add(queuedBytes);
  }

  /** @param queuedBytes a supplier given to {@link #track} */
  public void untrack(LongSupplier queuedBytes) {
    outbound.remove(queuedBytes);
  }

  private static double sum(Set<LongSupplier> suppliers) {
    long n = 0;
    for (LongSupplier s : suppliers) {
      n += s.getAsLong();
    }
    return n;
  }

  /** Counts an error frame or REST error sent, by code. */
  public void error(ErrorCode code) {
    rejected.get(code).increment();
  }

  /** Counts a session closed as a slow consumer. */
  public void slowConsumer() {
    slowConsumers.increment();
  }

  /** Counts a WebSocket handshake refused. */
  public void handshakeRejected() {
    handshakeRejections.increment();
  }

  /** Counts a token refused, at any stage. */
  public void authFailure() {
    authFailures.increment();
  }

  /** Counts an event refused for identity or permission. */
  public void refusedEvent() {
    refusedEvents.increment();
  }

  /** Counts a limit passed: {@code rate}, {@code flood}, {@code errors_in_row}, {@code frame_size}, ... */
  public void limitHit(String limit) {
    limitHits.computeIfAbsent(limit, l -> Counter.builder("workspace.limit.hits").tag("limit", l)
        .description("times a connection or request passed a configured limit").register(registry)).increment();
  }

  /** @return the metrics in Prometheus text format */
  public String scrape() {
    return registry.scrape();
  }
}
