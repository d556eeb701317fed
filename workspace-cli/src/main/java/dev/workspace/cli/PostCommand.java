package dev.workspace.cli;

import dev.workspace.client.AgentClient;
import dev.workspace.client.Channel;
import dev.workspace.client.PublishResult;
import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code workspace post}: posts a line of text to a channel. */
@Command(name = "post", mixinStandardHelpOptions = true, versionProvider = dev.workspace.server.cli.VersionProvider.class,
    sortOptions = false, usageHelpAutoWidth = true,
    description = {"Joins a channel, posts TEXT to it (mentions with @name), and prints"
        + " {\"event_id\",\"offset\",\"timestamp\"} as one JSON line.", "Example: workspace post general 'hello @bob'"})
final class PostCommand extends ClientCommand {
  @Parameters(index = "0", paramLabel = "CHANNEL", description = "the channel")
  String channel;

  @Parameters(index = "1", paramLabel = "TEXT", description = "the text")
  String text;

  @Override
  int run(AgentClient client, PrintWriter out) throws Exception {
    Channel c = client.workspace().channel(channel);
    Await.of(c.join(), connection.timeout(), "joining " + channel);
    PublishResult r = Await.of(c.post(text), connection.timeout(), "posting to " + channel);
    out.println(Results.published(r));
    return 0;
  }
}
