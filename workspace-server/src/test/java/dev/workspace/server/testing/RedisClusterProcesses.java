package dev.workspace.server.testing;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real Redis Cluster for tests: three primaries with a replica each, {@code redis-server} processes on free
 * loopback ports joined by {@code redis-cli --cluster create}, with a quick node timeout (1.5 s) so that a killed
 * primary's replica takes over within seconds.
 */
public final class RedisClusterProcesses implements AutoCloseable {
  private final List<RedisProcess> nodes = new ArrayList<>();

  private RedisClusterProcesses() {
  }

  /** @return a cluster whose every node answers {@code cluster_state:ok} */
  public static RedisClusterProcesses start() {
    RedisClusterProcesses c = new RedisClusterProcesses();
    try {
      for (int i = 0; i < 6; i++) {
        c.nodes.add(RedisProcess.start(false, List.of("--cluster-enabled", "yes", "--cluster-config-file",
            "nodes.conf", "--cluster-node-timeout", "1500", "--cluster-require-full-coverage", "no")));
      }
      List<String> cmd = new ArrayList<>(List.of(RedisProcess.findBinary("redis-cli", "redis-tools"), "--cluster",
          "create"));
      for (RedisProcess n : c.nodes) {
        cmd.add("127.0.0.1:" + n.port());
      }
      cmd.addAll(List.of("--cluster-replicas", "1", "--cluster-yes"));
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes());
      if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new AssertionError("redis-cli --cluster create failed: " + out);
      }
      for (RedisProcess n : c.nodes) {
        c.awaitOk(n);
      }
      for (RedisProcess n : c.nodes) {
        c.awaitReplicaInSync(n);
      }
      return c;
    } catch (IOException e) {
      c.close();
      throw new AssertionError(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      c.close();
      throw new AssertionError(e);
    } catch (RuntimeException | AssertionError e) {
      c.close();
      throw e;
    }
  }

  /** @return every node, primaries and replicas */
  public List<RedisProcess> nodes() {
    return nodes;
  }

  /** @return the node on a port */
  public RedisProcess node(int port) {
    for (RedisProcess n : nodes) {
      if (n.port() == port) {
        return n;
      }
    }
    throw new AssertionError("no node on " + port);
  }

  /** @return seed URIs for the workspace server: two of the nodes */
  public String uri() {
    return "redis://127.0.0.1:" + nodes.get(0).port() + ",redis://127.0.0.1:" + nodes.get(1).port();
  }

  /**
   * @param key a key
   * @return the port of the primary that serves the key's slot, as a running node sees it
   */
  public int primaryOf(String key) {
    for (RedisProcess n : nodes) {
      if (!n.isRunning()) {
        continue;
      }
      try (RespClient c = n.client()) {
        long slot = c.number("CLUSTER", "KEYSLOT", key);
        for (Object range : (List<?>) c.call("CLUSTER", "SLOTS")) {
          List<?> r = (List<?>) range;
          if ((Long) r.get(0) <= slot && slot <= (Long) r.get(1)) {
            return ((Long) ((List<?>) r.get(2)).get(1)).intValue();
          }
        }
      }
    }
    throw new AssertionError("no running node knows the slot of " + key);
  }

  /** Polls {@code CLUSTER INFO}: a cluster's state has no event to wait on. */
  public void awaitOk(RedisProcess n) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    String info = "";
    while (System.nanoTime() < deadline) {
      try (RespClient c = n.client()) {
        info = String.valueOf(c.call("CLUSTER", "INFO"));
      }
      if (info.contains("cluster_state:ok")) {
        return;
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
    throw new AssertionError("redis on " + n.port() + " never reported cluster_state:ok: " + info);
  }

  /** Polls {@code INFO replication} until a replica's link to its primary is up (a primary passes at once). */
  public void awaitReplicaInSync(RedisProcess n) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    String info = "";
    while (System.nanoTime() < deadline) {
      try (RespClient c = n.client()) {
        info = String.valueOf(c.call("INFO", "replication"));
      }
      if (info.contains("role:master") || info.contains("master_link_status:up")) {
        return;
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
    throw new AssertionError("replica on " + n.port() + " never caught up: " + info);
  }

  @Override
  public void close() {
    for (RedisProcess n : nodes) {
      n.close();
    }
  }
}
