package dev.workspace.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.workspace.client.AgentClient;
import dev.workspace.model.Event;
import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code workspace request}: sends a request to an agent and prints its reply. */
@Command(name = "request", mixinStandardHelpOptions = true,
    versionProvider = dev.workspace.server.cli.VersionProvider.class, sortOptions = false, usageHelpAutoWidth = true,
    description = {"Sends a request to an agent and waits for its reply, printed as one JSON line (the whole event).",
        "Status 5 when no reply comes within --timeout, 4 when the agent is not connected.",
        "Example: workspace request w1 'summarize the logs' --timeout 30s"})
final class RequestCommand extends ClientCommand {
  @Parameters(index = "0", paramLabel = "AGENT", description = "the agent to ask")
  String agent;

  @Parameters(index = "1", paramLabel = "TEXT", description = "the request's text")
  String text;

  @Option(names = "--name", paramLabel = "EVENT_NAME", defaultValue = "agent.message",
      description = "the request's event name; default ${DEFAULT-VALUE}")
  String name;

  @Option(names = "--payload", paramLabel = "JSON", description = "a JSON object sent as the payload instead of {\"text\": TEXT}")
  String payload;

  @Override
  int run(AgentClient client, PrintWriter out) throws Exception {
    ObjectNode body = payload != null ? PubCommand.parse(payload)
        : CODEC.mapper().createObjectNode().put("text", text);
    Event request = Event.of(name, "agent:" + agent).withPayload(body).withRequiresResponse(true);
    Event reply = Await.of(client.sendAndWait(request, connection.timeout()), connection.timeout(),
        "request to " + agent);
    out.println(CODEC.encodeEvent(reply));
    return 0;
  }
}
