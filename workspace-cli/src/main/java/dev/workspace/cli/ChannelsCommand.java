package dev.workspace.cli;

import dev.workspace.client.AgentClient;
import dev.workspace.client.ChannelInfo;
import java.io.PrintWriter;
import picocli.CommandLine.Command;

/** {@code workspace channels}: lists the workspace's channels. */
@Command(name = "channels", mixinStandardHelpOptions = true,
    versionProvider = dev.workspace.server.cli.VersionProvider.class, sortOptions = false, usageHelpAutoWidth = true,
    description = "Lists the workspace's channels, one JSON line each ({\"name\",\"members\",\"last_offset\",\"epoch\"}).")
final class ChannelsCommand extends ClientCommand {
  @Override
  int run(AgentClient client, PrintWriter out) throws Exception {
    for (ChannelInfo c : Await.of(client.workspace().channels(), connection.timeout(), "listing channels")) {
      out.println(Results.channel(c));
    }
    return 0;
  }
}
