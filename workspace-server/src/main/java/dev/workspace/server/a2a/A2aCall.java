package dev.workspace.server.a2a;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.workspace.server.edge.JsonRpc;
import dev.workspace.server.edge.SseStream;
import io.vertx.core.http.HttpServerResponse;
import java.util.Map;

/**
 * One A2A call and how its answers are written: a JSON-RPC request (answers are JSON-RPC responses with its
 * {@code id}, also on every SSE event) or an HTTP+JSON request (bare bodies; errors as {@code google.rpc.Status}
 * for v1.0, {@code {code, message}} for v0.3).
 */
final class A2aCall {
  final HttpServerResponse response;
  final A2aWire.Dialect dialect;
  final boolean rpc;
  final JsonNode rpcId;
  final String caller;
  final String workspace;
  private SseStream sse;
  private long keepalive = -1;
  private Runnable onClose;

  A2aCall(HttpServerResponse response, A2aWire.Dialect dialect, boolean rpc, JsonNode rpcId, String caller,
      String workspace) {
    this.response = response;
    this.dialect = dialect;
    this.rpc = rpc;
    this.rpcId = rpcId;
    this.caller = caller;
    this.workspace = workspace;
  }

  boolean done() {
    return response.ended() || response.closed();
  }

  /** Answers with a result (the bare object for HTTP+JSON). */
  void result(ObjectNode result) {
    if (done()) {
      return;
    }
    String body = rpc ? JsonRpc.result(rpcId, result).toString() : result.toString();
    response.setStatusCode(200).putHeader("content-type", "application/json").end(body);
  }

  /** Answers with an error, or ends an open stream with it. */
  void error(A2aError e) {
    if (done()) {
      return;
    }
    if (sse != null) {
      if (rpc) {
        sse.send(JsonRpc.error(rpcId, e.kind().code, e.getMessage()), false);
      } else {
        sse.send("error", dialect == A2aWire.Dialect.V1 ? e.restBody() : e.legacyRestBody(), false);
      }
      endStream();
      return;
    }
    if (e.kind().status == 401) {
      response.putHeader("WWW-Authenticate", "Bearer");
    }
    String body;
    int status;
    if (rpc) {
      status = e.kind().status >= 401 && e.kind().status != 404 ? e.kind().status : 200;
      body = JsonRpc.error(rpcId, e.kind().code, e.getMessage()).toString();
    } else {
      status = e.kind().status;
      body = (dialect == A2aWire.Dialect.V1 ? e.restBody() : e.legacyRestBody()).toString();
    }
    response.setStatusCode(status).putHeader("content-type", "application/json").end(body);
  }

  /** Opens the SSE answer. */
  void openStream(io.vertx.core.Vertx vertx, long keepaliveMs, Runnable closed) {
    sse = new SseStream(response, Map.of(), false, null);
    keepalive = vertx.setPeriodic(keepaliveMs, t -> sse.keepalive());
    onClose = closed;
    response.closeHandler(v -> finish(vertx));
    response.endHandler(v -> finish(vertx));
  }

  private void finish(io.vertx.core.Vertx vertx) {
    if (keepalive >= 0) {
      vertx.cancelTimer(keepalive);
      keepalive = -1;
    }
    Runnable r = onClose;
    onClose = null;
    if (r != null) {
      r.run();
    }
  }

  boolean streaming() {
    return sse != null;
  }

  /** Sends one v1.0 stream event, in the call's dialect. */
  void event(ObjectNode event, boolean last) {
    if (sse == null || !sse.isOpen()) {
      return;
    }
    ObjectNode e = A2aWire.streamEvent(event, dialect, last);
    sse.send(rpc ? JsonRpc.result(rpcId, e) : e, false);
    if (last) {
      endStream();
    }
  }

  void endStream() {
    if (sse != null) {
      sse.end();
    }
  }
}
