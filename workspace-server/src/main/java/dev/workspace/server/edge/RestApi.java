package dev.workspace.server.edge;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.workspace.model.ErrorCode;
import dev.workspace.model.Event;
import dev.workspace.model.FrameCodec;
import dev.workspace.model.Ids;
import dev.workspace.model.ProtocolException;
import dev.workspace.server.ServerOptions;
import dev.workspace.server.core.Broker;
import dev.workspace.server.core.WorkspaceCore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;

/**
 * The REST API, for tools without a WebSocket: health, readiness, metrics, discovery, channel listings and
 * history, and publishing an event.
 */
public final class RestApi {
  private static final String JSON_TYPE = "application/json";

  private final ServerOptions options;
  private final FrameCodec codec;
  private final WorkspaceCore core;
  private final Broker broker;
  private final ServerMetrics metrics;

  /**
   * @param options the node's options
   * @param codec the frame codec
   * @param core the routing core
   * @param broker the broker, asked for readiness
   * @param metrics the node's metrics
   */
  public RestApi(ServerOptions options, FrameCodec codec, WorkspaceCore core, Broker broker, ServerMetrics metrics) {
    this.options = options;
    this.codec = codec;
    this.core = core;
    this.broker = broker;
    this.metrics = metrics;
  }

  /**
   * @param vertx the Vert.x instance
   * @return a router serving the API
   */
  public Router router(Vertx vertx) {
    Router router = Router.router(vertx);
    router.get("/health").handler(ctx -> json(ctx, 200,
        codec.mapper().createObjectNode().put("status", "ok").put("node_id", core.nodeId())));
    router.get("/ready").handler(ctx -> {
      boolean ready = broker.isReady();
      json(ctx, ready ? 200 : 503, codec.mapper().createObjectNode().put("ready", ready));
    });
    router.get("/metrics").handler(ctx -> ctx.response().putHeader("content-type", "text/plain; version=0.0.4")
        .end(metrics.scrape()));
    router.get("/api/agents").handler(ctx -> reply(ctx, 200,
        core.agents(workspace(ctx), ctx.queryParams().get("capability"))));
    router.get("/api/channels").handler(ctx -> reply(ctx, 200, core.channels(workspace(ctx))));
    router.get("/api/channels/:name/messages").handler(ctx -> reply(ctx, 200, core.history(workspace(ctx),
        ctx.pathParam("name"), longParam(ctx, "before"), longParam(ctx, "after"), intParam(ctx, "limit"))));
    router.post("/api/events")
        .handler(BodyHandler.create().setBodyLimit(options.getMaxMessageSize()).setHandleFileUploads(false))
        .handler(this::postEvent);
    router.route().last().handler(ctx -> error(ctx, new ProtocolException(ErrorCode.NOT_FOUND,
        "no such endpoint: " + ctx.request().method() + " " + ctx.request().path())));
    router.route().failureHandler(ctx -> {
      if (ctx.failure() instanceof ProtocolException pe) {
        error(ctx, pe);
      } else if (ctx.statusCode() == 413) {
        error(ctx, new ProtocolException(ErrorCode.TOO_LARGE,
            "request body is larger than " + options.getMaxMessageSize() + " bytes"));
      } else if (ctx.statusCode() >= 400 && ctx.statusCode() < 500) {
        error(ctx, new ProtocolException(ErrorCode.INVALID_FRAME, "bad request"));
      } else {
        error(ctx, new ProtocolException(ErrorCode.INTERNAL, "the server could not complete this request"));
      }
    });
    return router;
  }

  private void postEvent(RoutingContext ctx) {
    String agentId = ctx.request().getHeader("X-Agent-Id");
    if (agentId == null) {
      throw new ProtocolException(ErrorCode.INVALID_FRAME, "name the sending agent in the X-Agent-Id header");
    }
    Ids.requireAgentId(agentId);
    String body = ctx.body().asString();
    if (body == null || body.isEmpty()) {
      throw new ProtocolException(ErrorCode.BAD_JSON, "the body must be an event object");
    }
    ObjectNode node = codec.parseObject(body);
    Event event = codec.decodeEvent(node);
    reply(ctx, 202, core.publishAs(workspace(ctx), agentId, event));
  }

  private static String workspace(RoutingContext ctx) {
    String ws = ctx.queryParams().get("workspace");
    return ws == null ? Ids.DEFAULT_WORKSPACE : Ids.requireWorkspace(ws);
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

  private void reply(RoutingContext ctx, int status, Future<ObjectNode> result) {
    result.onComplete(ar -> {
      if (ar.succeeded()) {
        json(ctx, status, ar.result());
      } else if (ar.cause() instanceof ProtocolException pe) {
        error(ctx, pe);
      } else {
        error(ctx, new ProtocolException(ErrorCode.INTERNAL, "the server could not complete this request"));
      }
    });
  }

  private void error(RoutingContext ctx, ProtocolException e) {
    metrics.error(e.code());
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
    if (ctx.response().ended()) {
      return;
    }
    ctx.response().setStatusCode(status).putHeader("content-type", JSON_TYPE).end(body.toString());
  }
}
