package dev.workspace.server;

import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts one node from the command line: {@code --port N} ({@code WORKSPACE_PORT}), {@code --host H}
 * ({@code WORKSPACE_HOST}), {@code --redis URI} ({@code WORKSPACE_REDIS_URI}), {@code --node-id ID}
 * ({@code WORKSPACE_NODE_ID}), {@code --instances N}. Flags win over the environment.
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
        default -> throw new IllegalArgumentException("unknown flag " + flag);
      }
    }
    return o;
  }

  private static int parseInt(String what, String value) {
    try {
      return Integer.parseInt(value.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(what + " must be a number, was '" + value + "'");
    }
  }
}
