package dev.workspace.server.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.workspace.model.ErrorCode;
import dev.workspace.model.Ids;
import dev.workspace.model.ProtocolException;
import dev.workspace.server.edge.Authenticator;
import dev.workspace.server.edge.FaceAccess;
import dev.workspace.server.edge.JsonRpc;
import io.vertx.core.Future;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP side of {@code /mcp}: the checks every request passes (Host and Origin, session header, protocol
 * version, Accept and Content-Type, bearer token, body size, rate), each refusal with the status and JSON-RPC error
 * the MCP SDK expects, then the hand-over to the session's event loop.
 */
final class McpEndpoint {
  private static final Logger LOG = LoggerFactory.getLogger(McpEndpoint.class);
  static final String SESSION_HEADER = "mcp-session-id";
  static final String VERSION_HEADER = "mcp-protocol-version";
  /** The {@code mcp-session-id} names no live session: the client must initialize again. */
  static final int SESSION_NOT_FOUND = -32001;
  /** Protocol versions this face speaks, newest first. */
  static final List<String> VERSIONS = List.of("2025-11-25", "2025-06-18", "2025-03-26", "2024-11-05");
  private static final String SESSION_KEY = "mcp.session";

  private final McpFace face;
  private final McpMethods methods;

  McpEndpoint(McpFace face) {
    this.face = face;
    this.methods = new McpMethods(face);
  }

  void mount(Router router) {
    router.route("/mcp").order(-30).handler(this::guard).failureHandler(this::failed);
    router.post("/mcp").order(-29).handler(BodyHandler.create().setBodyLimit(face.mcpOptions().getMaxBodySize())
        .setHandleFileUploads(false));
    router.post("/mcp").order(-28).handler(this::post);
    router.get("/mcp").order(-28).handler(this::get);
    router.delete("/mcp").order(-28).handler(this::delete);
  }

  // ------------------------------------------------------------------ checks every request passes

  private void guard(RoutingContext ctx) {
    HttpServerRequest req = ctx.request();
    String host = req.getHeader("Host");
    if (!McpHosts.allowed(host, face.options())) {
      face.access().limitHit("mcp_host");
      LOG.warn("refused MCP request remote={} host={}: not a loopback name", req.remoteAddress(), printable(host));
      throw new JsonRpc.Failure(403, JsonRpc.SERVER_ERROR, "Forbidden: Host header '" + printable(host)
          + "' is not allowed (DNS rebinding protection)");
    }
    if (!face.access().originAllowed(req.getHeader("Origin"), host)) {
      face.access().limitHit("origin");
      LOG.warn("refused MCP request remote={} origin={}", req.remoteAddress(), printable(req.getHeader("Origin")));
      throw new JsonRpc.Failure(403, JsonRpc.SERVER_ERROR, "Forbidden: Origin is not allowed");
    }
    HttpMethod m = req.method();
    if (m != HttpMethod.POST && m != HttpMethod.GET && m != HttpMethod.DELETE) {
      ctx.response().putHeader("Allow", "GET, POST, DELETE");
      throw new JsonRpc.Failure(405, JsonRpc.SERVER_ERROR, "Method Not Allowed: use POST, GET or DELETE");
    }
    if (m != HttpMethod.POST || req.getHeader(SESSION_HEADER) != null) {
      String version = req.getHeader(VERSION_HEADER);
      if (version != null && !VERSIONS.contains(version)) {
        throw new JsonRpc.Failure(400, JsonRpc.SERVER_ERROR, "Bad Request: Unsupported protocol version '"
            + printable(version) + "' (supported versions: " + String.join(", ", VERSIONS) + ")");
      }
    }
    ctx.next();
  }

  private void failed(RoutingContext ctx) {
    Throwable f = ctx.failure();
    JsonRpc.Failure failure;
    if (f instanceof JsonRpc.Failure jf) {
      failure = jf;
    } else if (f instanceof ProtocolException pe) {
      failure = fromProtocol(pe);
    } else if (ctx.statusCode() == 413) {
      face.access().limitHit("mcp_body");
      failure = new JsonRpc.Failure(413, JsonRpc.SERVER_ERROR, "Payload Too Large: the body is larger than "
          + face.mcpOptions().getMaxBodySize() + " bytes");
    } else if (ctx.statusCode() >= 400 && ctx.statusCode() < 500) {
      failure = new JsonRpc.Failure(ctx.statusCode(), JsonRpc.SERVER_ERROR, "Bad Request");
    } else {
      LOG.error("MCP {} failed", ctx.request().method(), f);
      failure = new JsonRpc.Failure(500, JsonRpc.INTERNAL_ERROR, "Internal error");
    }
    refuse(ctx, failure, null);
  }

  static JsonRpc.Failure fromProtocol(ProtocolException pe) {
    return switch (pe.code()) {
      case UNAUTHORIZED -> new JsonRpc.Failure(401, JsonRpc.SERVER_ERROR, "Unauthorized: " + pe.getMessage());
      case FORBIDDEN -> new JsonRpc.Failure(403, JsonRpc.SERVER_ERROR, "Forbidden: " + pe.getMessage());
      case BAD_JSON -> new JsonRpc.Failure(400, JsonRpc.PARSE_ERROR, "Parse error: " + pe.getMessage());
      case UNAVAILABLE -> new JsonRpc.Failure(503, JsonRpc.SERVER_ERROR, "Unavailable: " + pe.getMessage());
      case INTERNAL -> new JsonRpc.Failure(500, JsonRpc.INTERNAL_ERROR, "Internal error");
      default -> new JsonRpc.Failure(400, JsonRpc.SERVER_ERROR, "Bad Request: " + pe.getMessage());
    };
  }

  private void refuse(RoutingContext ctx, JsonRpc.Failure failure, JsonNode id) {
    if (ctx.response().ended() || ctx.response().closed()) {
      return;
    }
    if (failure.status() == 401) {
      ctx.response().putHeader("WWW-Authenticate", "Bearer");
    }
    ctx.response().setStatusCode(failure.status()).putHeader("content-type", "application/json")
        .end(JsonRpc.error(id, failure.code(), failure.getMessage()).toString());
  }

  private static boolean accepts(HttpServerRequest req, String type) {
    String accept = req.getHeader("Accept");
    if (accept == null) {
      return false;
    }
    String a = accept.toLowerCase(Locale.ROOT);
    return a.contains(type) || a.contains("*/*");
  }

  /** The session the request names; 400 without the header, 404 when it is unknown or over. */
  private McpSession requireSession(RoutingContext ctx) {
    String id = ctx.request().getHeader(SESSION_HEADER);
    if (id == null || id.isBlank()) {
      throw new JsonRpc.Failure(400, JsonRpc.SERVER_ERROR, "Bad Request: Mcp-Session-Id header is required");
    }
    McpSession s = face.session(id);
    if (s == null || s.isClosed()) {
      throw new JsonRpc.Failure(404, McpEndpoint.SESSION_NOT_FOUND, "Session not found");
    }
    return s;
  }

  /**
   * In token mode every request carries the token of the session's agent; in open mode nothing is checked.
   *
   * @return completes when the request may go on, or fails with the refusal
   */
  private Future<Void> checkCaller(RoutingContext ctx, McpSession s) {
    if (!face.authenticator().required()) {
      return Future.succeededFuture();
    }
    return identify(ctx).compose(identity -> {
      if (!identity.agentId().equals(s.agentId()) || !identity.workspace().equals(s.workspace())) {
        return Future.failedFuture(new JsonRpc.Failure(403, JsonRpc.SERVER_ERROR,
            "Forbidden: the token is not the session's agent"));
      }
      return Future.succeededFuture();
    });
  }

  /** @return the identity the bearer token proves (token mode only) */
  Future<Authenticator.Identity> identify(RoutingContext ctx) {
    String header = ctx.request().getHeader("Authorization");
    try {
      if (header == null) {
        throw new ProtocolException(ErrorCode.UNAUTHORIZED, "this server requires Authorization: Bearer <token>");
      }
      return face.authenticator().verify(FaceAccess.bearer(header)).recover(e -> {
        face.access().authFailure();
        return Future.failedFuture(e instanceof ProtocolException pe ? fromProtocol(pe)
            : new JsonRpc.Failure(401, JsonRpc.SERVER_ERROR, "Unauthorized: the token could not be checked"));
      });
    } catch (ProtocolException e) {
      face.access().authFailure();
      return Future.failedFuture(fromProtocol(e));
    }
  }

  // ------------------------------------------------------------------ POST: client-to-server messages

  private void post(RoutingContext ctx) {
    HttpServerRequest req = ctx.request();
    if (!accepts(req, "application/json") || !accepts(req, "text/event-stream")) {
      throw new JsonRpc.Failure(406, JsonRpc.SERVER_ERROR,
          "Not Acceptable: Client must accept both application/json and text/event-stream");
    }
    String type = req.getHeader("Content-Type");
    if (type == null || !type.toLowerCase(Locale.ROOT).startsWith("application/json")) {
      throw new JsonRpc.Failure(415, JsonRpc.SERVER_ERROR,
          "Unsupported Media Type: Content-Type must be application/json");
    }
    String body = ctx.body().asString();
    if (body != null && body.stripLeading().startsWith("[")) {
      throw new JsonRpc.Failure(400, JsonRpc.INVALID_REQUEST, "Invalid Request: batches are not supported");
    }
    ObjectNode msg;
    try {
      msg = face.codec().parseObject(body == null ? "" : body);
    } catch (ProtocolException e) {
      throw new JsonRpc.Failure(400, JsonRpc.PARSE_ERROR, "Parse error: " + e.getMessage());
    }
    if (!"2.0".equals(msg.path("jsonrpc").asText(null))) {
      throw new JsonRpc.Failure(400, JsonRpc.INVALID_REQUEST, "Invalid Request: jsonrpc must be \"2.0\"");
    }
    JsonNode id = msg.get("id");
    if (id != null && !id.isTextual() && !id.isIntegralNumber()) {
      throw new JsonRpc.Failure(400, JsonRpc.INVALID_REQUEST, "Invalid Request: id must be a string or an integer");
    }
    JsonNode methodNode = msg.get("method");
    String method = methodNode != null && methodNode.isTextual() ? methodNode.asText() : null;
    if (method == null && (id == null || (!msg.has("result") && !msg.has("error")))) {
      throw new JsonRpc.Failure(400, JsonRpc.INVALID_REQUEST, "Invalid Request: not a request, notification or response");
    }
    if ("initialize".equals(method)) {
      if (id == null) {
        throw new JsonRpc.Failure(400, JsonRpc.INVALID_REQUEST, "Invalid Request: initialize must be a request");
      }
      if (req.getHeader(SESSION_HEADER) != null) {
        throw new JsonRpc.Failure(400, JsonRpc.INVALID_REQUEST, "Invalid Request: Server already initialized");
      }
      new McpInitializer(face).initialize(ctx, msg, this);
      return;
    }
    McpSession s = requireSession(ctx);
    onSession(ctx, s, () -> {
      if (method == null) {
        ctx.response().setStatusCode(202).end();
      } else if (id == null) {
        methods.notification(s, method, msg.path("params"));
        ctx.response().setStatusCode(202).end();
      } else {
        request(ctx, s, id, method, msg.get("params"));
      }
    });
  }

  private void request(RoutingContext ctx, McpSession s, JsonNode id, String method, JsonNode params) {
    McpReply reply = new McpReply(face.vertx(), id, ctx.response(), s.mcpSessionId(),
        face.mcpOptions().getKeepalive().toMillis());
    String key = id.toString();
    if (s.inFlight(key)) {
      reply.error(JsonRpc.INVALID_REQUEST, "Invalid Request: request id " + key + " is already in flight");
      return;
    }
    if (!s.startCall(key, reply)) {
      face.access().limitHit("mcp_calls_in_flight");
      reply.error(JsonRpc.SERVER_ERROR, "limit: at most " + face.mcpOptions().getMaxCallsInFlight()
          + " calls in flight per session");
      return;
    }
    reply.onFinish(() -> s.endCall(key));
    ctx.response().closeHandler(v -> s.context().runOnContext(x -> reply.abandon()));
    try {
      methods.request(s, method, params, reply);
    } catch (JsonRpc.Failure f) {
      reply.error(f.code(), f.getMessage());
    } catch (RuntimeException e) {
      LOG.error("MCP {} of session {} failed", method, s.mcpSessionId(), e);
      reply.error(JsonRpc.INTERNAL_ERROR, "Internal error");
    }
  }

  /** Checks the caller and the rate, then runs {@code action} on the session's event loop. */
  private void onSession(RoutingContext ctx, McpSession s, Runnable action) {
    checkCaller(ctx, s).onComplete(ar -> s.context().runOnContext(v -> {
      if (ar.failed()) {
        refuse(ctx, ar.cause() instanceof JsonRpc.Failure f ? f
            : new JsonRpc.Failure(401, JsonRpc.SERVER_ERROR, "Unauthorized"), null);
        return;
      }
      if (s.isClosed()) {
        refuse(ctx, new JsonRpc.Failure(404, McpEndpoint.SESSION_NOT_FOUND, "Session not found"), null);
        return;
      }
      s.touch();
      if (!s.admit()) {
        refuse(ctx, new JsonRpc.Failure(429, JsonRpc.SERVER_ERROR, "Too Many Requests: more than "
            + face.options().getMaxFramesPerSecond() + " requests per second (burst "
            + face.options().getFrameBurst() + ") in this session"), null);
        return;
      }
      try {
        action.run();
      } catch (JsonRpc.Failure f) {
        refuse(ctx, f, null);
      }
    }));
  }

  // ------------------------------------------------------------------ GET: the server-to-client stream

  private void get(RoutingContext ctx) {
    if (!accepts(ctx.request(), "text/event-stream")) {
      throw new JsonRpc.Failure(406, JsonRpc.SERVER_ERROR, "Not Acceptable: Client must accept text/event-stream");
    }
    McpSession s = requireSession(ctx);
    onSession(ctx, s, () -> {
      if (!s.openStream(ctx.response())) {
        throw new JsonRpc.Failure(409, JsonRpc.SERVER_ERROR, "Conflict: Only one SSE stream is allowed per session");
      }
    });
  }

  // ------------------------------------------------------------------ DELETE: the end of a session

  private void delete(RoutingContext ctx) {
    McpSession s = requireSession(ctx);
    onSession(ctx, s, () -> {
      s.close("ended by the client");
      ctx.response().setStatusCode(200).end();
    });
  }

  // ------------------------------------------------------------------ helpers

  void answerInitialize(RoutingContext ctx, McpSession s, ObjectNode result, JsonNode id) {
    ctx.response().setStatusCode(200).putHeader("content-type", "application/json")
        .putHeader(SESSION_HEADER, s.mcpSessionId()).end(JsonRpc.result(id, result).toString());
  }

  void refuseInitialize(RoutingContext ctx, Throwable cause, JsonNode id) {
    JsonRpc.Failure f;
    if (cause instanceof JsonRpc.Failure jf) {
      f = jf;
    } else if (cause instanceof ProtocolException pe) {
      f = fromProtocol(pe);
    } else {
      LOG.error("MCP initialize failed", cause);
      f = new JsonRpc.Failure(500, JsonRpc.INTERNAL_ERROR, "Internal error");
    }
    refuse(ctx, f, id);
  }

  static String printable(String s) {
    if (s == null) {
      return "";
    }
    String p = s.replaceAll("[^\\x20-\\x7e]", "?");
    return p.length() <= 100 ? p : p.substring(0, 100) + "...";
  }

  static String agentFromClientName(String clientName) {
    StringBuilder sb = new StringBuilder();
    if (clientName != null) {
      for (char c : clientName.toLowerCase(Locale.ROOT).toCharArray()) {
        boolean ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.';
        sb.append(ok ? c : '-');
        if (sb.length() >= Ids.MAX_LENGTH - 9) {
          break;
        }
      }
    }
    String base = sb.length() == 0 ? "client" : sb.toString();
    String random = Integer.toHexString(0x10000 | java.util.concurrent.ThreadLocalRandom.current().nextInt(0x10000))
        .substring(1);
    return "mcp-" + base + "-" + random;
  }
}
