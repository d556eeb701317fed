package dev.workspace.server.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.workspace.server.WorkspaceServer;
import dev.workspace.server.testing.RedisProcess;
import dev.workspace.server.testing.RespClient;
import dev.workspace.server.testing.TestServers;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Where a node's keys live in Redis, and what it does with keys of the layout before hash tags. */
class RedisLayoutTest {
  @Test
  void everyKeyOfAWorkspaceCarriesItsHashTag() {
    try (RedisProcess redis = RedisProcess.start(); ClusterFixture cluster = new ClusterFixture(redis)) {
      WorkspaceServer a = cluster.node("node-a");
      ClusterFixture.join(cluster.connect(a, "alice"), "ops");
      var bob = cluster.connect(a, "bob");
      ClusterFixture.join(bob, "ops");
      assertEquals(1L, ClusterFixture.post(bob, "ops", "hi"));
      try (RespClient c = redis.client()) {
        List<?> keys = (List<?>) c.call("KEYS", "*");
        assertTrue(keys.size() > 5, keys::toString);
        for (Object k : keys) {
          String key = String.valueOf(k);
          assertTrue(key.startsWith("ws:{default}:") || key.startsWith("ws:node:{node-a}:")
              || key.equals("ws:{cluster}:nodes"), key);
        }
      }
    }
  }

  @Test
  void aNodeRefusesToStartOnKeysOfTheEarlierLayout() throws Exception {
    try (RedisProcess redis = RedisProcess.start()) {
      try (RespClient c = redis.client()) {
        assertEquals(1L, c.number("SADD", "ws:nodes", "old-node"));
      }
      Vertx vertx = Vertx.vertx();
      try {
        Throwable failure = WorkspaceServer.start(vertx, TestServers.options().setRedisUri(redis.uri())
                .setNodeId("node-a"))
            .toCompletionStage().toCompletableFuture().handle((ok, e) -> e).get(20, TimeUnit.SECONDS);
        assertTrue(failure != null, "the node started");
        String why = failure.getMessage();
        assertTrue(why.contains("earlier layout") && why.contains("ws:nodes"), why);
        try (RespClient c = redis.client()) {
          assertEquals(List.of("ws:nodes"), c.call("KEYS", "*"), "the node wrote nothing");
        }
      } finally {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      }
    }
  }
}
