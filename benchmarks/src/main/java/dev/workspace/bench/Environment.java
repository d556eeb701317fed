package dev.workspace.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The machine and the versions a run measured, for the report. */
final class Environment {
  final String mode;
  final Instant started = Instant.now().truncatedTo(ChronoUnit.SECONDS);
  final String loadAtStart = loadAverage();
  final String cpu = cpuModel();
  final int cores = Runtime.getRuntime().availableProcessors();
  final long memoryGiB = memoryKiB() / 1024 / 1024;
  final String kernel = command(List.of("uname", "-sr"));
  final String java = System.getProperty("java.vm.name") + " " + System.getProperty("java.version");
  final String nats = command(List.of("nats-server", "--version"));
  final String redis = command(List.of("redis-server", "--version"));
  Instant finished;
  String loadAtEnd;

  private Environment(String mode) {
    this.mode = mode;
  }

  static Environment describe(Settings settings, String mode) {
    return new Environment(mode);
  }

  void finish(Servers servers) {
    finished = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    loadAtEnd = loadAverage();
  }

  private static String loadAverage() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
      return f[0] + " " + f[1] + " " + f[2];
    } catch (IOException e) {
      return "?";
    }
  }

  private static String cpuModel() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
        if (line.startsWith("model name")) {
          return line.substring(line.indexOf(':') + 1).trim();
        }
      }
    } catch (IOException e) {
      return "?";
    }
    return "?";
  }

  private static long memoryKiB() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
        if (line.startsWith("MemTotal:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", ""));
        }
      }
    } catch (IOException | RuntimeException e) {
      return 0;
    }
    return 0;
  }

  private static String command(List<String> cmd) {
    try {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes()).trim();
      p.waitFor(10, TimeUnit.SECONDS);
      return out.isEmpty() ? "?" : out.lines().findFirst().orElse("?");
    } catch (IOException e) {
      return "?";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "?";
    }
  }
}
