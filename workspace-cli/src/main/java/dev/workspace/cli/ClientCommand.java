package dev.workspace.cli;

import dev.workspace.client.AgentClient;
import dev.workspace.model.FrameCodec;
import dev.workspace.server.cli.ExitCodes;
import io.vertx.core.Vertx;
import java.io.PrintWriter;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * A command that connects to a server as an agent, does one thing and disconnects. Output is one JSON object per
 * line on standard output; messages go to standard error.
 */
abstract class ClientCommand implements Callable<Integer> {
  static final FrameCodec CODEC = new FrameCodec(64);

  @Mixin
  ClientOptions connection;

  @Spec
  CommandSpec spec;

  /** Does the command's work on a connected client, printing to {@code out}; returns the exit status. */
  abstract int run(AgentClient client, PrintWriter out) throws Exception;

  /** Runs before the client connects: register handlers here so no event is missed. */
  void beforeConnect(AgentClient client) throws Exception {
  }

  /** @return the metadata to connect with */
  Map<String, ?> metadata() {
    return Map.of("name", "workspace " + spec.name());
  }

  @Override
  public final Integer call() throws Exception {
    Vertx vertx = Vertx.vertx();
    PrintWriter out = spec.commandLine().getOut();
    try {
      AgentClient client = connection.client(vertx);
      try {
        beforeConnect(client);
        connection.connect(client, metadata());
        int status = run(client, out);
        out.flush();
        return status;
      } finally {
        out.flush();
        client.close().toCompletionStage().toCompletableFuture().get();
      }
    } catch (Await.CliFailure f) {
      out.flush();
      spec.commandLine().getErr().println("workspace " + spec.name() + ": " + f.getMessage());
      return f.exitCode;
    } catch (IllegalArgumentException e) {
      spec.commandLine().getErr().println("workspace " + spec.name() + ": " + e.getMessage());
      return ExitCodes.USAGE;
    } finally {
      vertx.close();
    }
  }

  static String json(Object value) {
    try {
      return CODEC.mapper().writeValueAsString(value);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
