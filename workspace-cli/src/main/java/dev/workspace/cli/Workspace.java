package dev.workspace.cli;

import dev.workspace.server.Main;
import dev.workspace.server.cli.ConfigCommand;
import dev.workspace.server.cli.ServerCommand;
import dev.workspace.server.cli.TokenCommand;
import dev.workspace.server.cli.VersionProvider;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code workspace}: the command-line tool of the workspace event bus; each subcommand has {@code --help}. */
@Command(name = "workspace", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
    usageHelpAutoWidth = true,
    description = "Runs, inspects and drives a workspace event bus. `workspace COMMAND --help` tells more.",
    exitCodeListHeading = "%nExit status:%n",
    exitCodeList = {"0:done", "1:unexpected failure", "2:bad flag, argument or configuration",
        "3:cannot reach the server, or the connection was lost", "4:refused by the server",
        "5:no answer within the timeout"})
public final class Workspace implements Runnable {
  @CommandLine.Spec
  private CommandLine.Model.CommandSpec spec;

  private Workspace() {
  }

  /** @return the tool with every subcommand */
  public static CommandLine commandLine() {
    CommandLine cl = new CommandLine(new Workspace());
    cl.addSubcommand("server", ServerCommand.create());
    cl.addSubcommand("config", ConfigCommand.create());
    cl.addSubcommand("token", new CommandLine(new TokenCommand()));
    cl.addSubcommand("pub", new PubCommand());
    cl.addSubcommand("sub", new SubCommand());
    cl.addSubcommand("post", new PostCommand());
    cl.addSubcommand("request", new RequestCommand());
    cl.addSubcommand("history", new HistoryCommand());
    cl.addSubcommand("agents", new AgentsCommand());
    cl.addSubcommand("channels", new ChannelsCommand());
    return cl;
  }

  /** @param args the command line */
  public static void main(String[] args) {
    System.exit(Main.execute(commandLine(), args));
  }

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "name a command: "
        + String.join(", ", spec.subcommands().keySet()));
  }
}
