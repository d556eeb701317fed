package dev.workspace.server.testing;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real {@code redis-server} for tests, on a free loopback port, started and stopped by process like nats.java's
 * {@code NatsTestServer}. A missing binary fails the test (it never skips): install it with
 * {@code apt-get install -y redis-server}.
 */
public final class RedisProcess implements AutoCloseable {
  private final int port;
  private final Path dir;
  private final boolean persistent;
  private final List<String> extra;
  private Process process;

  private RedisProcess(int port, Path dir, boolean persistent, List<String> extra) {
    this.port = port;
    this.dir = dir;
    this.persistent = persistent;
    this.extra = extra;
  }

  /** @return a started server that keeps nothing on disk: a restart loses every key */
  public static RedisProcess start() {
    return start(false);
  }

  /**
   * @param persistent whether to keep an append-only file synced on every write, so that a restart (even after
   *     {@code kill -9}) keeps every key
   * @return a started server
   */
  public static RedisProcess start(boolean persistent) {
    return start(persistent, List.of());
  }

  /**
   * @param persistent whether to keep an append-only file synced on every write
   * @param extra more {@code redis-server} arguments, for example {@code --replicaof 127.0.0.1 6379}
   * @return a started server
   */
  public static RedisProcess start(boolean persistent, List<String> extra) {
    try {
      Path dir = Files.createTempDirectory("redis-test");
      RedisProcess r = new RedisProcess(freePort(), dir, persistent, List.copyOf(extra));
      r.launch();
      return r;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** @return the port */
  public int port() {
    return port;
  }

  /** @return {@code redis://127.0.0.1:<port>} */
  public String uri() {
    return "redis://127.0.0.1:" + port;
  }

  /** @return whether the process runs */
  public boolean isRunning() {
    return process != null && process.isAlive();
  }

  /** Kills the server at once ({@code kill -9}) and waits until it is gone. */
  public void kill() {
    if (process == null) {
      return;
    }
    process.destroyForcibly();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        throw new AssertionError("redis-server did not stop");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
    process = null;
  }

  /** Starts the server again on the same port and directory. */
  public void restart() {
    if (isRunning()) {
      throw new IllegalStateException("already running");
    }
    launch();
  }

  private void launch() {
    String binary = findBinary();
    List<String> cmd = new ArrayList<>(List.of(binary, "--port", String.valueOf(port), "--bind", "127.0.0.1",
        "--dir", dir.toString(), "--save", "", "--daemonize", "no", "--protected-mode", "yes"));
    if (persistent) {
      cmd.addAll(List.of("--appendonly", "yes", "--appendfsync", "always"));
    } else {
      cmd.addAll(List.of("--appendonly", "no"));
    }
    cmd.addAll(extra);
    process = launch(cmd, dir.resolve("redis.log"), port);
  }

  /**
   * Starts a Redis program and waits until it answers {@code PING} on its port, up to 10 s.
   *
   * @param cmd the program and its arguments
   * @param log the file its output is appended to
   * @param port the loopback port it listens on
   * @return the running process
   */
  static Process launch(List<String> cmd, Path log, int port) {
    Process p;
    try {
      p = new ProcessBuilder(cmd).redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
    } catch (IOException e) {
      throw new AssertionError("could not start " + cmd.get(0), e);
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (System.nanoTime() < deadline) {
      if (!p.isAlive()) {
        throw new AssertionError(cmd.get(0) + " exited at start; see " + log);
      }
      try (RespClient c = RespClient.connect(port)) {
        if ("PONG".equals(c.call("PING"))) {
          return p;
        }
      } catch (RuntimeException notYet) {
        // Not listening yet.
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
    p.destroyForcibly();
    throw new AssertionError(cmd.get(0) + " did not answer PING within 10 s on port " + port);
  }

  private static String findBinary() {
    return findBinary("redis-server", "redis-server");
  }

  /**
   * @param name a program's name
   * @param debianPackage the Debian package that has it
   * @return its path
   */
  static String findBinary(String name, String debianPackage) {
    for (String d : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      File f = new File(d, name);
      if (f.canExecute()) {
        return f.getPath();
      }
    }
    for (String d : List.of("/usr/bin", "/usr/local/bin", "/usr/sbin")) {
      File f = new File(d, name);
      if (f.canExecute()) {
        return f.getPath();
      }
    }
    throw new AssertionError(name + " is not installed; install it with: apt-get install -y " + debianPackage);
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket()) {
      s.setReuseAddress(true);
      s.bind(new InetSocketAddress("127.0.0.1", 0));
      return s.getLocalPort();
    }
  }

  /** @return a new blocking client to this server */
  public RespClient client() {
    return RespClient.connect(port);
  }

  @Override
  public void close() {
    kill();
  }
}
