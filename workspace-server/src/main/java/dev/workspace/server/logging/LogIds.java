package dev.workspace.server.logging;

import org.slf4j.MDC;

/**
 * The ids a log line carries in its MDC ({@code workspace}, {@code agent}, {@code session}, {@code event}) while a
 * piece of work runs: opened around the handling of one frame, one request's continuation, or one lifecycle step of
 * a session, and closed when that work ends, restoring what was there before. Event loops run the tasks of many
 * sessions, so the ids must never outlive the task: always use it in a try-with-resources block.
 *
 * <pre>{@code
 * try (LogIds ids = LogIds.session(workspace, agent, sessionId)) {
 *   LOG.info("connected");
 * }
 * }</pre>
 *
 * Confined to the thread that opened it. The ids are written to the MDC only through this class, which keeps its
 * own copy of them per thread.
 */
public final class LogIds implements AutoCloseable {
  /** MDC key of the workspace. */
  public static final String WORKSPACE = "workspace";
  /** MDC key of the agent id. */
  public static final String AGENT = "agent";
  /** MDC key of the session id. */
  public static final String SESSION = "session";
  /** MDC key of the event id. */
  public static final String EVENT = "event";

  private static final String[] KEYS = {WORKSPACE, AGENT, SESSION, EVENT};
  /** What this class last put in the calling thread's MDC, so that a scope compares without asking the MDC. */
  private static final ThreadLocal<String[]> CURRENT = ThreadLocal.withInitial(() -> new String[KEYS.length]);

  private final String[] current = CURRENT.get();
  private final String[] previous = new String[KEYS.length];
  private int set;

  private LogIds() {
  }

  /**
   * Puts a session's ids; a {@code null} one (the workspace and agent before {@code connect}) is left as it was.
   *
   * @param workspace the workspace, or {@code null}
   * @param agent the agent, or {@code null}
   * @param session the session id
   * @return the scope, to close
   */
  public static LogIds session(String workspace, String agent, String session) {
    LogIds ids = new LogIds();
    ids.put(0, workspace);
    ids.put(1, agent);
    ids.put(2, session);
    return ids;
  }

  /**
   * Puts an event's id, over whatever ids are already there.
   *
   * @param eventId the event id, or {@code null} (then nothing changes)
   * @return the scope, to close
   */
  public static LogIds event(String eventId) {
    LogIds ids = new LogIds();
    ids.put(3, eventId);
    return ids;
  }

  private void put(int i, String value) {
    if (value == null) {
      return;
    }
    String before = current[i];
    if (value.equals(before)) {
      return;
    }
    previous[i] = before;
    current[i] = value;
    MDC.put(KEYS[i], value);
    set |= 1 << i;
  }

  /** Restores the ids that were there before. */
  @Override
  public void close() {
    for (int i = 0; i < KEYS.length; i++) {
      if ((set & (1 << i)) != 0) {
        current[i] = previous[i];
        if (previous[i] == null) {
          MDC.remove(KEYS[i]);
        } else {
          MDC.put(KEYS[i], previous[i]);
        }
      }
    }
    set = 0;
  }
}
