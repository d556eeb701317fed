package dev.workspace.server.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.Encoder;
import dev.workspace.server.LogOptions;
import org.slf4j.LoggerFactory;

/**
 * Applies a node's {@link LogOptions} to Logback: one console appender on standard error, readable lines or JSON
 * lines, the root level, and the node id as a context property ({@code node}) on every line.
 */
public final class LogSetup {
  /** The readable line: time, level, node, logger, the ids in the MDC, and the message. */
  public static final String TEXT_PATTERN =
      "%d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX} %-5level [%property{node}] %logger{0} %mdc - %msg%n";

  private LogSetup() {
  }

  /**
   * @param options the format and level
   * @param nodeId the node's id, shown on every line
   */
  public static void apply(LogOptions options, String nodeId) {
    if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
      return;
    }
    context.reset();
    context.putProperty("node", nodeId);
    Encoder<ILoggingEvent> encoder;
    if (options.getLogFormat() == LogOptions.Format.JSON) {
      JsonEncoder json = new JsonEncoder();
      json.setWithSequenceNumber(false);
      json.setWithNanoseconds(false);
      json.setWithFormattedMessage(true);
      json.setWithMessage(false);
      json.setWithArguments(false);
      encoder = json;
    } else {
      PatternLayoutEncoder text = new PatternLayoutEncoder();
      text.setPattern(TEXT_PATTERN);
      encoder = text;
    }
    encoder.setContext(context);
    encoder.start();
    ConsoleAppender<ILoggingEvent> console = new ConsoleAppender<>();
    console.setContext(context);
    console.setName("console");
    console.setTarget("System.err");
    console.setEncoder(encoder);
    console.start();
    Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    root.setLevel(Level.toLevel(options.getLogLevel(), Level.INFO));
    root.addAppender(console);
    if (options.getLogLevel().equals("debug") || options.getLogLevel().equals("trace")) {
      context.getLogger("io.netty").setLevel(Level.INFO);
    }
  }
}
