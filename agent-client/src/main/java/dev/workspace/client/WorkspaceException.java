package dev.workspace.client;

import dev.workspace.model.ErrorCode;
import java.util.Objects;

/**
 * The one failure type of the {@link AgentClient}: every future it returns fails with this exception (or with the
 * exception a user callback threw). {@link #kind()} says what kind of failure it is; {@link #code()} is the server's
 * error code when the server refused the call, or would have. The message names what failed and the limit that was
 * hit, e.g. {@code "no reply from agent:bob within 5000 ms"}.
 *
 * <p>These are expected outcomes, so they carry no stack trace.
 */
public final class WorkspaceException extends RuntimeException {
  /** The kind of failure. */
  private final FailureKind kind;
  /** The error code, or {@code null}. */
  private final ErrorCode code;

  /**
   * A failure the client found itself (no server error code).
   *
   * @param kind the kind of failure
   * @param message what failed, and the limit that was hit
   */
  public WorkspaceException(FailureKind kind, String message) {
    this(kind, null, message);
  }

  /**
   * @param kind the kind of failure
   * @param code the server's error code, or {@code null}
   * @param message what failed, and the limit that was hit
   */
  public WorkspaceException(FailureKind kind, ErrorCode code, String message) {
    super(message, null, false, false);
    this.kind = Objects.requireNonNull(kind, "kind");
    this.code = code;
  }

  /**
   * A failure the server reported with an {@code error} frame, or that the client caught before sending because
   * the server would have refused it with this code.
   *
   * @param code the error code
   * @param message what failed, including the server's explanation
   * @return the exception, its kind mapped with {@link FailureKind#of(ErrorCode)}
   */
  public static WorkspaceException fromServer(ErrorCode code, String message) {
    return new WorkspaceException(FailureKind.of(code), code, message);
  }

  /** @return the kind of failure, never {@code null} */
  public FailureKind kind() {
    return kind;
  }

  /**
   * @return the error code when the server refused the call (or would have: the client checks names, destinations
   *     and patterns before sending); {@code null} for failures of the client's own (timeouts, disconnection, bounds)
   */
  public ErrorCode code() {
    return code;
  }
}
