package dev.workspace.cli;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** The {@code workspace} jar run as a process, its output read line by line as it comes. */
final class Proc implements AutoCloseable {
  static final Path JAR = Path.of(System.getProperty("workspace.jar", "target/workspace-cli-0.1.0-SNAPSHOT.jar"));
  private static final String JAVA = Path.of(System.getProperty("java.home"), "bin", "java").toString();

  final Process process;
  final LinkedBlockingQueue<String> out = new LinkedBlockingQueue<>();
  final LinkedBlockingQueue<String> err = new LinkedBlockingQueue<>();
  private final List<String> allOut = new ArrayList<>();
  private final List<String> allErr = new ArrayList<>();
  private final CompletableFuture<Void> outDone;
  private final CompletableFuture<Void> errDone;

  private Proc(Process process) {
    this.process = process;
    this.outDone = pump(process.inputReader(StandardCharsets.UTF_8), out, allOut);
    this.errDone = pump(new BufferedReader(new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8)),
        err, allErr);
  }

  static Proc start(Map<String, String> env, String... args) {
    List<String> cmd = new ArrayList<>(List.of(JAVA, "-Xmx256m", "-XX:TieredStopAtLevel=1", "-jar",
        JAR.toString()));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.environment().keySet().removeIf(k -> k.startsWith("WORKSPACE_"));
    pb.environment().putAll(env);
    pb.directory(new File(System.getProperty("java.io.tmpdir")));
    try {
      return new Proc(pb.start());
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Runs to the end (at most 60 s) and returns the exit status. */
  static Proc run(Map<String, String> env, String... args) throws Exception {
    Proc p = start(env, args);
    p.waitFor(Duration.ofSeconds(60));
    return p;
  }

  int waitFor(Duration limit) throws Exception {
    if (!process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("still running after " + limit + "; stderr: " + String.join("\n", stderr()));
    }
    outDone.get(10, TimeUnit.SECONDS);
    errDone.get(10, TimeUnit.SECONDS);
    return process.exitValue();
  }

  /** Starts {@code workspace server} on a free port and waits until it listens; {@link #port} is then set. */
  static Proc server(Map<String, String> env, String... args) throws InterruptedException {
    List<String> all = new ArrayList<>(List.of("server", "--port", "0", "--instances", "1"));
    all.addAll(List.of(args));
    Proc p = start(env, all.toArray(String[]::new));
    String listening = p.awaitErr(l -> l.contains(" listening on "), Duration.ofSeconds(60));
    p.port = Integer.parseInt(listening.replaceAll(".* listening on [^:]+:(\\d+).*", "$1"));
    return p;
  }

  int port;

  String wsUrl() {
    return "ws://127.0.0.1:" + port + "/ws";
  }

  int exit() {
    return process.exitValue();
  }

  synchronized List<String> stdout() {
    return List.copyOf(allOut);
  }

  synchronized List<String> stderr() {
    return List.copyOf(allErr);
  }

  String stdoutText() {
    return String.join("\n", stdout());
  }

  String stderrText() {
    return String.join("\n", stderr());
  }

  /** Waits for a line of standard output (consumed from {@link #out}) matching, failing after the limit. */
  String awaitOut(Predicate<String> match, Duration limit) throws InterruptedException {
    return await(out, match, limit, "stdout");
  }

  /** Waits for a line of standard error (consumed from {@link #err}) matching, failing after the limit. */
  String awaitErr(Predicate<String> match, Duration limit) throws InterruptedException {
    return await(err, match, limit, "stderr");
  }

  private String await(LinkedBlockingQueue<String> q, Predicate<String> match, Duration limit, String what)
      throws InterruptedException {
    long deadline = System.nanoTime() + limit.toNanos();
    while (true) {
      long left = deadline - System.nanoTime();
      String line = left <= 0 ? null : q.poll(left, TimeUnit.NANOSECONDS);
      if (line == null) {
        throw new AssertionError("no matching line on " + what + " within " + limit + "; stderr so far:\n"
            + stderrText() + "\nstdout so far:\n" + stdoutText());
      }
      if (match.test(line)) {
        return line;
      }
    }
  }

  /** Sends SIGTERM with {@code kill}: {@link Process#destroy()} would also close the streams still to be read. */
  void signalTerm() {
    try {
      Process kill = new ProcessBuilder("kill", "-TERM", String.valueOf(process.pid())).inheritIO().start();
      if (!kill.waitFor(30, TimeUnit.SECONDS) || kill.exitValue() != 0) {
        throw new IllegalStateException("kill -TERM " + process.pid() + " failed");
      }
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      process.destroyForcibly();
      try {
        process.waitFor(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private CompletableFuture<Void> pump(BufferedReader reader, LinkedBlockingQueue<String> q, List<String> all) {
    return CompletableFuture.runAsync(() -> {
      try (reader) {
        String line;
        while ((line = reader.readLine()) != null) {
          synchronized (this) {
            all.add(line);
          }
          q.add(line);
        }
      } catch (IOException ignored) {
        // the process ended
      }
    }, runnable -> {
      Thread t = new Thread(runnable, "proc-reader");
      t.setDaemon(true);
      t.start();
    });
  }
}
