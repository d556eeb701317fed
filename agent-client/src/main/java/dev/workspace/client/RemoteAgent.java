package dev.workspace.client;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.List;

/**
 * Another agent (or a worker pool) called as if it were local: {@link #input} runs a task and returns its result,
 * {@link #start} gives a {@link Run} that streams progress and questions. Get one from
 * {@link AgentClient#remoteAgent(String)} or {@link AgentClient#pool(String)}. Instances are immutable:
 * {@link #session} and {@link #timeout} return new ones.
 */
public interface RemoteAgent {
  /** Default time a run may go without any event from the responder before it fails with a timeout. */
  Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);
  /** Default time {@link #config()} is cached. */
  Duration DEFAULT_CONFIG_TTL = Duration.ofSeconds(300);

  /** @return the destination: {@code agent:<id>} or {@code pool:<capability>} */
  String destination();

  /** @return the conversation runs belong to ({@code metadata.session_id}), or {@code null} */
  String sessionId();

  /**
   * @param sessionId the conversation to continue (the responder keeps one per requester and session id)
   * @return a remote agent whose runs carry this session id
   */
  RemoteAgent session(String sessionId);

  /**
   * @param timeout how long a run may go without an event before it fails, at least 1 ms; default 60 s
   * @return a remote agent with this timeout
   */
  RemoteAgent timeout(Duration timeout);

  /**
   * @param ttl how long {@link #config()} is cached; default 300 s
   * @return a remote agent with this cache time
   */
  RemoteAgent configTtl(Duration ttl);

  /**
   * Runs a task and waits for its result, without progress.
   *
   * @param text the task, sent as payload {@code {"text": text}}
   * @return the result; fails as {@link Run#result()}
   */
  Future<RunResult> input(String text);

  /**
   * @param payload the task's payload
   * @return the result; fails as {@link Run#result()}
   */
  Future<RunResult> input(ObjectNode payload);

  /**
   * Runs a task with files and waits for its result, without progress. The files are first held to the limits the
   * agent's card states ({@link AgentInfo#accepts()}, read through {@link #config()}): too many files, one too
   * large or of a media type the agent does not take fail the run {@link FailureKind#REJECTED} before anything is
   * uploaded. Then files not yet on the server are uploaded, and the task is sent as payload
   * {@code {"text": text, "attachments": [...]}}. A pool has no card, so only the server's limits apply. When an
   * upload fails, the files this call uploaded are deleted again.
   *
   * @param text the task
   * @param files the files that go with it
   * @return the result; fails as above, as {@link WorkspaceFiles#upload(java.nio.file.Path, String, String)}, or
   *     as {@link Run#result()}
   */
  Future<RunResult> input(String text, List<FileInput> files);

  /**
   * Starts a run with files that streams progress, once they are checked and uploaded as for
   * {@link #input(String, List)}.
   *
   * @param text the task
   * @param files the files that go with it
   * @return the run, once it was sent; fails as {@link #input(String, List)} does before the run starts
   */
  Future<Run> start(String text, List<FileInput> files);

  /**
   * Starts a run that streams progress ({@code metadata.stream: true}).
   *
   * @param text the task, sent as payload {@code {"text": text}}
   * @return the run
   */
  Run start(String text);

  /**
   * @param payload the task's payload
   * @return the run
   */
  Run start(ObjectNode payload);

  /**
   * @return the agent's card (discovery entry with its metadata), cached for {@link #DEFAULT_CONFIG_TTL} and
   *     dropped when the agent sends {@code agent.updated}; fails {@link FailureKind#NOT_FOUND} when it is not
   *     connected, {@link FailureKind#INVALID} for a pool
   */
  Future<AgentInfo> config();

  /** @return the card read from the server now (and cached) */
  Future<AgentInfo> refreshConfig();
}
