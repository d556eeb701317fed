package dev.workspace.server.cli;

import dev.workspace.model.Ids;
import dev.workspace.server.SecurityOptions;
import dev.workspace.server.TokenTool;
import dev.workspace.server.config.ConfigSchema;
import dev.workspace.server.config.Durations;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code workspace token}: mints a signed token for a server started with {@code --auth token} and prints it on
 * standard output.
 */
@Command(name = "token", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
    sortOptions = false, usageHelpAutoWidth = true,
    description = {"Mints a signed token (JWT) for a server run with --auth token and prints it.",
        "The HMAC secret comes from --secret-file, --secret or WORKSPACE_JWT_SECRET (at least 32 bytes);"
            + " RS256/ES256 tokens need --private-key-file (PEM PKCS#8)."},
    exitCodeListHeading = "%nExit status:%n", exitCodeList = {"0:printed", "2:bad flag or key"})
public final class TokenCommand implements Callable<Integer> {
  @Spec
  private CommandSpec spec;

  @Option(names = "--agent", required = true, paramLabel = "ID", description = "the agent the token names (sub)")
  String agent;

  @Option(names = "--workspace", paramLabel = "NAME", description = "the workspace (ws); default ${DEFAULT-VALUE}")
  String workspace = Ids.DEFAULT_WORKSPACE;

  @Option(names = "--ttl", paramLabel = "DURATION",
      description = "time until it expires: seconds, or 90s, 30m, 2h, 7d; default ${DEFAULT-VALUE}")
  String ttl = "1h";

  @Option(names = "--channels", split = ",", paramLabel = "PATTERN",
      description = "channel patterns it may use (general,team-*); default every channel")
  List<String> channels;

  @Option(names = "--alg", paramLabel = "ALG", description = "HS256/384/512, RS256/384/512, ES256/384/512; default ${DEFAULT-VALUE}")
  String alg = SecurityOptions.DEFAULT_JWT_ALGORITHM;

  @Option(names = "--secret", paramLabel = "SECRET", description = "the HMAC secret (prefer --secret-file or WORKSPACE_JWT_SECRET)")
  String secret;

  @Option(names = "--secret-file", paramLabel = "FILE", description = "a file holding the HMAC secret")
  String secretFile;

  @Option(names = "--private-key-file", paramLabel = "FILE", description = "PEM PKCS#8 private key for RS*/ES*")
  String privateKeyFile;

  private final Map<String, String> env;

  /** A command reading {@code WORKSPACE_JWT_SECRET} from the process environment. */
  public TokenCommand() {
    this(System.getenv());
  }

  /** @param env the environment to read {@code WORKSPACE_JWT_SECRET} from */
  public TokenCommand(Map<String, String> env) {
    this.env = env;
  }

  @Override
  public Integer call() {
    spec.commandLine().getOut().println(mint());
    spec.commandLine().getOut().flush();
    return ExitCodes.OK;
  }

  /**
   * @return the token the flags ask for
   * @throws IllegalArgumentException naming the bad flag or value
   */
  public String mint() {
    SecurityOptions check = new SecurityOptions().setJwtAlgorithm(alg);
    Duration life = ttl.trim().chars().allMatch(Character::isDigit) ? Duration.ofSeconds(Long.parseLong(ttl.trim()))
        : Durations.parse(ttl);
    String key;
    if (alg.startsWith("HS")) {
      String s = secretFile != null ? ConfigSchema.readFile(secretFile, "--secret-file")
          : secret != null ? secret : env.get("WORKSPACE_JWT_SECRET");
      if (s == null) {
        throw new IllegalArgumentException("give the secret: --secret-file, --secret or WORKSPACE_JWT_SECRET");
      }
      check.setJwtSecret(s);
      key = s;
    } else {
      if (privateKeyFile == null) {
        throw new IllegalArgumentException(alg + " needs --private-key-file (PEM PKCS#8)");
      }
      key = ConfigSchema.readFile(privateKeyFile, "--private-key-file");
    }
    Vertx vertx = Vertx.vertx();
    try {
      return TokenTool.mint(vertx, alg, key, agent, workspace, life, channels);
    } catch (IllegalArgumentException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(e.getMessage() == null ? e.toString() : e.getMessage());
    } finally {
      vertx.close();
    }
  }
}
