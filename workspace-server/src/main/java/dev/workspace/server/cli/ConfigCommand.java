package dev.workspace.server.cli;

import dev.workspace.server.ServerOptions;
import dev.workspace.server.config.ConfigurationDoc;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code workspace config}: prints the options a {@code workspace server} with the same flags, file and environment
 * would run with, as JSON in the shape of a configuration file, secrets and passwords masked.
 */
@Command(name = "config", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
    sortOptions = false, usageHelpAutoWidth = true, abbreviateSynopsis = true,
    description = {"Prints the effective server configuration (defaults, --config FILE, WORKSPACE_* variables,"
        + " flags) as JSON, with secrets masked. Takes the same options as `workspace server`."},
    exitCodeListHeading = "%nExit status:%n",
    exitCodeList = {"0:printed", "2:bad flag, option value or configuration"})
public final class ConfigCommand implements Callable<Integer> {
  @Spec
  private CommandSpec spec;

  @CommandLine.Option(names = "--markdown", description = "print every option as docs/CONFIGURATION.md instead")
  boolean markdown;

  ConfigCommand() {
  }

  /** @return the command with one flag per server option */
  public static CommandLine create() {
    CommandLine cl = new CommandLine(new ConfigCommand());
    ServerFlags.addTo(cl.getCommandSpec());
    return cl;
  }

  @Override
  public Integer call() {
    if (markdown) {
      spec.commandLine().getOut().print(ConfigurationDoc.markdown());
      spec.commandLine().getOut().flush();
      return ExitCodes.OK;
    }
    ServerOptions options = ServerFlags.load(spec.commandLine().getParseResult(), System.getenv());
    spec.commandLine().getOut().println(options.toMaskedJson().encodePrettily());
    spec.commandLine().getOut().flush();
    return ExitCodes.OK;
  }
}
