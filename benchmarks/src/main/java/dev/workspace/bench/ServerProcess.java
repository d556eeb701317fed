package dev.workspace.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A server the benchmark started as a child process on loopback, and what the kernel says it used: CPU time, write
 * system calls, resident memory. Everything started is stopped by {@link #stop}, and by a shutdown hook.
 */
final class ServerProcess {
  private static final List<ServerProcess> RUNNING = new ArrayList<>();

  static {
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      synchronized (RUNNING) {
        for (ServerProcess p : RUNNING) {
          p.process.destroyForcibly();
        }
      }
    }));
  }

  private final String name;
  private final Process process;
  private final Path log;

  private ServerProcess(String name, Process process, Path log) {
    this.name = name;
    this.process = process;
    this.log = log;
  }

  /**
   * Starts a command and waits until {@code port} accepts connections.
   *
   * @param name for messages
   * @param command the command line
   * @param log where its output goes
   * @param port a port it listens on
   * @return the running server
   * @throws IOException if it cannot start or does not listen within 60 s
   */
  static ServerProcess start(String name, List<String> command, Path log, int port) throws IOException {
    Files.createDirectories(log.getParent());
    Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    ServerProcess sp = new ServerProcess(name, p, log);
    synchronized (RUNNING) {
      RUNNING.add(sp);
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (true) {
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress("127.0.0.1", port), 500);
        return sp;
      } catch (IOException e) {
        if (!p.isAlive() || System.nanoTime() > deadline) {
          sp.stop();
          throw new IOException(name + " did not start listening on " + port + "; see " + log);
        }
        try {
          Thread.sleep(50);
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          throw new IOException(ie);
        }
      }
    }
  }

  /** @return a free loopback port */
  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  /** @return how many servers started here are still running */
  static int running() {
    synchronized (RUNNING) {
      return RUNNING.size();
    }
  }

  String name() {
    return name;
  }

  long pid() {
    return process.pid();
  }

  Path log() {
    return log;
  }

  /** @return user plus system CPU time, in nanoseconds */
  long cpuNanos() {
    try {
      String stat = Files.readString(Path.of("/proc/" + pid() + "/stat"));
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]);
      return ticks * 10_000_000L;
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  /** @return write-family system calls so far (the kernel's {@code syscw}) */
  long writeCalls() {
    return procField("/proc/" + pid() + "/io", "syscw:");
  }

  /** @return resident memory, in bytes */
  long rssBytes() {
    long kb = procField("/proc/" + pid() + "/status", "VmRSS:");
    return kb < 0 ? -1 : kb * 1024;
  }

  private static long procField(String file, String key) {
    try {
      for (String line : Files.readAllLines(Path.of(file))) {
        if (line.startsWith(key)) {
          return Long.parseLong(line.substring(key.length()).trim().split("\\s+")[0]);
        }
      }
    } catch (IOException | RuntimeException e) {
      return -1;
    }
    return -1;
  }

  /**
   * @return the live-object class histogram of a JVM server ({@code jcmd PID GC.class_histogram}, which collects
   *     garbage first), or {@code null} when it cannot be taken
   */
  String classHistogram() {
    try {
      Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
          Long.toString(pid()), "GC.class_histogram").redirectErrorStream(true).start();
      byte[] out = p.getInputStream().readAllBytes();
      return p.waitFor(120, TimeUnit.SECONDS) && p.exitValue() == 0 ? new String(out) : null;
    } catch (IOException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  /** @return how many lines of its output contain {@code text} */
  long countLog(String text) {
    try (var lines = Files.lines(log)) {
      return lines.filter(l -> l.contains(text)).count();
    } catch (IOException | java.io.UncheckedIOException e) {
      return -1;
    }
  }

  void stop() {
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
    synchronized (RUNNING) {
      RUNNING.remove(this);
    }
  }

  /** A snapshot of the counters, to subtract. */
  record Usage(long cpuNanos, long writeCalls) {
    Usage minus(Usage before) {
      return new Usage(cpuNanos - before.cpuNanos, writeCalls - before.writeCalls);
    }
  }

  Usage usage() {
    return new Usage(cpuNanos(), writeCalls());
  }
}
