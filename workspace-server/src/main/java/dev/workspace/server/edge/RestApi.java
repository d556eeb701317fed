package dev.workspace.server.edge;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.workspace.model.AckResult;
import dev.workspace.model.Destination;
import dev.workspace.model.ErrorCode;
import dev.workspace.model.Event;
import dev.workspace.model.FrameCodec;
import dev.workspace.model.Ids;
import dev.workspace.model.ProtocolException;
import dev.workspace.server.ServerOptions;
import dev.workspace.server.core.Broker;
import dev.workspace.server.core.WorkspaceCore;
import dev.workspace.server.session.Access;
import dev.workspace.server.session.ChannelPermissions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The REST API, for tools without a WebSocket: health, readiness, metrics, discovery, channel listings and
 * history, and publishing an event. Under {@code /api/} a request from a browser must come from an allowed origin,
 * and in token mode must carry {@code Authorization: Bearer <token>}; the token decides the agent, the workspace
 * and the channels, by the same rules as on a WebSocket ({@link Access}).
 */
public final class RestApi {
  private static final Logger LOG = LoggerFactory.getLogger(RestApi.class);
  private static final String JSON_TYPE = "application/json";
  private static final String IDENTITY = "workspace.identity";

  private final ServerOptions options;
  private final FrameCodec codec;
  private final WorkspaceCore core;
  private final Broker broker;
  private final ServerMetrics metrics;
  private final Access access;
  private final OriginPolicy origins;
  private FilesApi files;
  private OpsApi operations;

  /**
   * @param options the node's options
   * @param codec the frame codec
   * @param core the routing core
   * @param broker the broker, asked for readiness
   * @param metrics the node's metrics
   * @param authenticator checks the bearer token of {@code /api/} requests
   */
  public RestApi(ServerOptions options, FrameCodec codec, WorkspaceCore core, Broker broker, ServerMetrics metrics,
      Authenticator authenticator) {
    this.options = options;
    this.codec = codec;
    this.core = core;
    this.broker = broker;
    this.metrics = metrics;
    this.access = new Access(authenticator);
    this.origins = new OriginPolicy(options.getAllowedOrigins());
  }

  /**
   * Serves the file routes too; call before {@link #router}.
   *
   * @param files the file routes
   * @return this
   */
  public RestApi files(FilesApi files) {
    this.files = files;
    return this;
  }

  /**
   * @param ops the operator endpoints ({@code /health}, {@code /ready}, {@code /info}, {@code /metrics}) to serve
   *     beside the API
   * @return this
   */
  public RestApi operations(OpsApi ops) {
    this.operations = ops;
    return this;
  }

  /**
   * @param vertx the Vert.x instance
   * @return a router serving the API
   */
  public Router router(Vertx vertx) {
    Router router = Router.router(vertx);
    router.route().handler(ctx -> {
      if (!origins.allows(ctx.request().getHeader("Origin"), ctx.request().getHeader("Host"))) {
        metrics.limitHit("origin");
        LOG.warn("refused origin remote={} path={}", ctx.request().remoteAddress(), ctx.request().path());
        throw new ProtocolException(ErrorCode.FORBIDDEN, "origin not allowed");
      }
      ctx.next();
    });
    if (operations != null) {
      operations.mount(router);
    }
    router.post("/api/events")
        .handler(BodyHandler.create().setBodyLimit(options.getMaxRestBodySize()).setHandleFileUploads(false));
    if (files != null) {
      files.beforeAuthentication(router);
    }
    router.route("/api/*").handler(this::authenticate);
    if (files != null) {
      files.mount(router);
    }
    router.get("/api/agents").handler(ctx -> reply(ctx, 200,
        core.agents(workspace(ctx), ctx.queryParams().get("capability"))));
    router.get("/api/agents/:id").handler(this::agentCard);
    router.get("/api/runs/:id").handler(ctx -> reply(ctx, 200, core.runs().get(workspace(ctx), caller(ctx),
        ctx.pathParam("id"), longParam(ctx, "after_seq"))));
    router.get("/api/channels").handler(ctx -> {
      ChannelPermissions allowed = permissions(ctx);
      reply(ctx, 200, core.channels(workspace(ctx)).map(allowed::filterChannelList));
    });
    router.get("/api/channels/:name/messages").handler(ctx -> {
      String channel = requireAllowed(ctx, ctx.pathParam("name"));
      reply(ctx, 200, core.history(workspace(ctx), channel, longParam(ctx, "before"), longParam(ctx, "after"),
          intParam(ctx, "limit")));
    });
    router.post("/api/events").handler(this::postEvent);
    router.route().last().handler(ctx -> error(ctx, new ProtocolException(ErrorCode.NOT_FOUND,
        "no such endpoint: " + ctx.request().method() + " " + ctx.request().path())));
    router.route().failureHandler(ctx -> {
      if (ctx.failure() instanceof ProtocolException pe) {
        error(ctx, pe);
      } else if (ctx.statusCode() == 413) {
        metrics.limitHit("rest_body");
        LOG.info("refused REST body remote={}: larger than {} bytes", ctx.request().remoteAddress(),
            options.getMaxRestBodySize());
        error(ctx, new ProtocolException(ErrorCode.TOO_LARGE,
            "request body is larger than " + options.getMaxRestBodySize() + " bytes"));
      } else if (ctx.statusCode() >= 400 && ctx.statusCode() < 500) {
        error(ctx, new ProtocolException(ErrorCode.INVALID_FRAME, "bad request"));
      } else {
        if (ctx.failure() != null) {
          LOG.error("REST {} {} failed", ctx.request().method(), ctx.request().path(), ctx.failure());
        }
        error(ctx, new ProtocolException(ErrorCode.INTERNAL, "the server could not complete this request"));
      }
    });
    return router;
  }

  private void authenticate(RoutingContext ctx) {
    if (!access.required()) {
      ctx.next();
      return;
    }
    access.atRequest(ctx.request().getHeader("Authorization")).onComplete(ar -> {
      if (ar.succeeded()) {
        try {
          Access.requestAgent(ctx.request().getHeader("X-Agent-Id"), ar.result());
        } catch (ProtocolException e) {
          LOG.warn("refused X-Agent-Id REST remote={} path={}: not the token's agent", ctx.request().remoteAddress(),
              ctx.request().path());
          error(ctx, e);
          return;
        }
        ctx.put(IDENTITY, ar.result());
        ctx.next();
        return;
      }
      metrics.authFailure();
      String reason = ar.cause() instanceof ProtocolException ? ar.cause().getMessage() : "token could not be checked";
      LOG.warn("authentication failed REST remote={} path={}: {}", ctx.request().remoteAddress(),
          ctx.request().path(), reason);
      error(ctx, new ProtocolException(ErrorCode.UNAUTHORIZED, reason));
    });
  }

  private void agentCard(RoutingContext ctx) {
    String id = Ids.requireGatewayOrAgentId(ctx.pathParam("id"));
    core.agent(workspace(ctx), id).onComplete(ar -> {
      if (ar.failed()) {
        ctx.fail(ar.cause());
        return;
      }
      AckResult.AgentSummary a = ar.result().agents().get(0);
      ObjectNode card = codec.mapper().createObjectNode().put("agent_id", a.agentId());
      card.set("metadata", a.metadata());
      card.put("connected_since", a.connectedSince()).put("status", a.status()).put("node_id", a.nodeId());
      CachedJson.send(ctx, card.toString());
    });
  }

  /**
   * The agent a REST call acts for: the token's {@code sub}, else the {@code X-Agent-Id} header, else {@code null}
   * (open mode, no header).
   */
  private static String caller(RoutingContext ctx) {
    return Access.requestCaller(ctx.request().getHeader("X-Agent-Id"), ctx.get(IDENTITY));
  }

  /**
   * @param ctx a request under {@code /api/}, authenticated
   * @return the agent making it: the token's, or in open mode the one named by {@code X-Agent-Id}
   * @throws ProtocolException when no agent is named, or {@code X-Agent-Id} is not the token's agent
   */
  static String agentOf(RoutingContext ctx) {
    String agent = caller(ctx);
    if (agent == null) {
      throw new ProtocolException(ErrorCode.INVALID_FRAME, "name the sending agent in the X-Agent-Id header");
    }
    return agent;
  }

  private void postEvent(RoutingContext ctx) {
    Authenticator.Identity identity = ctx.get(IDENTITY);
    String agentId = Access.requestAgent(ctx.request().getHeader("X-Agent-Id"), identity);
    String body = ctx.body().asString();
    if (body == null || body.isEmpty()) {
      throw new ProtocolException(ErrorCode.BAD_JSON, "the body must be an event object");
    }
    ObjectNode node = codec.parseObject(body);
    Event event = codec.decodeEvent(node);
    String ws = workspace(ctx);
    Destination destination = event.destination();
    if (destination.kind() == Destination.Kind.CHANNEL && !permissions(ctx).allows(destination.name())) {
      refused(ctx, agentId, event, "channel not allowed");
      throw Access.forbiddenChannel(destination.name());
    }
    reply(ctx, 202, core.publishAs(ws, agentId, event).onFailure(e -> {
      if (e instanceof ProtocolException pe && pe.code() == ErrorCode.FORBIDDEN) {
        refused(ctx, agentId, event, pe.getMessage());
      }
    }));
  }

  private void refused(RoutingContext ctx, String agentId, Event event, String reason) {
    metrics.refusedEvent();
    LOG.info("refused event REST remote={} agent={} name={} destination={}: {}", ctx.request().remoteAddress(),
        agentId, event.eventName(), event.destinationId(), reason);
  }

  static String workspace(RoutingContext ctx) {
    return Access.requestWorkspace(ctx.queryParams().get("workspace"), ctx.get(IDENTITY));
  }

  private static ChannelPermissions permissions(RoutingContext ctx) {
    return Access.permissions(ctx.get(IDENTITY));
  }

  private static String requireAllowed(RoutingContext ctx, String channel) {
    return Access.requireChannel(permissions(ctx), channel);
  }

  private static Long longParam(RoutingContext ctx, String name) {
    String v = ctx.queryParams().get(name);
    if (v == null) {
      return null;
    }
    try {
      return Long.parseLong(v);
    } catch (NumberFormatException e) {
      throw new ProtocolException(ErrorCode.INVALID_FRAME, name + " must be an integer");
    }
  }

  private static Integer intParam(RoutingContext ctx, String name) {
    Long v = longParam(ctx, name);
    if (v == null) {
      return null;
    }
    if (v > Integer.MAX_VALUE || v < Integer.MIN_VALUE) {
      throw new ProtocolException(ErrorCode.INVALID_FRAME, name + " is out of range");
    }
    return v.intValue();
  }

  private void reply(RoutingContext ctx, int status, Future<? extends AckResult> result) {
    result.onComplete(ar -> {
      if (ar.succeeded()) {
        json(ctx, status, codec.encodeResult(ar.result()));
      } else if (ar.cause() instanceof ProtocolException pe) {
        error(ctx, pe);
      } else {
        LOG.error("REST {} {} failed", ctx.request().method(), ctx.request().path(), ar.cause());
        error(ctx, new ProtocolException(ErrorCode.INTERNAL, "the server could not complete this request"));
      }
    });
  }

  private void error(RoutingContext ctx, ProtocolException e) {
    metrics.error(e.code());
    if (e.code() == ErrorCode.UNAUTHORIZED && !ctx.response().ended()) {
      ctx.response().putHeader("WWW-Authenticate", "Bearer");
    }
    json(ctx, status(e.code()), codec.mapper().createObjectNode().put("code", e.code().wireName())
        .put("message", e.getMessage()));
  }

  private static int status(ErrorCode code) {
    return switch (code) {
      case NOT_FOUND -> 404;
      case UNAUTHORIZED -> 401;
      case FORBIDDEN, NOT_MEMBER -> 403;
      case TOO_LARGE -> 413;
      case RATE_LIMITED -> 429;
      case UNAVAILABLE -> 503;
      case INTERNAL -> 500;
      default -> 400;
    };
  }

  private void json(RoutingContext ctx, int status, ObjectNode body) {
    json(ctx, status, body.toString());
  }

  private void json(RoutingContext ctx, int status, String body) {
    if (ctx.response().ended()) {
      return;
    }
    ctx.response().setStatusCode(status).putHeader("content-type", JSON_TYPE).end(body);
  }
}
