package dev.workspace.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.workspace.client.AgentClient;
import dev.workspace.client.PublishResult;
import dev.workspace.model.Event;
import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code workspace pub}: publishes one event and prints its id and offset. */
@Command(name = "pub", mixinStandardHelpOptions = true, versionProvider = dev.workspace.server.cli.VersionProvider.class,
    sortOptions = false, usageHelpAutoWidth = true,
    description = {"Publishes one event (joining the channel first for channel:NAME), then prints {\"event_id\",\"offset\",\"timestamp\"} as one JSON line.",
        "Example: workspace pub task.created --to channel:ops '{\"id\":7}'"})
final class PubCommand extends ClientCommand {
  @Parameters(index = "0", paramLabel = "EVENT_NAME", description = "the event's name, e.g. task.created")
  String name;

  @Parameters(index = "1", arity = "0..1", paramLabel = "PAYLOAD", description = "a JSON object; default {}")
  String payload;

  @Option(names = "--to", paramLabel = "DESTINATION", defaultValue = "broadcast",
      description = "channel:NAME, agent:ID or broadcast; default ${DEFAULT-VALUE}")
  String to;

  @Override
  int run(AgentClient client, PrintWriter out) throws Exception {
    ObjectNode body = payload == null ? CODEC.mapper().createObjectNode() : parse(payload);
    if (to.startsWith("channel:")) {
      Await.of(client.workspace().channel(to.substring("channel:".length())).join(), connection.timeout(),
          "joining " + to);
    }
    Event e = Event.of(name, to).withPayload(body);
    PublishResult r = Await.of(client.sendEvent(e), connection.timeout(), "publishing " + name);
    out.println(Results.published(r));
    return 0;
  }

  static ObjectNode parse(String json) {
    try {
      return CODEC.parseObject(json);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("the payload must be a JSON object: " + e.getMessage());
    }
  }
}
