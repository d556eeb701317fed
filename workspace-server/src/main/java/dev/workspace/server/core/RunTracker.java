package dev.workspace.server.core;

import dev.workspace.model.Event;
import io.vertx.core.Future;
import java.util.List;

/**
 * Where runs are tracked for the whole workspace (every node): who asked whom, the state, and a capped log of the
 * responder's events, kept for {@link RunLimits#retention()} after the last event, and at most
 * {@link RunLimits#maxEndedRuns()} ended runs per workspace (the run that ended first is forgotten first, and then
 * reads as unknown). Each run event costs one write.
 * {@link MemoryRunTracker} serves one node alone; a Redis tracker serves a cluster.
 */
public interface RunTracker {
  /**
   * What {@link #record} did with an answer.
   *
   * @param seq the event's sequence number in its run, from 1; -1 when the event answers no tracked run
   * @param stream whether the requester asked for progress ({@code metadata.stream: true})
   * @param event the event as logged, with its {@code payload.seq}, to be delivered as it is; {@code null} when the
   *     tracker leaves stamping the {@code seq} to its caller
   */
  record Recorded(long seq, boolean stream, Event event) {
    /** The answer of an event that belongs to no tracked run. */
    public static final Recorded UNTRACKED = new Recorded(-1, false);

    /**
     * @param seq the event's sequence number in its run
     * @param stream whether the requester asked for progress
     */
    public Recorded(long seq, boolean stream) {
      this(seq, stream, null);
    }
  }

  /**
   * A run the tracker ended because its target went away.
   *
   * @param runId the run
   * @param requester who waits for it
   * @param event the {@code run.failed} event that ends it, with its {@code payload.seq}
   */
  record Ended(String runId, String requester, Event event) {
  }

  /**
   * Opens a run: picks its target among the candidates (the one with the fewest open runs; among equals, in turn)
   * and records it as {@code submitted}.
   *
   * @param workspace the workspace
   * @param request the request, stamped
   * @param candidates the agents that may run it, at least one, ordered
   * @param pool the pool capability, or {@code null} for a run to one agent
   * @return the chosen target; fails {@code limit_exceeded} when too many runs are open, {@code invalid_event} when
   *     another requester already used the run id
   */
  Future<String> open(String workspace, Event request, List<String> candidates, String pool);

  /**
   * Picks the candidate with the fewest open runs (among equals, in turn), without opening a run.
   *
   * @param workspace the workspace
   * @param pool the pool capability
   * @param candidates at least one agent, ordered
   * @return the chosen agent
   */
  Future<String> pick(String workspace, String pool, List<String> candidates);

  /**
   * Logs an event that answers a run ({@code response_to} = run id), if it is one: sent by the run's target to its
   * requester. Moves the state on, and ends the run on any name that is not progress or a question.
   *
   * @param workspace the workspace
   * @param answer the event, stamped
   * @return what was recorded; {@link Recorded#UNTRACKED} when the event answers no tracked run; fails
   *     {@code not_found} when the run already ended, {@code limit_exceeded} when its log is full
   */
  Future<Recorded> record(String workspace, Event answer);

  /**
   * @param workspace the workspace
   * @param runId the run
   * @param afterSeq only events with a larger sequence number
   * @return the run, or {@code null} when it is not known (never was, or expired)
   */
  Future<RunRecord> get(String workspace, String runId, long afterSeq);

  /**
   * Ends, as failed, every open run of a target that went away.
   *
   * @param workspace the workspace
   * @param target the agent that left
   * @param failure builds the {@code run.failed} event of a run from its run id, requester and seq
   * @return the runs ended
   */
  Future<List<Ended>> targetLeft(String workspace, String target, FailureEvent failure);

  /** Builds the event that ends a run whose target left. */
  @FunctionalInterface
  interface FailureEvent {
    /**
     * @param runId the run
     * @param requester who waits for it
     * @param seq the event's sequence number
     * @return the event, with {@code payload.seq} set
     */
    Event build(String runId, String requester, long seq);
  }

  /**
   * @param workspaces the workspaces to count
   * @return how many runs are open in them, over every node
   */
  Future<Integer> openRuns(java.util.Collection<String> workspaces);

  /** Most runs the index of one session keeps (the newest). */
  int MAX_SESSION_RUNS = 100;

  /**
   * The runs of one conversation ({@code metadata.session_id} of their requests), newest first. The index keeps
   * the newest {@value #MAX_SESSION_RUNS} runs of each session for as long as the runs are kept.
   *
   * @param workspace the workspace
   * @param sessionId the session id
   * @param limit most ids returned, at most {@value #MAX_SESSION_RUNS}
   * @return the run ids, newest first; empty when the session has none
   */
  Future<List<String>> sessionRuns(String workspace, String sessionId, int limit);

  /** Forgets runs whose retention passed; a tracker whose store expires keys itself does nothing. */
  default void sweep() {
  }
}
