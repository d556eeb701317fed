package dev.workspace.server.cli;

import dev.workspace.server.ServerOptions;
import dev.workspace.server.config.ConfigFiles;
import dev.workspace.server.config.ConfigSchema;
import dev.workspace.server.config.ConfigSchema.Entry;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParseResult;

/**
 * The server's options as flags, and the layers that make the effective options: defaults, then the configuration
 * file ({@code --config F} or {@code WORKSPACE_CONFIG}), then {@code WORKSPACE_*} variables, then flags.
 */
public final class ServerFlags {
  /** Environment variable naming the configuration file when {@code --config} is not given. */
  public static final String CONFIG_ENV = ConfigSchema.ENV_PREFIX + "CONFIG";

  private ServerFlags() {
  }

  /**
   * Adds {@code --config} and one flag per option (plus {@code --NAME-file} for options with a file form).
   *
   * @param spec the command
   */
  public static void addTo(CommandSpec spec) {
    spec.addOption(OptionSpec.builder("--config", "-c").paramLabel("FILE").type(String.class)
        .description("configuration file, JSON or YAML (.yaml, .yml); env " + CONFIG_ENV).build());
    for (Entry e : ServerOptions.SCHEMA.entries()) {
      String shown = defaultShown(e);
      if (e.flag() != null) {
        List<String> names = new ArrayList<>();
        names.add(e.flag());
        names.addAll(List.of(e.setting().aliases()));
        spec.addOption(OptionSpec.builder(names.toArray(String[]::new)).paramLabel(label(e)).type(String.class)
            .description(e.setting().description() + (e.setting().unit().isEmpty() ? "" : ", in " + e.setting().unit())
                + " (default " + shown + "; env " + e.env() + ")").build());
      }
      if (e.fileFlag() != null) {
        spec.addOption(OptionSpec.builder(e.fileFlag()).paramLabel("FILE").type(String.class)
            .description("read " + e.setting().name() + " from FILE: " + e.setting().description()
                + " (env " + e.env() + " or " + e.env() + "_FILE)").build());
      }
    }
  }

  /**
   * @param e an option
   * @return its default as documentation shows it
   */
  public static String defaultShown(Entry e) {
    if (!e.setting().defaultText().isEmpty()) {
      return e.setting().defaultText();
    }
    Object v = ConfigSchema.toJsonValue(ServerOptions.SCHEMA.get(new ServerOptions(), e));
    if (v instanceof io.vertx.core.json.JsonArray a && a.isEmpty()) {
      return "none";
    }
    return String.valueOf(v);
  }

  /**
   * @param e an option
   * @return the placeholder of its value in help
   */
  public static String label(Entry e) {
    String t = e.typeName();
    return switch (t) {
      case "integer" -> "N";
      case "duration" -> "DURATION";
      case "boolean" -> "true|false";
      case "list" -> "A,B";
      case "string" -> e.setting().name().endsWith("uri") ? "URI" : "TEXT";
      default -> t.replace(" \\| ", "|");
    };
  }

  /**
   * The effective options, layer over layer.
   *
   * @param parsed the parsed command line of a command built with {@link #addTo}
   * @param env the environment
   * @return the options
   * @throws dev.workspace.server.config.ConfigException naming the key and its source when something is not usable
   */
  public static ServerOptions load(ParseResult parsed, Map<String, String> env) {
    ServerOptions o = new ServerOptions();
    String file = parsed.hasMatchedOption("--config") ? parsed.matchedOptionValue("--config", (String) null)
        : env.get(CONFIG_ENV);
    if (file != null && !file.isBlank()) {
      ServerOptions.SCHEMA.apply(o, ConfigFiles.read(Path.of(file)), file);
    }
    ServerOptions.SCHEMA.applyEnv(o, env);
    for (Entry e : ServerOptions.SCHEMA.entries()) {
      if (e.fileFlag() != null && parsed.hasMatchedOption(e.fileFlag())) {
        String f = parsed.matchedOptionValue(e.fileFlag(), (String) null);
        ServerOptions.SCHEMA.set(o, e, ConfigSchema.readFile(f, e.fileFlag()), e.fileFlag());
      }
      if (e.flag() != null && parsed.hasMatchedOption(e.flag())) {
        ServerOptions.SCHEMA.set(o, e, parsed.matchedOptionValue(e.flag(), (String) null), e.flag());
      }
    }
    return o;
  }
}
