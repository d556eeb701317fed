package dev.workspace.server.core;

import com.fasterxml.jackson.databind.JsonNode;
import dev.workspace.model.Destination;
import dev.workspace.model.ErrorCode;
import dev.workspace.model.Event;
import dev.workspace.model.FrameCodec;
import dev.workspace.model.ProtocolException;
import dev.workspace.model.RunNames;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** The run tracker of a node that runs alone: per workspace, maps guarded by the workspace's lock. */
public final class MemoryRunTracker implements RunTracker {
  private final FrameCodec codec;
  private final RunLimits limits;
  private final Map<String, Space> spaces = new ConcurrentHashMap<>();

  private static final class Run {
    final String runId;
    final String requester;
    final String target;
    final String sessionId;
    final String pool;
    final boolean stream;
    final long created;
    final List<Event> log = new ArrayList<>();
    String state = RunNames.SUBMITTED;
    long updated;
    long bytes;
    long expiresAt;

    Run(Event request, String target, String pool, long now) {
      this.runId = request.eventId();
      this.requester = request.sourceId();
      this.target = target;
      JsonNode session = request.metadata().get("session_id");
      this.sessionId = session != null && session.isTextual() ? session.asText() : null;
      this.pool = pool;
      this.stream = request.metadata().path("stream").asBoolean(false);
      this.created = now;
      this.updated = now;
    }

    boolean open() {
      return !RunNames.isTerminalState(state);
    }
  }

  private static final class Space {
    final Map<String, Run> runs = new HashMap<>();
    final Map<String, Set<String>> openByRequester = new HashMap<>();
    final Map<String, Set<String>> openByTarget = new HashMap<>();
    final Map<String, Long> turns = new HashMap<>();
    final Map<String, java.util.ArrayDeque<String>> bySession = new HashMap<>();
    final LinkedHashSet<String> ended = new LinkedHashSet<>();
    int open;
  }

  /**
   * @param codec encodes events to measure the log
   * @param limits the bounds
   */
  public MemoryRunTracker(FrameCodec codec, RunLimits limits) {
    this.codec = codec;
    this.limits = limits;
  }

  private Space space(String workspace) {
    return spaces.computeIfAbsent(workspace, w -> new Space());
  }

  @Override
  public Future<String> open(String workspace, Event request, List<String> candidates, String pool) {
    Space s = space(workspace);
    long now = System.currentTimeMillis();
    synchronized (s) {
      Run existing = s.runs.get(request.eventId());
      if (existing != null && existing.expiresAt > now) {
        if (!existing.requester.equals(request.sourceId())) {
          return Future.failedFuture(new ProtocolException(ErrorCode.INVALID_EVENT,
              "event_id '" + request.eventId() + "' is already the id of another agent's run"));
        }
        return Future.succeededFuture(existing.target);
      }
      if (existing != null) {
        forget(s, existing);
      }
      if (s.open >= limits.maxOpenRuns()) {
        sweep(s, now);
      }
      if (s.open >= limits.maxOpenRuns()) {
        return Future.failedFuture(new ProtocolException(ErrorCode.LIMIT_EXCEEDED,
            "workspace '" + workspace + "' has " + limits.maxOpenRuns() + " open runs, the limit"));
      }
      Set<String> mine = s.openByRequester.get(request.sourceId());
      if (mine != null && mine.size() >= limits.maxOpenRunsPerRequester()) {
        sweep(s, now);
        mine = s.openByRequester.get(request.sourceId());
      }
      if (mine != null && mine.size() >= limits.maxOpenRunsPerRequester()) {
        return Future.failedFuture(new ProtocolException(ErrorCode.LIMIT_EXCEEDED, "agent '" + request.sourceId()
            + "' has " + limits.maxOpenRunsPerRequester() + " open runs, the limit per requester"));
      }
      String target = choose(s, pool, candidates);
      Run run = new Run(request, target, pool, now);
      run.expiresAt = now + limits.retention().toMillis();
      s.runs.put(run.runId, run);
      s.openByRequester.computeIfAbsent(run.requester, k -> new LinkedHashSet<>()).add(run.runId);
      s.openByTarget.computeIfAbsent(target, k -> new LinkedHashSet<>()).add(run.runId);
      s.open++;
      if (run.sessionId != null) {
        java.util.ArrayDeque<String> ids = s.bySession.computeIfAbsent(run.sessionId, k -> new java.util.ArrayDeque<>());
        ids.addFirst(run.runId);
        if (ids.size() > MAX_SESSION_RUNS) {
          ids.removeLast();
        }
      }
      return Future.succeededFuture(target);
    }
  }

  @Override
  public Future<String> pick(String workspace, String pool, List<String> candidates) {
    Space s = space(workspace);
    synchronized (s) {
      return Future.succeededFuture(choose(s, pool, candidates));
    }
  }

  private static String choose(Space s, String pool, List<String> candidates) {
    if (candidates.size() == 1) {
      return candidates.get(0);
    }
    int least = Integer.MAX_VALUE;
    List<String> equals = new ArrayList<>();
    for (String c : candidates) {
      Set<String> open = s.openByTarget.get(c);
      int n = open == null ? 0 : open.size();
      if (n < least) {
        least = n;
        equals.clear();
      }
      if (n == least) {
        equals.add(c);
      }
    }
    long turn = s.turns.merge(pool == null ? "" : pool, 1L, Long::sum);
    return equals.get((int) (turn % equals.size()));
  }

  @Override
  public Future<Recorded> record(String workspace, Event answer) {
    Space s = space(workspace);
    long now = System.currentTimeMillis();
    synchronized (s) {
      Run run = s.runs.get(answer.responseTo());
      if (run == null || run.expiresAt <= now || !run.target.equals(answer.sourceId())
          || answer.destination().kind() != Destination.Kind.AGENT
          || !answer.destination().name().equals(run.requester)) {
        return Future.succeededFuture(Recorded.UNTRACKED);
      }
      if (!run.open()) {
        return Future.failedFuture(new ProtocolException(ErrorCode.NOT_FOUND,
            "run '" + run.runId + "' is not open: it ended " + run.state));
      }
      boolean interim = RunNames.isInterim(answer.eventName());
      long seq = run.log.size() + 1;
      Event logged = answer.withPayload(answer.payload().deepCopy().put("seq", seq));
      long size = codec.measureEvent(logged);
      if (interim && (seq > limits.maxLogEvents() || run.bytes + size > limits.maxLogBytes())) {
        return Future.failedFuture(new ProtocolException(ErrorCode.LIMIT_EXCEEDED, "run '" + run.runId
            + "' has logged " + run.log.size() + " events (" + run.bytes + " bytes); the limit is "
            + limits.maxLogEvents() + " events or " + limits.maxLogBytes() + " bytes; only its end is accepted"));
      }
      append(s, run, logged, size, now);
      return Future.succeededFuture(new Recorded(seq, run.stream, logged));
    }
  }

  private void append(Space s, Run run, Event logged, long size, long now) {
    // a twin without the encoding kept for delivery, so that the log does not hold it
    run.log.add(logged.withPayload(logged.payload()));
    run.bytes += size;
    run.updated = now;
    run.expiresAt = now + limits.retention().toMillis();
    String name = logged.eventName();
    if (name.equals(RunNames.INPUT_REQUIRED)) {
      run.state = RunNames.INPUT_REQUIRED_STATE;
    } else if (RunNames.isInterim(name)) {
      run.state = RunNames.WORKING;
    } else {
      run.state = RunNames.terminalState(name);
      close(s, run);
      s.ended.add(run.runId);
      if (s.ended.size() > limits.maxEndedRuns()) {
        java.util.Iterator<String> first = s.ended.iterator();
        Run oldest = s.runs.get(first.next());
        first.remove();
        if (oldest != null) {
          forget(s, oldest);
        }
      }
    }
  }

  private static void close(Space s, Run run) {
    if (remove(s.openByRequester, run.requester, run.runId) | remove(s.openByTarget, run.target, run.runId)) {
      s.open--;
    }
  }

  private static boolean remove(Map<String, Set<String>> index, String key, String runId) {
    Set<String> set = index.get(key);
    if (set == null || !set.remove(runId)) {
      return false;
    }
    if (set.isEmpty()) {
      index.remove(key);
    }
    return true;
  }

  @Override
  public Future<RunRecord> get(String workspace, String runId, long afterSeq) {
    Space s = space(workspace);
    synchronized (s) {
      Run run = s.runs.get(runId);
      if (run == null || run.expiresAt <= System.currentTimeMillis()) {
        return Future.succeededFuture(null);
      }
      int from = (int) Math.max(0, Math.min(afterSeq, run.log.size()));
      return Future.succeededFuture(new RunRecord(run.runId, run.requester, run.target, run.sessionId, run.pool,
          run.state, run.created, run.updated, run.log.size(), List.copyOf(run.log.subList(from, run.log.size()))));
    }
  }

  @Override
  public Future<List<Ended>> targetLeft(String workspace, String target, FailureEvent failure) {
    Space s = space(workspace);
    long now = System.currentTimeMillis();
    List<Ended> ended = new ArrayList<>();
    synchronized (s) {
      Set<String> open = s.openByTarget.get(target);
      if (open == null) {
        return Future.succeededFuture(ended);
      }
      for (String runId : new ArrayList<>(open)) {
        Run run = s.runs.get(runId);
        if (run == null || !run.open()) {
          continue;
        }
        Event e = failure.build(run.runId, run.requester, run.log.size() + 1);
        append(s, run, e, codec.measureEvent(e), now);
        ended.add(new Ended(run.runId, run.requester, e));
      }
    }
    return Future.succeededFuture(ended);
  }

  @Override
  public Future<Integer> openRuns(java.util.Collection<String> workspaces) {
    int n = 0;
    for (String w : workspaces) {
      Space s = spaces.get(w);
      if (s != null) {
        synchronized (s) {
          n += s.open;
        }
      }
    }
    return Future.succeededFuture(n);
  }

  @Override
  public void sweep() {
    long now = System.currentTimeMillis();
    for (Space s : spaces.values()) {
      synchronized (s) {
        sweep(s, now);
      }
    }
  }

  private static void sweep(Space s, long now) {
    for (Run run : new ArrayList<>(s.runs.values())) {
      if (run.expiresAt <= now) {
        forget(s, run);
      }
    }
  }

  @Override
  public Future<List<String>> sessionRuns(String workspace, String sessionId, int limit) {
    Space s = space(workspace);
    long now = System.currentTimeMillis();
    synchronized (s) {
      List<String> ids = new ArrayList<>();
      java.util.ArrayDeque<String> all = s.bySession.get(sessionId);
      if (all != null) {
        for (String id : all) {
          Run run = s.runs.get(id);
          if (ids.size() < Math.min(limit, MAX_SESSION_RUNS) && run != null && run.expiresAt > now) {
            ids.add(id);
          }
        }
      }
      return Future.succeededFuture(ids);
    }
  }

  private static void forget(Space s, Run run) {
    s.runs.remove(run.runId);
    s.ended.remove(run.runId);
    if (run.sessionId != null) {
      java.util.ArrayDeque<String> ids = s.bySession.get(run.sessionId);
      if (ids != null && ids.remove(run.runId) && ids.isEmpty()) {
        s.bySession.remove(run.sessionId);
      }
    }
    if (run.open()) {
      close(s, run);
    }
  }
}
