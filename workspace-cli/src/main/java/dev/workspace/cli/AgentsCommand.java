package dev.workspace.cli;

import dev.workspace.client.AgentClient;
import dev.workspace.client.AgentInfo;
import java.io.PrintWriter;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code workspace agents}: lists the agents connected to the workspace. */
@Command(name = "agents", mixinStandardHelpOptions = true,
    versionProvider = dev.workspace.server.cli.VersionProvider.class, sortOptions = false, usageHelpAutoWidth = true,
    description = {"Lists the other agents of the workspace, one JSON line each"
        + " ({\"agent_id\",\"status\",\"connected_since\",\"node_id\",\"metadata\"}).",
        "Example: workspace agents --capability search"})
final class AgentsCommand extends ClientCommand {
  @Option(names = "--capability", paramLabel = "NAME", description = "only agents that declare this capability")
  String capability;

  @Override
  int run(AgentClient client, PrintWriter out) throws Exception {
    String me = client.session().agentId();
    List<AgentInfo> agents = Await.of(client.listAgents(capability), connection.timeout(), "listing agents");
    for (AgentInfo a : agents) {
      if (!a.agentId().equals(me)) {
        out.println(Results.agent(a));
      }
    }
    return 0;
  }
}
