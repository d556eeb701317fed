package dev.workspace.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;

/**
 * Summarises a JFR recording of the workspace server: where its CPU samples were, over the whole run and within
 * the time each scenario ran against it. A sample's component is the code on top of its stack (self time); the
 * "within" shares count every sample with such a frame anywhere on its stack (inclusive time), so they overlap.
 */
final class Profile {
  /** Inclusive markers: a sample counts for the first label whose frame test matches any of its frames. */
  private static final Map<String, String[]> WITHIN = new LinkedHashMap<>();
  /** Self-time components, tested on the top frame in this order. */
  private static final Map<String, String[]> SELF = new LinkedHashMap<>();

  static {
    WITHIN.put("socket writes (`write`/`writev` system calls)", new String[] {"SocketDispatcher.write",
        "FileDispatcherImpl.write", "IOUtil.write", "Native.writev", "Native.write", "writeAddress", "writevAddresses"});
    WITHIN.put("socket reads", new String[] {"SocketDispatcher.read", "IOUtil.read", "Native.read",
        "readAddress"});
    WITHIN.put("JSON: Jackson parsing and writing", new String[] {"com.fasterxml.jackson."});
    WITHIN.put("handling an incoming frame (`Session.receive`)", new String[] {"dev.workspace.server.session.Session.receive"});
    WITHIN.put("routing and fan-out (`WorkspaceCore`, `LocalSessions`, brokers)", new String[] {
        "dev.workspace.server.core.", "dev.workspace.server.redis.RedisBroker"});
    WITHIN.put("handing deliveries to sessions (`SessionHost`, `Session.deliver`)", new String[] {
        "dev.workspace.server.session.SessionHost", "dev.workspace.server.session.Session.deliver"});
    WITHIN.put("WebSocket handshake (HTTP upgrade)", new String[] {"WebSocketServerHandshaker", "Http1xServerConnection.handleUpgrade",
        "WebSocketHandshake", "HttpServerWorker"});
    WITHIN.put("Vert.x event bus", new String[] {"io.vertx.core.eventbus."});
    WITHIN.put("waking another event loop (eventfd write)", new String[] {"EventFD.", "eventFdWrite"});

    SELF.put("kernel calls: socket writes", new String[] {"SocketDispatcher.write", "FileDispatcherImpl.write",
        "Native.writev", "Native.write", "writevAddresses", "writeAddress"});
    SELF.put("kernel calls: socket reads", new String[] {"SocketDispatcher.read", "Native.read", "readAddress"});
    SELF.put("kernel calls: waking another event loop (eventfd)", new String[] {"EventFD.", "eventFdWrite"});
    SELF.put("kernel calls: other (epoll control, accept, close)", new String[] {"Native.", "EPoll", "epoll",
        "IOUtil.", "Net.", "FileDispatcherImpl.", "accept0", "close0"});
    SELF.put("Jackson", new String[] {"com.fasterxml.jackson."});
    SELF.put("workspace server code", new String[] {"dev.workspace."});
    SELF.put("Netty WebSocket and HTTP codecs", new String[] {"io.netty.handler.codec."});
    SELF.put("Netty buffers, pipeline and event loop", new String[] {"io.netty."});
    SELF.put("Vert.x", new String[] {"io.vertx."});
    SELF.put("JDK collections, strings and the rest", new String[] {""});
  }

  /** A period of the run: samples within it are summarised under its name. */
  record Window(String name, Instant from, Instant to) {
  }

  private Profile() {
  }

  /**
   * @param jfr the recording
   * @param top how many frames each "top of stack" table lists
   * @param windows the scenarios' periods, each summarised on its own after the whole run
   * @return the Markdown summaries, or {@code null} when the recording holds no running sample
   * @throws IOException when the recording cannot be read
   */
  static Summary summarize(Path jfr, int top, List<Window> windows) throws IOException {
    Tally whole = new Tally();
    Map<String, Tally> byWindow = new LinkedHashMap<>();
    for (Window w : windows) {
      byWindow.putIfAbsent(w.name(), new Tally());
    }
    try (RecordingFile file = new RecordingFile(jfr)) {
      while (file.hasMoreEvents()) {
        RecordedEvent e = file.readEvent();
        String type = e.getEventType().getName();
        if (!type.equals("jdk.ExecutionSample") && !type.equals("jdk.NativeMethodSample")) {
          continue;
        }
        RecordedStackTrace st = e.getStackTrace();
        if (st == null || st.getFrames().isEmpty()) {
          continue;
        }
        List<String> frames = new ArrayList<>();
        for (RecordedFrame f : st.getFrames()) {
          if (f.isJavaFrame()) {
            frames.add(f.getMethod().getType().getName() + "." + f.getMethod().getName());
          }
        }
        if (frames.isEmpty() || isWaiting(frames.get(0))) {
          continue;
        }
        whole.add(frames);
        Instant at = e.getStartTime();
        for (Window w : windows) {
          if (!at.isBefore(w.from()) && at.isBefore(w.to())) {
            byWindow.get(w.name()).add(frames);
          }
        }
      }
    }
    if (whole.samples == 0) {
      return null;
    }
    StringBuilder out = new StringBuilder();
    out.append(whole.samples).append(" samples of the workspace server's running threads over the whole run (JFR ")
        .append("`jdk.ExecutionSample` and `jdk.NativeMethodSample`, `profile` settings, read with ")
        .append("`jdk.jfr.consumer`; threads waiting in `epoll` or parked left out).\n\n");
    whole.write(out, top);
    Map<String, String> scenarios = new LinkedHashMap<>();
    for (Map.Entry<String, Tally> w : byWindow.entrySet()) {
      if (w.getValue().samples > 0) {
        StringBuilder one = new StringBuilder().append(w.getValue().samples).append(" CPU samples of the workspace ")
            .append("server while ").append(w.getKey()).append(" ran against it.\n\n");
        w.getValue().write(one, 10);
        scenarios.put(w.getKey(), one.toString());
      }
    }
    return new Summary(out.toString(), scenarios);
  }

  /**
   * @param whole the Markdown summary of the whole run, or {@code null} when the single node had no sample
   * @param byScenario the Markdown summary of each scenario's periods, by scenario ({@code B1}, ...)
   */
  record Summary(String whole, Map<String, String> byScenario) {
  }

  /** A thread parked or waiting for I/O readiness is not using the CPU. */
  private static boolean isWaiting(String frame) {
    return frame.contains("EPoll.wait") || frame.contains("epollWait") || frame.contains("epollBusyWait")
        || frame.contains("Unsafe.park") || frame.contains("Object.wait") || frame.contains("Thread.sleep")
        || frame.contains("accept0") || frame.contains("Net.poll") || frame.contains("SelectorImpl")
        || frame.contains("EPollSelectorImpl.doSelect") || frame.contains("EPoll.epollWait");
  }

  private static String match(Map<String, String[]> labels, String frame) {
    for (Map.Entry<String, String[]> l : labels.entrySet()) {
      for (String m : l.getValue()) {
        if (frame.contains(m)) {
          return l.getKey();
        }
      }
    }
    return null;
  }

  /** Counts of one period. */
  private static final class Tally {
    int samples;
    final Map<String, Integer> self = new HashMap<>();
    final Map<String, Integer> within = new HashMap<>();
    final Map<String, Integer> topFrames = new HashMap<>();
    final Map<String, Integer> ownFrames = new HashMap<>();

    void add(List<String> frames) {
      samples++;
      topFrames.merge(frames.get(0), 1, Integer::sum);
      self.merge(match(SELF, frames.get(0)), 1, Integer::sum);
      java.util.Set<String> seen = new java.util.HashSet<>();
      boolean ownSeen = false;
      for (String f : frames) {
        String w = match(WITHIN, f);
        if (w != null && seen.add(w)) {
          within.merge(w, 1, Integer::sum);
        }
        if (!ownSeen && f.startsWith("dev.workspace.")) {
          ownFrames.merge(f, 1, Integer::sum);
          ownSeen = true;
        }
      }
    }

    void write(StringBuilder out, int top) {
      out.append("| share of CPU samples | on top of the stack (self) |\n|---|---|\n");
      table(out, self, samples, SELF.size(), false);
      out.append("\n| share of CPU samples | with this anywhere on the stack (inclusive, overlapping) |\n|---|---|\n");
      table(out, within, samples, WITHIN.size(), false);
      out.append("\n| share | top of stack |\n|---|---|\n");
      table(out, topFrames, samples, top, true);
      out.append("\n| share | first frame in the server's own code |\n|---|---|\n");
      table(out, ownFrames, samples, top, true);
    }
  }

  private static void table(StringBuilder out, Map<String, Integer> counts, int samples, int top, boolean code) {
    List<Map.Entry<String, Integer>> list = new ArrayList<>(counts.entrySet());
    list.sort((a, b) -> b.getValue() - a.getValue());
    for (int i = 0; i < Math.min(top, list.size()); i++) {
      String label = list.get(i).getKey().replace("|", "\\|");
      out.append(String.format(java.util.Locale.ROOT, code ? "| %.1f %% | `%s` |%n" : "| %.1f %% | %s |%n",
          100.0 * list.get(i).getValue() / samples, code ? label.replace("`", "") : label));
    }
  }
}
