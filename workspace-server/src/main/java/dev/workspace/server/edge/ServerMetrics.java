package dev.workspace.server.edge;

import dev.workspace.model.ErrorCode;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.EnumMap;
import java.util.Map;
import java.util.function.Supplier;

/** The node's metrics, exposed in Prometheus text at {@code /metrics}. */
public final class ServerMetrics {
  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final Map<ErrorCode, Counter> errors = new EnumMap<>(ErrorCode.class);
  private final Counter slowConsumers;
  private final Counter handshakeRejections;
  private final Counter authFailures;
  private final Counter refusedEvents;
  private final Map<String, Counter> limitHits = new java.util.concurrent.ConcurrentHashMap<>();

  /**
   * @param sessions the number of sessions connected to this node
   */
  public ServerMetrics(Supplier<Number> sessions) {
    for (ErrorCode code : ErrorCode.values()) {
      errors.put(code, Counter.builder("workspace_errors").tag("code", code.wireName())
          .description("error frames sent, by code").register(registry));
    }
    slowConsumers = Counter.builder("workspace_slow_consumers").description("connections closed as slow consumers")
        .register(registry);
    handshakeRejections = Counter.builder("workspace_handshake_rejections")
        .description("WebSocket handshakes refused").register(registry);
    authFailures = Counter.builder("workspace_auth_failures").description("tokens refused, at any stage")
        .register(registry);
    refusedEvents = Counter.builder("workspace_refused_events")
        .description("events refused for identity or permission: another agent's source_id, a forbidden channel")
        .register(registry);
    new io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics().bindTo(registry);
    new io.micrometer.core.instrument.binder.jvm.JvmGcMetrics().bindTo(registry);
    new io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics().bindTo(registry);
    new io.micrometer.core.instrument.binder.system.ProcessorMetrics().bindTo(registry);
    new io.micrometer.core.instrument.binder.system.FileDescriptorMetrics().bindTo(registry);
    new io.micrometer.core.instrument.binder.system.UptimeMetrics().bindTo(registry);
    Gauge.builder("workspace_sessions", sessions).description("sessions connected to this node").register(registry);
  }

  /** Counts an error frame or REST error sent, by code. */
  public void error(ErrorCode code) {
    errors.get(code).increment();
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
    limitHits.computeIfAbsent(limit, l -> Counter.builder("workspace_limit_hits").tag("limit", l)
        .description("times a connection or request passed a configured limit").register(registry)).increment();
  }

  /** @return the metrics in Prometheus text format */
  public String scrape() {
    return registry.scrape();
  }
}
