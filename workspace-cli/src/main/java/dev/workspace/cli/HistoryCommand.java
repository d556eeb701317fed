package dev.workspace.cli;

import dev.workspace.client.AgentClient;
import dev.workspace.client.Channel;
import dev.workspace.client.HistoryPage;
import dev.workspace.model.Event;
import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code workspace history}: prints a channel's recent events, oldest first. */
@Command(name = "history", mixinStandardHelpOptions = true,
    versionProvider = dev.workspace.server.cli.VersionProvider.class, sortOptions = false, usageHelpAutoWidth = true,
    description = {"Prints a channel's events, oldest first, one JSON line each.",
        "Example: workspace history general --limit 20"})
final class HistoryCommand extends ClientCommand {
  @Parameters(index = "0", paramLabel = "CHANNEL", description = "the channel")
  String channel;

  @Option(names = "--limit", paramLabel = "N", defaultValue = "100", description = "most events; default ${DEFAULT-VALUE}")
  int limit;

  @Option(names = "--before", paramLabel = "OFFSET", description = "only events below this offset")
  Long before;

  @Option(names = "--after", paramLabel = "OFFSET", description = "only events above this offset")
  Long after;

  @Override
  int run(AgentClient client, PrintWriter out) throws Exception {
    Channel c = client.workspace().channel(channel);
    HistoryPage page = Await.of(c.history(before, after, limit), connection.timeout(), "history of " + channel);
    for (Event e : page.events()) {
      out.println(CODEC.encodeEvent(e));
    }
    return 0;
  }
}
