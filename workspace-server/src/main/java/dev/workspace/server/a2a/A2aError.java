package dev.workspace.server.a2a;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.workspace.model.ErrorCode;
import dev.workspace.model.ProtocolException;
import dev.workspace.server.edge.JsonRpc;

/**
 * A refusal of the A2A face, with what each binding answers: the JSON-RPC code, the HTTP status and the
 * {@code google.rpc} status and {@code ErrorInfo} reason of HTTP+JSON v1.0. Expected; carries no stack trace.
 */
final class A2aError extends RuntimeException {
  /** The kinds of refusal, with their codes. */
  enum Kind {
    TASK_NOT_FOUND(-32001, 404, "NOT_FOUND", "TASK_NOT_FOUND"),
    TASK_NOT_CANCELABLE(-32002, 400, "FAILED_PRECONDITION", "TASK_NOT_CANCELABLE"),
    PUSH_NOT_SUPPORTED(-32003, 400, "FAILED_PRECONDITION", "PUSH_NOTIFICATION_NOT_SUPPORTED"),
    UNSUPPORTED(-32004, 400, "FAILED_PRECONDITION", "UNSUPPORTED_OPERATION"),
    CONTENT_TYPE(-32005, 400, "INVALID_ARGUMENT", "CONTENT_TYPE_NOT_SUPPORTED"),
    EXTENDED_CARD(-32007, 400, "FAILED_PRECONDITION", "EXTENDED_AGENT_CARD_NOT_CONFIGURED"),
    VERSION(-32009, 400, "FAILED_PRECONDITION", "VERSION_NOT_SUPPORTED"),
    PARSE(JsonRpc.PARSE_ERROR, 400, "INVALID_ARGUMENT", "PARSE_ERROR"),
    INVALID_REQUEST(JsonRpc.INVALID_REQUEST, 400, "INVALID_ARGUMENT", "INVALID_REQUEST"),
    METHOD_NOT_FOUND(JsonRpc.METHOD_NOT_FOUND, 404, "NOT_FOUND", "METHOD_NOT_FOUND"),
    INVALID_PARAMS(JsonRpc.INVALID_PARAMS, 400, "INVALID_ARGUMENT", "INVALID_PARAMS"),
    INTERNAL(JsonRpc.INTERNAL_ERROR, 500, "INTERNAL", "INTERNAL_ERROR"),
    AGENT_NOT_FOUND(JsonRpc.SERVER_ERROR, 404, "NOT_FOUND", "AGENT_NOT_FOUND"),
    UNAUTHENTICATED(JsonRpc.SERVER_ERROR, 401, "UNAUTHENTICATED", "UNAUTHENTICATED"),
    FORBIDDEN(JsonRpc.SERVER_ERROR, 403, "PERMISSION_DENIED", "PERMISSION_DENIED"),
    TOO_LARGE(JsonRpc.SERVER_ERROR, 413, "RESOURCE_EXHAUSTED", "PAYLOAD_TOO_LARGE"),
    LIMIT(JsonRpc.SERVER_ERROR, 429, "RESOURCE_EXHAUSTED", "LIMIT_EXCEEDED"),
    UNAVAILABLE(JsonRpc.SERVER_ERROR, 503, "UNAVAILABLE", "UNAVAILABLE");

    final int code;
    final int status;
    final String rpcStatus;
    final String reason;

    Kind(int code, int status, String rpcStatus, String reason) {
      this.code = code;
      this.status = status;
      this.rpcStatus = rpcStatus;
      this.reason = reason;
    }
  }

  private final Kind kind;

  A2aError(Kind kind, String message) {
    super(message, null, false, false);
    this.kind = kind;
  }

  Kind kind() {
    return kind;
  }

  static A2aError invalidParams(String message) {
    return new A2aError(Kind.INVALID_PARAMS, message);
  }

  static A2aError taskNotFound(String taskId) {
    return new A2aError(Kind.TASK_NOT_FOUND, "task '" + A2aWire.clip(taskId) + "' was not found");
  }

  /** @return the refusal that stands for a workspace error */
  static A2aError of(Throwable cause) {
    if (cause instanceof A2aError e) {
      return e;
    }
    if (cause instanceof ProtocolException pe) {
      Kind k = switch (pe.code()) {
        case UNAUTHORIZED -> Kind.UNAUTHENTICATED;
        case FORBIDDEN -> Kind.FORBIDDEN;
        case LIMIT_EXCEEDED, RATE_LIMITED -> Kind.LIMIT;
        case TOO_LARGE -> Kind.TOO_LARGE;
        case UNAVAILABLE, NOT_CONNECTED -> Kind.UNAVAILABLE;
        case INTERNAL -> Kind.INTERNAL;
        default -> Kind.INVALID_PARAMS;
      };
      return new A2aError(k, pe.code().wireName() + ": " + pe.getMessage());
    }
    return new A2aError(Kind.INTERNAL, "the server could not complete this request");
  }

  /** @return whether the workspace error says the target is not there */
  static boolean notConnected(Throwable cause) {
    return cause instanceof ProtocolException pe && pe.code() == ErrorCode.NOT_FOUND;
  }

  /** @return the HTTP+JSON v1.0 error body ({@code google.rpc.Status} with an {@code ErrorInfo}) */
  ObjectNode restBody() {
    ObjectNode o = A2aWire.JSON.objectNode();
    ObjectNode e = o.putObject("error").put("code", kind.status).put("status", kind.rpcStatus)
        .put("message", getMessage());
    e.putArray("details").addObject().put("@type", "type.googleapis.com/google.rpc.ErrorInfo")
        .put("reason", kind.reason).put("domain", "a2a-protocol.org");
    return o;
  }

  /** @return the HTTP+JSON v0.3 error body: {@code {code, message}} with the JSON-RPC code */
  ObjectNode legacyRestBody() {
    return A2aWire.JSON.objectNode().put("code", kind.code).put("message", getMessage());
  }
}
