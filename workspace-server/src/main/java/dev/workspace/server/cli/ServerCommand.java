package dev.workspace.server.cli;

import dev.workspace.server.ServerOptions;
import dev.workspace.server.WorkspaceServer;
import dev.workspace.server.logging.LogSetup;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code workspace server}: runs one node until SIGTERM or SIGINT, then stops it gracefully (see
 * {@link WorkspaceServer#shutdown}) and exits with status 0.
 */
@Command(name = "server", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
    sortOptions = false, usageHelpAutoWidth = true, abbreviateSynopsis = true,
    description = {"Runs a workspace node: WebSocket /ws, MCP /mcp, REST /api, /health, /ready, /info, /metrics.",
        "Options come from defaults, then --config FILE (JSON or YAML), then WORKSPACE_* variables, then flags."
            + " Durations are written 500ms, 10s, 5m, 1h. See docs/CONFIGURATION.md."},
    exitCodeListHeading = "%nExit status:%n",
    exitCodeList = {"0:stopped (SIGTERM or SIGINT)", "1:the node failed", "2:bad flag, option value or configuration"})
public final class ServerCommand implements Callable<Integer> {
  private static final Logger LOG = LoggerFactory.getLogger(ServerCommand.class);

  @Spec
  private CommandSpec spec;

  /** A command that is configured with {@link #create()}. */
  ServerCommand() {
  }

  /** @return the command with one flag per server option */
  public static CommandLine create() {
    CommandLine cl = new CommandLine(new ServerCommand());
    ServerFlags.addTo(cl.getCommandSpec());
    return cl;
  }

  @Override
  public Integer call() throws Exception {
    ServerOptions options = ServerFlags.load(spec.commandLine().getParseResult(), System.getenv());
    if (options.getNodeId() == null) {
      options.setNodeId("node-" + UUID.randomUUID().toString().substring(0, 8));
    }
    LogSetup.apply(options.getLogging(), options.getNodeId());
    LOG.info("workspace {} starting with configuration {}", VersionProvider.version(),
        options.toMaskedJson().encode());
    WorkspaceServer server;
    try {
      server = WorkspaceServer.start(options).toCompletionStage().toCompletableFuture().get();
    } catch (ExecutionException e) {
      LOG.error("could not start: {}", e.getCause().getMessage());
      return ExitCodes.FAILURE;
    }
    CompletableFuture<Integer> stopped = new CompletableFuture<>();
    Runnable stop = () -> {
      LOG.info("stopping: draining within {} ms", options.getShutdown().getDrainTimeout().toMillis());
      server.shutdown().onComplete(ar -> {
        if (ar.failed()) {
          LOG.warn("shutdown: {}", ar.cause().toString());
        }
        LOG.info("stopped");
        stopped.complete(ExitCodes.OK);
      });
    };
    Signals.onTermination(stop);
    return stopped.get();
  }
}
