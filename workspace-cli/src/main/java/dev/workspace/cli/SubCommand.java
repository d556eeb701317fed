package dev.workspace.cli;

import dev.workspace.client.AgentClient;
import dev.workspace.model.Event;
import dev.workspace.server.cli.ExitCodes;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code workspace sub}: prints every event matching the patterns as one JSON line, until stopped. */
@Command(name = "sub", mixinStandardHelpOptions = true, versionProvider = dev.workspace.server.cli.VersionProvider.class,
    sortOptions = false, usageHelpAutoWidth = true,
    description = {"Subscribes and prints each matching event as one JSON line (pipe it into jq or grep).",
        "Patterns: '*' one segment, '>' the rest, a bare '*' everything. Channel posts need --join CHANNEL.",
        "Runs until Ctrl-C, --count events, or --timeout (then status 0, or 5 when --count was not reached).",
        "Example: workspace sub 'channel.message.*' --join general --count 10"})
final class SubCommand extends ClientCommand {
  @Parameters(arity = "0..*", paramLabel = "PATTERN", description = "event name patterns; default *")
  List<String> patterns = new ArrayList<>();

  @Option(names = {"--join", "-j"}, paramLabel = "CHANNEL", description = "join a channel first (repeatable)")
  List<String> join = new ArrayList<>();

  @Option(names = {"--count", "-n"}, paramLabel = "N", description = "stop after N events")
  Integer count;

  private final LinkedBlockingQueue<Event> events = new LinkedBlockingQueue<>();
  private final CompletableFuture<Void> lost = new CompletableFuture<>();

  @Override
  void beforeConnect(AgentClient client) throws Exception {
    List<String> ps = patterns.isEmpty() ? List.of("*") : patterns;
    client.lifecycleHandler(e -> {
      if (e.type() == dev.workspace.client.LifecycleEvent.Type.CLOSED
          || e.type() == dev.workspace.client.LifecycleEvent.Type.DISCONNECTED) {
        lost.complete(null);
      }
    });
    client.registerEventHandler(events::add, ps.toArray(String[]::new));
  }

  @Override
  int run(AgentClient client, PrintWriter out) throws Exception {
    for (String channel : join) {
      Await.of(client.workspace().channel(channel).join(), connection.timeout(), "joining " + channel);
    }
    spec.commandLine().getErr().println("subscribed to " + (patterns.isEmpty() ? List.of("*") : patterns)
        + (join.isEmpty() ? "" : " in " + join));
    spec.commandLine().getErr().flush();
    boolean timed = spec.commandLine().getParseResult().hasMatchedOption("--timeout");
    long deadline = timed ? System.nanoTime() + connection.timeout().toNanos() : Long.MAX_VALUE;
    int seen = 0;
    while (count == null || seen < count) {
      long wait = timed ? deadline - System.nanoTime() : TimeUnit.SECONDS.toNanos(1);
      if (wait <= 0) {
        break;
      }
      Event e = events.poll(Math.min(wait, TimeUnit.SECONDS.toNanos(1)), TimeUnit.NANOSECONDS);
      if (e == null) {
        if (lost.isDone() && events.isEmpty()) {
          spec.commandLine().getErr().println("workspace sub: the connection was lost");
          return ExitCodes.CONNECTION;
        }
        continue;
      }
      out.println(CODEC.encodeEvent(e));
      out.flush();
      seen++;
    }
    if (count != null && seen < count) {
      spec.commandLine().getErr().println("workspace sub: " + seen + " of " + count + " events within "
          + connection.timeout().toMillis() + " ms");
      return ExitCodes.TIMEOUT;
    }
    return ExitCodes.OK;
  }
}
