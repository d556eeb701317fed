package dev.workspace.client.e2e;

import static dev.workspace.client.e2e.E2E.await;

import dev.workspace.server.ServerOptions;
import dev.workspace.server.WorkspaceServer;
import dev.workspace.server.testing.RedisProcess;
import java.time.Duration;
import java.util.Set;

/**
 * Every test of {@link RunsEndToEndTest} on a two-node cluster over a real Redis: callers on one node, hosts on the
 * other, pool members spread over both.
 */
class ClusterRunsEndToEndTest extends RunsEndToEndTest {
  private static final Set<String> CALLERS = Set.of("alice", "bob", "boss", "carol");
  private RedisProcess redis;

  @Override
  void startServers() {
    redis = RedisProcess.start();
    for (String id : new String[] {"node-a", "node-b"}) {
      servers.add(await(WorkspaceServer.start(vertx, new ServerOptions().setHost("127.0.0.1").setPort(0)
          .setInstances(1).setNodeId(id).setRedisUri(redis.uri())
          .setClusterHeartbeatInterval(Duration.ofMillis(500)).setClusterNodeTimeout(Duration.ofSeconds(3)))));
    }
  }

  @Override
  void stopServers() {
    super.stopServers();
    redis.close();
  }

  @Override
  WorkspaceServer nodeOf(String agentId) {
    if (agentId.matches("w[0-9]+")) {
      return servers.get(Integer.parseInt(agentId.substring(1)) % 2);
    }
    return servers.get(CALLERS.contains(agentId) ? 0 : 1);
  }
}
