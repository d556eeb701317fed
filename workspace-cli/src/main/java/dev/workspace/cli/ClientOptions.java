package dev.workspace.cli;

import dev.workspace.client.AgentClient;
import dev.workspace.client.AgentClientOptions;
import dev.workspace.client.SessionInfo;
import dev.workspace.server.config.Durations;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import picocli.CommandLine.Option;

/** The options every command that talks to a server shares: where, as whom, and how long to wait. */
final class ClientOptions {
  @Option(names = {"--url", "-u"}, paramLabel = "URL", defaultValue = "${env:WORKSPACE_URL:-ws://127.0.0.1:8700/ws}",
      description = "the server's WebSocket URL (env WORKSPACE_URL); default ${DEFAULT-VALUE}")
  String url;

  @Option(names = "--agent", paramLabel = "ID", defaultValue = "${env:WORKSPACE_AGENT_ID}",
      description = "the agent id to connect as (env WORKSPACE_AGENT_ID); default cli-<random>")
  String agent;

  @Option(names = {"--workspace", "-w"}, paramLabel = "NAME", defaultValue = "${env:WORKSPACE_WORKSPACE:-default}",
      description = "the workspace (env WORKSPACE_WORKSPACE); default ${DEFAULT-VALUE}")
  String workspace;

  @Option(names = "--token", paramLabel = "TOKEN", defaultValue = "${env:WORKSPACE_TOKEN}",
      description = "a token, for a server run with --auth token (env WORKSPACE_TOKEN)")
  String token;

  @Option(names = {"--timeout", "-t"}, paramLabel = "DURATION", defaultValue = "10s",
      description = "how long to wait for the server or an answer: 500ms, 10s, 2m; default ${DEFAULT-VALUE}")
  String timeout;

  Duration timeout() {
    return Durations.parse(timeout);
  }

  String agentId() {
    return agent != null && !agent.isBlank() ? agent : "cli-" + UUID.randomUUID().toString().substring(0, 8);
  }

  AgentClient client(Vertx vertx) {
    AgentClientOptions o = new AgentClientOptions().setAgentId(agentId()).setWorkspace(workspace)
        .setReconnect(false).setRequestTimeout(timeout());
    if (token != null && !token.isBlank()) {
      o.setToken(token);
    }
    return AgentClient.create(vertx, o);
  }

  SessionInfo connect(AgentClient client, Map<String, ?> metadata) throws Exception {
    return Await.of(client.connect(url), timeout(), "connecting to " + url);
  }
}
