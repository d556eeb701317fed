package dev.workspace.model;

/**
 * A client mistake found while decoding or validating: it carries the {@link ErrorCode} to answer with and the
 * request id of the frame, when one could be read. Expected, so it records no stack trace.
 */
public final class ProtocolException extends RuntimeException {
  private final ErrorCode code;
  private final String requestId;

  /**
   * @param code the code to answer with
   * @param message what was wrong, naming the field and the rule
   */
  public ProtocolException(ErrorCode code, String message) {
    this(code, message, null);
  }

  /**
   * @param code the code to answer with
   * @param message what was wrong, naming the field and the rule
   * @param requestId the id of the frame in error, or {@code null}
   */
  public ProtocolException(ErrorCode code, String message, String requestId) {
    super(message, null, false, false);
    this.code = code;
    this.requestId = requestId;
  }

  /** @return the error code */
  public ErrorCode code() {
    return code;
  }

  /** @return the id of the frame in error, or {@code null} when it could not be read */
  public String requestId() {
    return requestId;
  }

  /**
   * @param requestId the id of the frame in error
   * @return the same error carrying {@code requestId}
   */
  public ProtocolException withRequestId(String requestId) {
    if (requestId == null || requestId.equals(this.requestId)) {
      return this;
    }
    return new ProtocolException(code, getMessage(), requestId);
  }
}
