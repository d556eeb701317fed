package dev.workspace.server;

import dev.workspace.server.cli.ExitCodes;
import dev.workspace.server.cli.ServerCommand;
import picocli.CommandLine;

/**
 * Runs {@code workspace server} ({@link ServerCommand}): {@code java -jar workspace-server.jar --help} lists every
 * option.
 */
public final class Main {
  private Main() {
  }

  /**
   * @param args the command line
   */
  public static void main(String[] args) {
    CommandLine cl = ServerCommand.create();
    cl.getCommandSpec().name("workspace-server");
    System.exit(execute(cl, args));
  }

  /**
   * Runs a command with the exit statuses of {@link ExitCodes}: a bad flag, value or configuration is reported in
   * one line on standard error with status {@link ExitCodes#USAGE}.
   *
   * @param cl the command
   * @param args its arguments
   * @return the exit status
   */
  public static int execute(CommandLine cl, String[] args) {
    cl.setExecutionExceptionHandler((e, line, parsed) -> {
      if (e instanceof IllegalArgumentException) {
        line.getErr().println(line.getCommandSpec().qualifiedName() + ": " + e.getMessage());
        return ExitCodes.USAGE;
      }
      throw e;
    });
    cl.setParameterExceptionHandler((e, a) -> {
      CommandLine line = e.getCommandLine();
      line.getErr().println(line.getCommandSpec().qualifiedName() + ": " + e.getMessage());
      line.getErr().println("Try '" + line.getCommandSpec().qualifiedName() + " --help' for more information.");
      return ExitCodes.USAGE;
    });
    return cl.execute(args);
  }
}
