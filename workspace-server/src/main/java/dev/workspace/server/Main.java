package dev.workspace.server;

import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts one node from the command line: {@code --port N} ({@code WORKSPACE_PORT}), {@code --host H}
 * ({@code WORKSPACE_HOST}), {@code --redis URI} ({@code WORKSPACE_REDIS_URI}), {@code --node-id ID}
 * ({@code WORKSPACE_NODE_ID}), {@code --instances N}. Flags win over the environment.
 *
 * <p>Security: {@code --auth none|token} ({@code WORKSPACE_AUTH}, default {@code none}), the token key
 * ({@code WORKSPACE_JWT_SECRET}, or {@code --jwt-secret-file F} / {@code WORKSPACE_JWT_SECRET_FILE}, or
 * {@code --jwt-public-key-file F} / {@code WORKSPACE_JWT_PUBLIC_KEY_FILE}), {@code --jwt-algorithm}
 * ({@code WORKSPACE_JWT_ALGORITHM}, default HS256), {@code --allowed-origins a,b}
 * ({@code WORKSPACE_ALLOWED_ORIGINS}), and the limits {@code --max-frames-per-second}, {@code --frame-burst},
 * {@code --max-errors-in-row}, {@code --max-frame-size}, {@code --max-message-size}, {@code --max-rest-body-size},
 * {@code --max-json-depth}, {@code --max-subscriptions}, {@code --max-channels-per-connection},
 * {@code --handshake-timeout-ms}, and for files {@code --files-dir}, {@code --max-file-size} (bytes),
 * {@code --max-attachments}, {@code --files-quota} (bytes per workspace), {@code --files-ttl-s} (each also as
 * {@code WORKSPACE_} and the flag's name in capitals, e.g.
 * {@code WORKSPACE_MAX_FRAMES_PER_SECOND}). The secret itself is never a flag, so it stays out of process lists.
 */
public final class Main {
  private static final Logger LOG = LoggerFactory.getLogger(Main.class);

  private Main() {
  }

  /**
   * @param args the command line
   */
  public static void main(String[] args) {
    ServerOptions options;
    try {
      options = parse(args, System.getenv());
    } catch (IllegalArgumentException e) {
      System.err.println("workspace-server: " + e.getMessage());
      System.err.println("usage: workspace-server [--port N] [--host H] [--redis redis://host:port] [--node-id ID] [--instances N]");
      System.err.println("       [--auth none|token] [--jwt-secret-file F | --jwt-public-key-file F] [--jwt-algorithm HS256]"
          + " [--allowed-origins a,b] [--max-frames-per-second N] [--frame-burst N] [--max-errors-in-row N] ...");
      System.exit(2);
      return;
    }
    WorkspaceServer.start(options).onComplete(ar -> {
      if (ar.failed()) {
        LOG.error("could not start: {}", ar.cause().getMessage());
        System.exit(1);
      }
      WorkspaceServer server = ar.result();
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        try {
          server.close().toCompletionStage().toCompletableFuture().get();
        } catch (Exception e) {
          LOG.warn("shutdown: {}", e.toString());
        }
      }, "workspace-shutdown"));
    });
  }

  /**
   * Reads options from flags and environment variables.
   *
   * @param args the flags
   * @param env the environment
   * @return the options
   * @throws IllegalArgumentException naming the bad flag or value
   */
  static ServerOptions parse(String[] args, Map<String, String> env) {
    ServerOptions o = new ServerOptions();
    if (env.get("WORKSPACE_PORT") != null) {
      o.setPort(parseInt("WORKSPACE_PORT", env.get("WORKSPACE_PORT")));
    }
    if (env.get("WORKSPACE_HOST") != null) {
      o.setHost(env.get("WORKSPACE_HOST"));
    }
    o.setRedisUri(env.get("WORKSPACE_REDIS_URI"));
    o.setNodeId(env.get("WORKSPACE_NODE_ID"));
    if (env.get("WORKSPACE_JWT_SECRET") != null) {
      o.setJwtSecret(env.get("WORKSPACE_JWT_SECRET"));
    }
    for (String flag : SECURITY_FLAGS) {
      String name = "WORKSPACE_" + flag.substring(2).replace('-', '_').toUpperCase(java.util.Locale.ROOT);
      if (env.get(name) != null) {
        security(o, flag, env.get(name));
      }
    }
    for (int i = 0; i < args.length; i++) {
      String flag = args[i];
      if (i + 1 >= args.length) {
        throw new IllegalArgumentException(flag + " needs a value");
      }
      String value = args[++i];
      switch (flag) {
        case "--port" -> o.setPort(parseInt(flag, value));
        case "--host" -> o.setHost(value);
        case "--redis" -> o.setRedisUri(value);
        case "--node-id" -> o.setNodeId(value);
        case "--instances" -> o.setInstances(parseInt(flag, value));
        default -> {
          if (!SECURITY_FLAGS.contains(flag)) {
            throw new IllegalArgumentException("unknown flag " + flag);
          }
          security(o, flag, value);
        }
      }
    }
    return o;
  }

  private static final java.util.List<String> SECURITY_FLAGS = java.util.List.of("--auth", "--jwt-algorithm",
      "--jwt-secret-file", "--jwt-public-key-file", "--allowed-origins", "--max-frames-per-second", "--frame-burst",
      "--max-errors-in-row", "--max-frame-size", "--max-message-size", "--max-rest-body-size", "--max-json-depth",
      "--max-subscriptions", "--max-channels-per-connection", "--handshake-timeout-ms", "--files-dir",
      "--max-file-size", "--max-attachments", "--files-quota", "--files-ttl-s");

  private static void security(ServerOptions o, String flag, String value) {
    switch (flag) {
      case "--auth" -> o.setAuthMode(switch (value.trim().toLowerCase(java.util.Locale.ROOT)) {
        case "none" -> ServerOptions.AuthMode.NONE;
        case "token" -> ServerOptions.AuthMode.TOKEN;
        default -> throw new IllegalArgumentException(flag + " must be none or token, was '" + value + "'");
      });
      case "--jwt-algorithm" -> o.setJwtAlgorithm(value.trim());
      case "--jwt-secret-file" -> o.setJwtSecret(readFile(flag, value).strip());
      case "--jwt-public-key-file" -> o.setJwtPublicKey(readFile(flag, value));
      case "--allowed-origins" -> o.setAllowedOrigins(java.util.Arrays.stream(value.split(","))
          .map(String::trim).filter(v -> !v.isEmpty()).toList());
      case "--max-frames-per-second" -> o.setMaxFramesPerSecond(parseInt(flag, value));
      case "--frame-burst" -> o.setFrameBurst(parseInt(flag, value));
      case "--max-errors-in-row" -> o.setMaxErrorsInRow(parseInt(flag, value));
      case "--max-frame-size" -> o.setMaxFrameSize(parseInt(flag, value));
      case "--max-message-size" -> o.setMaxMessageSize(parseInt(flag, value));
      case "--max-rest-body-size" -> o.setMaxRestBodySize(parseInt(flag, value));
      case "--max-json-depth" -> o.setMaxJsonDepth(parseInt(flag, value));
      case "--max-subscriptions" -> o.setMaxSubscriptions(parseInt(flag, value));
      case "--max-channels-per-connection" -> o.setMaxChannelsPerConnection(parseInt(flag, value));
      case "--handshake-timeout-ms" -> o.setHandshakeTimeout(java.time.Duration.ofMillis(parseInt(flag, value)));
      case "--files-dir" -> o.getFiles().setDir(java.nio.file.Path.of(value));
      case "--max-file-size" -> o.getFiles().setMaxFileSize(parseInt(flag, value));
      case "--max-attachments" -> o.getFiles().setMaxAttachments(parseInt(flag, value));
      case "--files-quota" -> o.getFiles().setWorkspaceQuota(parseLong(flag, value));
      case "--files-ttl-s" -> o.getFiles().setTtl(java.time.Duration.ofSeconds(parseLong(flag, value)));
      default -> throw new IllegalArgumentException("unknown flag " + flag);
    }
  }

  private static String readFile(String what, String file) {
    try {
      return java.nio.file.Files.readString(java.nio.file.Path.of(file), java.nio.charset.StandardCharsets.UTF_8);
    } catch (java.io.IOException e) {
      throw new IllegalArgumentException(what + ": cannot read " + file + " (" + e.getMessage() + ")");
    }
  }

  private static long parseLong(String what, String value) {
    try {
      return Long.parseLong(value.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(what + " must be a number, was '" + value + "'");
    }
  }

  private static int parseInt(String what, String value) {
    try {
      return Integer.parseInt(value.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(what + " must be a number, was '" + value + "'");
    }
  }
}
