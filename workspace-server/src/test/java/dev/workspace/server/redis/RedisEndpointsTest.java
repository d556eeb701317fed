package dev.workspace.server.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.redis.client.RedisClientType;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.RedisRole;
import java.util.List;
import org.junit.jupiter.api.Test;

class RedisEndpointsTest {
  @Test
  void oneInstance() {
    RedisEndpoints e = RedisEndpoints.parse("redis://127.0.0.1:6379/2");
    assertEquals(RedisEndpoints.Mode.STANDALONE, e.mode());
    assertEquals(List.of("redis://127.0.0.1:6379/2"), e.endpoints());
    assertEquals(0, e.waitReplicas(), "one instance has no replica to wait for");
    assertEquals(RedisClientType.STANDALONE, e.toOptions().getType());
    assertEquals("standalone at redis://127.0.0.1:6379/2", e.describe());
  }

  @Test
  void sentinelNamesItsPrimaryAndWaitsForOneReplicaByDefault() {
    RedisEndpoints e = RedisEndpoints.parse("redis-sentinel://:s3cret@127.0.0.1:26379,127.0.0.1:26380/0?master=main");
    assertEquals(RedisEndpoints.Mode.SENTINEL, e.mode());
    assertEquals(List.of("redis://127.0.0.1:26379/0", "redis://127.0.0.1:26380/0"), e.endpoints());
    assertEquals("main", e.master());
    assertEquals("s3cret", e.password());
    assertNull(e.user());
    assertEquals(1, e.waitReplicas());
    assertEquals(RedisEndpoints.DEFAULT_WAIT_TIMEOUT_MS, e.waitTimeoutMs());
    RedisOptions o = e.toOptions();
    assertEquals(RedisClientType.SENTINEL, o.getType());
    assertEquals("main", o.getMasterName());
    assertEquals(RedisRole.MASTER, o.getRole());
    assertFalse(o.isAutoFailover(), "the link reconnects itself, to re-subscribe and catch up");
    assertFalse(e.describe().contains("s3cret"));
    assertEquals("sentinel (primary 'main') at redis://127.0.0.1:26379/0,redis://127.0.0.1:26380/0", e.describe());
  }

  @Test
  void waitingForReplicasIsTunable() {
    RedisEndpoints e = RedisEndpoints.parse("redis-sentinel://h:1,h:2?master=m&wait_replicas=0&wait_timeout_ms=50");
    assertEquals(0, e.waitReplicas());
    assertEquals(50, e.waitTimeoutMs());
    assertEquals(2, RedisEndpoints.parse("redis://h:1?wait_replicas=2").waitReplicas());
  }

  @Test
  void severalSeedsAreACluster() {
    RedisEndpoints e = RedisEndpoints.parse("redis://u:p@127.0.0.1:7000,redis://127.0.0.1:7001");
    assertEquals(RedisEndpoints.Mode.CLUSTER, e.mode());
    assertEquals(List.of("redis://127.0.0.1:7000", "redis://127.0.0.1:7001"), e.endpoints());
    assertEquals("u", e.user());
    assertEquals("p", e.password());
    assertEquals(RedisEndpoints.Mode.CLUSTER, RedisEndpoints.parse("redis-cluster://h:1,h:2").mode());
    assertEquals(1, e.waitReplicas(), "each shard waits for its replica");
    assertEquals(io.vertx.redis.client.RedisClientType.CLUSTER, e.toOptions().getType());
  }

  @Test
  void badStringsAreRefusedByNameWithoutShowingThePassword() {
    for (String bad : List.of("", "http://h:1", "redis-sentinel://h:1,h:2", "redis-sentinel://h:1?master=",
        "redis://h:1?mastr=x", "redis://h:1?master=x", "redis-sentinel://:pw@h:1?master=m&wait_replicas=x",
        "redis-sentinel://h:1?master=m&wait_timeout_ms=0", "redis://h:1,http://h:2", "redis-sentinel://h/x?master=m")) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RedisEndpoints.parse(bad), bad);
      assertFalse(e.getMessage().contains(":pw@"), e.getMessage());
      assertTrue(e.getMessage().toLowerCase().contains("redis") || e.getMessage().contains("wait_"), e.getMessage());
    }
  }
}
