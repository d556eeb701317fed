package dev.workspace.server.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real {@code redis-sentinel} for tests, on a free loopback port, watching one primary with quick timings: the
 * primary is down after 1 s without an answer, and a failover may take 4 s. A missing binary fails the test:
 * install it with {@code apt-get install -y redis-sentinel}.
 */
public final class SentinelProcess implements AutoCloseable {
  /** The name under which the sentinels watch the primary. */
  public static final String MASTER = "main";

  private final int port;
  private final Path dir;
  private Process process;

  private SentinelProcess(int port, Path dir) {
    this.port = port;
    this.dir = dir;
  }

  /**
   * @param primaryPort the port of the primary to watch, on loopback
   * @param quorum how many sentinels must agree that it is down
   * @return a started sentinel
   */
  public static SentinelProcess start(int primaryPort, int quorum) {
    try {
      Path dir = Files.createTempDirectory("sentinel-test");
      SentinelProcess s = new SentinelProcess(RedisProcess.freePort(), dir);
      Files.writeString(dir.resolve("sentinel.conf"), String.join("\n", List.of(
          "port " + s.port,
          "bind 127.0.0.1",
          "daemonize no",
          "dir " + dir,
          "sentinel resolve-hostnames no",
          "sentinel monitor " + MASTER + " 127.0.0.1 " + primaryPort + " " + quorum,
          "sentinel down-after-milliseconds " + MASTER + " 1000",
          "sentinel failover-timeout " + MASTER + " 4000",
          "sentinel parallel-syncs " + MASTER + " 1",
          "")));
      s.launch();
      return s;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** @return the port */
  public int port() {
    return port;
  }

  private void launch() {
    process = RedisProcess.launch(List.of(RedisProcess.findBinary("redis-sentinel", "redis-sentinel"),
        dir.resolve("sentinel.conf").toString()), dir.resolve("sentinel.log"), port);
  }

  /** @return a new blocking client to this sentinel */
  public RespClient client() {
    return RespClient.connect(port);
  }

  @Override
  public void close() {
    if (process == null) {
      return;
    }
    process.destroyForcibly();
    try {
      process.waitFor(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    process = null;
  }
}
