package dev.workspace.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Summarises a JFR recording of the workspace server: where its CPU samples were, by the method on top of the
 * stack, and by the first frame of the server's own code.
 */
final class Profile {
  private Profile() {
  }

  static String summarize(Path jfr, int top) throws IOException, InterruptedException {
    Path text = jfr.resolveSibling(jfr.getFileName() + ".samples.txt");
    Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jfr").toString(), "print",
        "--events", "jdk.ExecutionSample,jdk.NativeMethodSample", "--stack-depth", "64", jfr.toString())
        .redirectErrorStream(true).redirectOutput(text.toFile()).start();
    if (!p.waitFor(300, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      return null;
    }
    Map<String, Integer> topFrames = new HashMap<>();
    Map<String, Integer> ownFrames = new HashMap<>();
    int samples = 0;
    boolean inStack = false;
    boolean first = false;
    boolean ownSeen = false;
    try (var lines = Files.lines(text)) {
      for (String raw : (Iterable<String>) lines::iterator) {
        String line = raw.trim();
        if (line.startsWith("stackTrace = [")) {
          inStack = true;
          first = true;
          ownSeen = false;
          continue;
        }
        if (!inStack) {
          continue;
        }
        if (line.startsWith("]")) {
          inStack = false;
          continue;
        }
        String frame = line.replaceAll("\\s+line:.*$", "");
        if (frame.equals("...")) {
          continue;
        }
        if (first) {
          first = false;
          if (isWaiting(frame)) {
            inStack = false;
            continue;
          }
          samples++;
          topFrames.merge(frame, 1, Integer::sum);
        }
        if (!ownSeen && frame.startsWith("dev.workspace.")) {
          ownFrames.merge(frame, 1, Integer::sum);
          ownSeen = true;
        }
      }
    }
    if (samples == 0) {
      return null;
    }
    StringBuilder out = new StringBuilder();
    out.append(samples).append(" samples of the workspace server's running threads over the whole run (JFR `jdk.ExecutionSample` and `jdk.NativeMethodSample`, `profile` settings; threads waiting in `epoll` or parked left out).\n\n");
    out.append("| share | top of stack |\n|---|---|\n");
    table(out, topFrames, samples, top);
    out.append("\n| share | first frame in the server's own code |\n|---|---|\n");
    table(out, ownFrames, samples, top);
    return out.toString();
  }

  /** A thread parked or waiting for I/O readiness is not using the CPU. */
  private static boolean isWaiting(String frame) {
    return frame.contains("EPoll") || frame.contains("epoll") || frame.contains("Unsafe.park")
        || frame.contains("Object.wait") || frame.contains("Thread.sleep") || frame.contains("accept0")
        || frame.contains("Net.poll") || frame.contains("SelectorImpl");
  }

  private static void table(StringBuilder out, Map<String, Integer> counts, int samples, int top) {
    List<Map.Entry<String, Integer>> list = new ArrayList<>(counts.entrySet());
    list.sort((a, b) -> b.getValue() - a.getValue());
    for (int i = 0; i < Math.min(top, list.size()); i++) {
      out.append(String.format("| %.1f %% | `%s` |%n", 100.0 * list.get(i).getValue() / samples,
          list.get(i).getKey().replace("|", "\\|")));
    }
  }
}
