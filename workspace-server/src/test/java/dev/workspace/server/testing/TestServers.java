package dev.workspace.server.testing;

import dev.workspace.server.ServerOptions;
import dev.workspace.server.WorkspaceServer;
import io.vertx.core.Vertx;

/** Starts real server nodes on free loopback ports for tests. */
public final class TestServers {
  private TestServers() {
  }

  /** @return options for a test node: loopback, a free port, two event loops */
  public static ServerOptions options() {
    return new ServerOptions().setHost("127.0.0.1").setPort(0).setInstances(2);
  }

  /**
   * Starts a node on its own Vert.x instance.
   *
   * @param options the options
   * @return the running node
   */
  public static WorkspaceServer start(ServerOptions options) {
    return RawClient.await(WorkspaceServer.start(options));
  }

  /**
   * Starts a node on the given Vert.x instance.
   *
   * @param vertx the Vert.x instance
   * @param options the options
   * @return the running node
   */
  public static WorkspaceServer start(Vertx vertx, ServerOptions options) {
    return RawClient.await(WorkspaceServer.start(vertx, options));
  }
}
