package dev.workspace.server.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.workspace.server.edge.JsonRpc;
import dev.workspace.server.edge.SseStream;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerResponse;

/**
 * Where the answer to one JSON-RPC request goes: a plain JSON body, or, for a call that waits or reports progress,
 * an SSE stream carrying {@code notifications/progress} and then the answer. Completes once; owned by the
 * session's event loop.
 */
final class McpReply {
  private final Vertx vertx;
  private final JsonNode id;
  private final HttpServerResponse response;
  private final String sessionId;
  private final long keepaliveMs;
  private SseStream sse;
  private long keepTimer = -1;
  private boolean done;
  private final java.util.List<Runnable> onFinish = new java.util.ArrayList<>(2);

  McpReply(Vertx vertx, JsonNode id, HttpServerResponse response, String sessionId, long keepaliveMs) {
    this.vertx = vertx;
    this.id = id;
    this.response = response;
    this.sessionId = sessionId;
    this.keepaliveMs = keepaliveMs;
  }

  /** @return the request's id */
  JsonNode id() {
    return id;
  }

  /** Answers as an SSE stream from now on, with keep-alive comments while the call waits. */
  void stream() {
    if (sse == null && !done) {
      sse = new SseStream(response, sessionId == null ? java.util.Map.of() : java.util.Map.of(McpEndpoint.SESSION_HEADER, sessionId), false, "message");
      keepTimer = vertx.setPeriodic(keepaliveMs, t -> sse.keepalive());
    }
  }

  /** @return whether the answer streams */
  boolean streaming() {
    return sse != null;
  }

  /**
   * Sends a notification ahead of the answer (only on a streamed answer).
   *
   * @param notification the JSON-RPC notification
   * @return whether it was sent
   */
  boolean notify(ObjectNode notification) {
    return !done && sse != null && sse.send(notification, false);
  }

  /** @param result the JSON-RPC result */
  void result(JsonNode result) {
    finish(JsonRpc.result(id, result));
  }

  /**
   * @param code the JSON-RPC error code
   * @param message what went wrong
   */
  void error(int code, String message) {
    finish(JsonRpc.error(id, code, message));
  }

  /** Runs {@code action} once when the answer is done, in any way (result, error, cancel, client gone). */
  void onFinish(Runnable action) {
    if (done) {
      action.run();
    } else {
      onFinish.add(action);
    }
  }

  /** Ends the answer without a result: the client cancelled the request. */
  void abandon() {
    if (done) {
      return;
    }
    done = true;
    stopTimer();
    if (sse != null) {
      sse.end();
    } else if (!response.ended() && !response.closed()) {
      response.setStatusCode(202).end();
    }
  }

  /** @return whether the answer went out (or was abandoned) */
  boolean done() {
    return done;
  }

  /** @return whether the client went away before the answer */
  boolean clientGone() {
    return response.closed();
  }

  private void finish(ObjectNode message) {
    if (done) {
      return;
    }
    done = true;
    stopTimer();
    if (sse != null) {
      sse.send(message, false);
      sse.end();
    } else if (!response.ended() && !response.closed()) {
      response.setStatusCode(200).putHeader("content-type", "application/json");
      if (sessionId != null) {
        response.putHeader(McpEndpoint.SESSION_HEADER, sessionId);
      }
      response.end(message.toString());
    }
  }

  private void stopTimer() {
    if (keepTimer >= 0) {
      vertx.cancelTimer(keepTimer);
      keepTimer = -1;
    }
    for (Runnable r : onFinish) {
      r.run();
    }
    onFinish.clear();
  }
}
