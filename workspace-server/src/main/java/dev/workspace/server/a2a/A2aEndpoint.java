package dev.workspace.server.a2a;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.workspace.model.AckResult;
import dev.workspace.model.ErrorCode;
import dev.workspace.model.Ids;
import dev.workspace.model.ProtocolException;
import dev.workspace.server.edge.Authenticator;
import dev.workspace.server.edge.FaceAccess;
import dev.workspace.server.session.Access;
import io.vertx.core.Future;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP side of the A2A face: which route a request is (card, JSON-RPC, HTTP+JSON v1.0, HTTP+JSON v0.3 under
 * {@code /v1/}), the checks it passes (Origin, protocol version, bearer token, body size), who the caller is and
 * in which workspace, then the hand-over to {@link A2aTasks} on the workspace gateway's event loop.
 */
final class A2aEndpoint {
  private static final Logger LOG = LoggerFactory.getLogger(A2aEndpoint.class);
  static final String VERSION_HEADER = "A2A-Version";
  static final String CALLER_HEADER = "X-Agent-Id";
  static final String WORKSPACE_HEADER = "X-Workspace";
  private static final Set<String> VERSIONS = Set.of("1.0", "1", "0.3", "0.3.0", "0.2", "0.2.5");

  private final A2aFace face;
  private final A2aTasks tasks;

  A2aEndpoint(A2aFace face) {
    this.face = face;
    this.tasks = new A2aTasks(face);
  }

  void mount(Router router) {
    router.get("/.well-known/agent-card.json").order(-26).handler(this::workspaceCard);
    router.get("/.well-known/agent.json").order(-26).handler(this::workspaceCard);
    router.route().pathRegex("/a2a(/.*)?").order(-26).handler(this::guard);
    router.post().pathRegex("/a2a(/.*)?").order(-25).handler(BodyHandler.create()
        .setBodyLimit(face.options().getMaxBodySize()).setHandleFileUploads(false))
        .failureHandler(this::bodyFailed);
    router.route().pathRegex("/a2a(/.*)?").order(-24).handler(this::dispatch);
  }

  // ------------------------------------------------------------------ checks

  private void guard(RoutingContext ctx) {
    HttpServerRequest req = ctx.request();
    if (!face.access().originAllowed(req.getHeader("Origin"), req.getHeader("Host"))) {
      face.access().limitHit("origin");
      answer(ctx, new A2aError(A2aError.Kind.FORBIDDEN, "Origin is not allowed"));
      return;
    }
    String version = req.getHeader(VERSION_HEADER);
    if (version != null && !version.isBlank() && !VERSIONS.contains(version.trim())) {
      answer(ctx, new A2aError(A2aError.Kind.VERSION, "A2A version '" + A2aWire.clip(version)
          + "' is not supported; this server speaks 1.0 and 0.3"));
      return;
    }
    ctx.next();
  }

  private void bodyFailed(RoutingContext ctx) {
    if (ctx.statusCode() == 413) {
      face.access().limitHit("a2a_body");
      answer(ctx, new A2aError(A2aError.Kind.TOO_LARGE, "the body is larger than " + face.options().getMaxBodySize()
          + " bytes (a2a-max-body-size); send large files as url parts"));
    } else {
      answer(ctx, new A2aError(A2aError.Kind.INVALID_REQUEST, "the body could not be read"));
    }
  }

  /** Answers a refusal before the call is parsed, in the shape the path's binding expects. */
  private void answer(RoutingContext ctx, A2aError e) {
    String rest = rest(ctx.request().path());
    boolean rpc = rest != null && (rest.isEmpty() || rest.equals("/")) && ctx.request().method() == HttpMethod.POST;
    A2aWire.Dialect d = rest != null && rest.startsWith("/v1/") ? A2aWire.Dialect.V03_REST : A2aWire.Dialect.V1;
    new A2aCall(ctx.response(), d, rpc, null, null, null).error(e);
  }

  /** @return the path after {@code /a2a/<agent>}, or {@code null} when there is no agent segment */
  private static String rest(String path) {
    if (!path.startsWith("/a2a/")) {
      return null;
    }
    int slash = path.indexOf('/', 5);
    return slash < 0 ? "" : path.substring(slash);
  }

  private static String agentOf(String path) {
    int slash = path.indexOf('/', 5);
    String raw = slash < 0 ? path.substring(5) : path.substring(5, slash);
    return URLDecoder.decode(raw, StandardCharsets.UTF_8);
  }

  /** Who calls, and in which workspace: the token's subject and workspace, or, in open mode, the headers. */
  private Future<String[]> caller(RoutingContext ctx) {
    HttpServerRequest req = ctx.request();
    String named = req.getHeader(WORKSPACE_HEADER) != null ? req.getHeader(WORKSPACE_HEADER)
        : ctx.queryParams().get("workspace");
    if (!face.authenticator().required()) {
      try {
        String ws = Access.requestWorkspace(named, null);
        String c = req.getHeader(CALLER_HEADER);
        return Future.succeededFuture(new String[] {ws, c == null ? "anonymous" : Ids.requireAgentId(c)});
      } catch (ProtocolException e) {
        return Future.failedFuture(A2aError.of(e));
      }
    }
    String header = req.getHeader("Authorization");
    Future<Authenticator.Identity> id;
    try {
      if (header == null) {
        throw new ProtocolException(ErrorCode.UNAUTHORIZED, "this server requires Authorization: Bearer <token>");
      }
      id = face.authenticator().verify(FaceAccess.bearer(header));
    } catch (ProtocolException e) {
      id = Future.failedFuture(e);
    }
    return id.recover(e -> {
      face.access().authFailure();
      return Future.failedFuture(e instanceof ProtocolException pe
          ? new A2aError(A2aError.Kind.UNAUTHENTICATED, pe.getMessage())
          : new A2aError(A2aError.Kind.UNAUTHENTICATED, "the token could not be checked"));
    }).compose(identity -> {
      try {
        return Future.succeededFuture(new String[] {Access.requestWorkspace(named, identity), identity.agentId()});
      } catch (ProtocolException e) {
        return Future.failedFuture(A2aError.of(e));
      }
    });
  }

  // ------------------------------------------------------------------ dispatch

  private void dispatch(RoutingContext ctx) {
    HttpServerRequest req = ctx.request();
    String path = req.path();
    String rest = rest(path);
    if (rest == null || agentOf(path).isEmpty()) {
      answer(ctx, new A2aError(A2aError.Kind.METHOD_NOT_FOUND, "name the agent: /a2a/<agent>/"));
      return;
    }
    String agent = agentOf(path);
    if (rest.equals("/.well-known/agent-card.json") || rest.equals("/.well-known/agent.json")) {
      if (req.method() != HttpMethod.GET && req.method() != HttpMethod.HEAD) {
        answer(ctx, new A2aError(A2aError.Kind.METHOD_NOT_FOUND, "the card is read with GET"));
        return;
      }
      agentCard(ctx, agent);
      return;
    }
    boolean rpc = rest.isEmpty() || rest.equals("/");
    if (rpc && req.method() != HttpMethod.POST) {
      ctx.response().putHeader("Allow", "POST");
      answer(ctx, new A2aError(A2aError.Kind.METHOD_NOT_FOUND, "JSON-RPC calls are POSTed to the agent's URL"));
      return;
    }
    caller(ctx).onComplete(ar -> {
      if (ar.failed()) {
        answer(ctx, A2aError.of(ar.cause()));
        return;
      }
      String ws = ar.result()[0];
      String caller = ar.result()[1];
      try {
        Ids.requireAgentId(agent);
      } catch (ProtocolException e) {
        answer(ctx, new A2aError(A2aError.Kind.AGENT_NOT_FOUND, "no agent '" + A2aWire.clip(agent) + "'"));
        return;
      }
      if (rpc) {
        jsonRpc(ctx, ws, caller, agent);
      } else if (rest.startsWith("/v1/")) {
        rest(ctx, ws, caller, agent, rest.substring(3), A2aWire.Dialect.V03_REST);
      } else {
        rest(ctx, ws, caller, agent, rest, A2aWire.Dialect.V1);
      }
    });
  }

  private void jsonRpc(RoutingContext ctx, String ws, String caller, String agent) {
    String body = ctx.body().asString();
    A2aCall bad = new A2aCall(ctx.response(), A2aWire.Dialect.V1, true, null, caller, ws);
    if (body == null || body.isBlank()) {
      bad.error(new A2aError(A2aError.Kind.INVALID_REQUEST, "the body must be a JSON-RPC request"));
      return;
    }
    ObjectNode msg;
    try {
      msg = face.codec().parseObject(body);
    } catch (ProtocolException e) {
      bad.error(new A2aError(A2aError.Kind.PARSE, "the body is not a JSON object: " + e.getMessage()));
      return;
    }
    JsonNode id = msg.get("id");
    if (id != null && !id.isTextual() && !id.isIntegralNumber() && !id.isNull()) {
      bad.error(new A2aError(A2aError.Kind.INVALID_REQUEST, "id must be a string or an integer"));
      return;
    }
    String method = msg.path("method").asText(null);
    A2aCall probe = new A2aCall(ctx.response(), A2aWire.Dialect.V1, true, id, caller, ws);
    if (!"2.0".equals(msg.path("jsonrpc").asText(null)) || method == null) {
      probe.error(new A2aError(A2aError.Kind.INVALID_REQUEST, "a JSON-RPC 2.0 request needs jsonrpc \"2.0\" and a"
          + " method"));
      return;
    }
    boolean legacy = method.contains("/");
    A2aCall call = new A2aCall(ctx.response(), legacy ? A2aWire.Dialect.V03_RPC : A2aWire.Dialect.V1, true, id,
        caller, ws);
    JsonNode params = msg.get("params");
    ObjectNode p = params instanceof ObjectNode o ? o : A2aWire.JSON.objectNode();
    if (params != null && !(params instanceof ObjectNode)) {
      call.error(A2aError.invalidParams("params must be an object"));
      return;
    }
    try {
      rpcMethod(call, agent, method, p);
    } catch (A2aError e) {
      call.error(e);
    }
  }

  private void rpcMethod(A2aCall call, String agent, String method, ObjectNode p) {
    switch (method) {
      case "SendMessage", "message/send" -> tasks.send(call, agent, p, false);
      case "SendStreamingMessage", "message/stream" -> tasks.send(call, agent, p, true);
      case "GetTask", "tasks/get" -> tasks.get(call, agent, p.path("id").asText(null), intParam(p, "historyLength"));
      case "CancelTask", "tasks/cancel" -> tasks.cancel(call, agent, p.path("id").asText(null));
      case "ListTasks" -> tasks.list(call, agent, p.path("contextId").asText(null), intParam(p, "pageSize"),
          p.path("status").asText(null), intParam(p, "historyLength"));
      case "SubscribeToTask", "tasks/resubscribe" -> tasks.subscribe(call, agent, p.path("id").asText(null));
      case "GetExtendedAgentCard", "agent/getAuthenticatedExtendedCard" -> call.error(new A2aError(
          A2aError.Kind.EXTENDED_CARD, "this agent has no extended card"));
      case "CreateTaskPushNotificationConfig", "GetTaskPushNotificationConfig", "ListTaskPushNotificationConfigs",
          "DeleteTaskPushNotificationConfig", "tasks/pushNotificationConfig/set", "tasks/pushNotificationConfig/get",
          "tasks/pushNotificationConfig/list", "tasks/pushNotificationConfig/delete" -> call.error(new A2aError(
          A2aError.Kind.PUSH_NOT_SUPPORTED, "push notifications are not supported: stream or poll the task"));
      default -> call.error(new A2aError(A2aError.Kind.METHOD_NOT_FOUND, "method '" + A2aWire.clip(method)
          + "' not found"));
    }
  }

  private static Integer intParam(JsonNode p, String name) {
    JsonNode v = p.get(name);
    if (v == null || v.isNull()) {
      return null;
    }
    if (v.canConvertToInt()) {
      return v.asInt();
    }
    if (v.isTextual()) {
      try {
        return Integer.parseInt(v.asText());
      } catch (NumberFormatException e) {
        throw A2aError.invalidParams(name + " must be an integer");
      }
    }
    throw A2aError.invalidParams(name + " must be an integer");
  }

  private void rest(RoutingContext ctx, String ws, String caller, String agent, String sub, A2aWire.Dialect d) {
    A2aCall call = new A2aCall(ctx.response(), d, false, null, caller, ws);
    HttpMethod m = ctx.request().method();
    try {
      if (sub.equals("/message:send") || sub.equals("/message:stream")) {
        if (m != HttpMethod.POST) {
          throw new A2aError(A2aError.Kind.METHOD_NOT_FOUND, sub + " takes POST");
        }
        String body = ctx.body() == null ? null : ctx.body().asString();
        ObjectNode p;
        try {
          p = face.codec().parseObject(body == null || body.isBlank() ? "{}" : body);
        } catch (ProtocolException e) {
          throw new A2aError(A2aError.Kind.PARSE, "the body is not a JSON object: " + e.getMessage());
        }
        if (d == A2aWire.Dialect.V03_REST && !p.has("message") && p.has("request")) {
          p.set("message", p.get("request"));
        }
        tasks.send(call, agent, p, sub.equals("/message:stream"));
        return;
      }
      if (sub.equals("/tasks") && m == HttpMethod.GET && d == A2aWire.Dialect.V1) {
        var q = ctx.queryParams();
        tasks.list(call, agent, q.get("contextId"), parse(q.get("pageSize"), "pageSize"), q.get("status"),
            parse(q.get("historyLength"), "historyLength"));
        return;
      }
      if (sub.startsWith("/tasks/")) {
        String tail = URLDecoder.decode(sub.substring(7), StandardCharsets.UTF_8);
        if (tail.endsWith(":cancel") && m == HttpMethod.POST) {
          tasks.cancel(call, agent, tail.substring(0, tail.length() - 7));
          return;
        }
        if (tail.endsWith(":subscribe") && (m == HttpMethod.POST || m == HttpMethod.GET)) {
          tasks.subscribe(call, agent, tail.substring(0, tail.length() - 10));
          return;
        }
        if (tail.contains("/pushNotificationConfigs")) {
          throw new A2aError(A2aError.Kind.PUSH_NOT_SUPPORTED, "push notifications are not supported");
        }
        if (m == HttpMethod.GET && !tail.contains(":") && !tail.contains("/")) {
          tasks.get(call, agent, tail, parse(ctx.queryParams().get("historyLength"), "historyLength"));
          return;
        }
      }
      if (sub.equals("/extendedAgentCard") || sub.equals("/card")) {
        throw new A2aError(A2aError.Kind.EXTENDED_CARD, "this agent has no extended card");
      }
      throw new A2aError(A2aError.Kind.METHOD_NOT_FOUND, "no A2A route " + m + " " + A2aWire.clip(sub));
    } catch (A2aError e) {
      call.error(e);
    }
  }

  private static Integer parse(String v, String name) {
    if (v == null || v.isBlank()) {
      return null;
    }
    try {
      return Integer.parseInt(v.trim());
    } catch (NumberFormatException e) {
      throw A2aError.invalidParams(name + " must be an integer");
    }
  }

  // ------------------------------------------------------------------ cards

  private static String base(RoutingContext ctx) {
    String host = ctx.request().getHeader("Host");
    return ctx.request().scheme() + "://" + (host == null ? "127.0.0.1" : host);
  }

  private static boolean legacyOnly(RoutingContext ctx) {
    String v = ctx.request().getHeader(VERSION_HEADER);
    return v != null && (v.trim().startsWith("0."));
  }

  private String cardWorkspace(RoutingContext ctx) {
    String named = ctx.request().getHeader(WORKSPACE_HEADER) != null ? ctx.request().getHeader(WORKSPACE_HEADER)
        : ctx.queryParams().get("workspace");
    return named == null ? Ids.DEFAULT_WORKSPACE : Ids.requireWorkspace(named);
  }

  /** Cards are public (as A2A clients fetch them without credentials): they say what an agent does, not more. */
  private void agentCard(RoutingContext ctx, String agent) {
    String ws;
    try {
      ws = cardWorkspace(ctx);
      Ids.requireAgentId(agent);
    } catch (ProtocolException e) {
      answer(ctx, new A2aError(A2aError.Kind.AGENT_NOT_FOUND, "no agent '" + A2aWire.clip(agent) + "'"));
      return;
    }
    face.core().agent(ws, agent).onComplete(ar -> {
      if (ar.failed()) {
        answer(ctx, new A2aError(A2aError.Kind.AGENT_NOT_FOUND, "agent '" + A2aWire.clip(agent)
            + "' is not connected to workspace '" + ws + "'"));
        return;
      }
      AckResult.AgentSummary a = ar.result().agents().get(0);
      String url = base(ctx) + "/a2a/" + a.agentId();
      sendCard(ctx, A2aCards.agent(a, url, legacyOnly(ctx), face.authenticator().required()));
    });
  }

  private void workspaceCard(RoutingContext ctx) {
    String ws;
    try {
      ws = cardWorkspace(ctx);
    } catch (ProtocolException e) {
      new A2aCall(ctx.response(), A2aWire.Dialect.V1, false, null, null, null)
          .error(A2aError.invalidParams(e.getMessage()));
      return;
    }
    face.core().agents(ws, null).onComplete(ar -> {
      if (ar.failed()) {
        new A2aCall(ctx.response(), A2aWire.Dialect.V1, false, null, null, null).error(A2aError.of(ar.cause()));
        return;
      }
      java.util.List<AckResult.AgentSummary> agents = ar.result().agents().stream()
          .filter(a -> !Ids.isGateway(a.agentId())).toList();
      sendCard(ctx, A2aCards.workspace(ws, agents, base(ctx), legacyOnly(ctx), face.authenticator().required()));
    });
  }

  private static void sendCard(RoutingContext ctx, ObjectNode card) {
    ctx.response().putHeader("Vary", VERSION_HEADER);
    dev.workspace.server.edge.CachedJson.send(ctx, card.toString());
  }
}
