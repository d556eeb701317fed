package dev.workspace.server.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.workspace.model.Ids;
import dev.workspace.model.ProtocolException;
import dev.workspace.server.edge.Authenticator;
import dev.workspace.server.edge.JsonRpc;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code initialize}: who the new session's agent is, which workspace it enters, what it says about itself, and
 * its {@code connect} to the core. The agent is the token's subject in token mode; in open mode the one named by
 * the {@code X-Agent-Id} header or the {@code agent} query parameter, else {@code mcp-<client name>-<4 hex>}.
 */
final class McpInitializer {
  private static final Logger LOG = LoggerFactory.getLogger(McpInitializer.class);
  static final String AGENT_HEADER = "X-Agent-Id";
  static final String METADATA_HEADER = "X-Agent-Metadata";
  static final String WORKSPACE_HEADER = "X-Workspace";

  private final McpFace face;

  McpInitializer(McpFace face) {
    this.face = face;
  }

  void initialize(RoutingContext ctx, ObjectNode msg, McpEndpoint endpoint) {
    JsonNode id = msg.get("id");
    JsonNode params = msg.path("params");
    String asked = params.path("protocolVersion").asText(null);
    String version = McpEndpoint.VERSIONS.contains(asked) ? asked : McpEndpoint.VERSIONS.get(0);
    Context context = McpFace.eventLoopContext();
    Future<Authenticator.Identity> identity = face.authenticator().required()
        ? endpoint.identify(ctx) : Future.succeededFuture(null);
    identity.onComplete(ar -> context.runOnContext(v -> {
      if (ar.failed()) {
        endpoint.refuseInitialize(ctx, ar.cause(), id);
        return;
      }
      try {
        open(ctx, context, id, version, params.path("clientInfo"), ar.result(), endpoint);
      } catch (RuntimeException e) {
        endpoint.refuseInitialize(ctx, e, id);
      }
    }));
  }

  private void open(RoutingContext ctx, Context context, JsonNode id, String version, JsonNode clientInfo,
      Authenticator.Identity identity, McpEndpoint endpoint) {
    String namedAgent = first(ctx.request().getHeader(AGENT_HEADER), ctx.queryParams().get("agent"));
    String namedWorkspace = first(ctx.request().getHeader(WORKSPACE_HEADER), ctx.queryParams().get("workspace"));
    // In token mode the session's connect checks that what is named is the token's (403 otherwise).
    String workspace = namedWorkspace != null ? namedWorkspace
        : identity != null ? identity.workspace() : Ids.DEFAULT_WORKSPACE;
    String agent = namedAgent != null ? namedAgent : identity != null ? identity.agentId()
        : McpEndpoint.agentFromClientName(clientInfo.path("name").asText(null));
    ObjectNode metadata = JsonRpc.JSON.objectNode();
    if (clientInfo.path("name").isTextual()) {
      metadata.put("name", clientInfo.path("name").asText());
    }
    if (clientInfo.path("version").isTextual()) {
      metadata.put("version", clientInfo.path("version").asText());
    }
    metadata.put("client", "mcp");
    String extra = ctx.request().getHeader(METADATA_HEADER);
    if (extra != null) {
      try {
        metadata.setAll(face.codec().parseObject(extra));
      } catch (ProtocolException e) {
        throw new JsonRpc.Failure(400, JsonRpc.SERVER_ERROR, "Bad Request: " + METADATA_HEADER
            + " must be a JSON object: " + e.getMessage());
      }
    }
    McpSession s = new McpSession(face, context, workspace, agent, identity, version,
        String.valueOf(ctx.request().remoteAddress()));
    if (!face.register(s)) {
      face.access().limitHit("mcp_sessions");
      throw new JsonRpc.Failure(503, JsonRpc.SERVER_ERROR, "Unavailable: this node already holds "
          + face.mcpOptions().getMaxSessions() + " MCP sessions, its limit");
    }
    s.attach(face.hostForCurrentContext().open(s, null, identity));
    ObjectNode connect = McpSession.frame("connect").put("agent_id", agent).put("workspace", workspace);
    connect.set("metadata", metadata);
    s.request(connect).onComplete(ar -> {
      if (ar.failed()) {
        s.close("initialize refused");
        endpoint.refuseInitialize(ctx, ar.cause(), id);
        return;
      }
      s.touch();
      endpoint.answerInitialize(ctx, s, result(s, version), id);
      LOG.info("MCP session opened agent={} workspace={} session={} client={} version={}{}", agent, workspace,
          s.mcpSessionId(), McpEndpoint.printable(clientInfo.path("name").asText("")), version,
          identity != null ? " (token)" : "");
    });
  }

  private static ObjectNode result(McpSession s, String version) {
    ObjectNode r = JsonRpc.JSON.objectNode().put("protocolVersion", version);
    ObjectNode caps = r.putObject("capabilities");
    caps.putObject("tools").put("listChanged", false);
    caps.putObject("resources").put("subscribe", true).put("listChanged", false);
    caps.putObject("logging");
    r.putObject("serverInfo").put("name", "workspace").put("title", "Workspace event bus").put("version", "0.1.0");
    r.put("instructions", "You are agent '" + s.agentId() + "' in workspace '" + s.workspace() + "', beside the"
        + " other agents (list_agents). Join channels (list_channels, join_channel), post to them (post) and read"
        + " them (read_channel); message an agent directly (send_direct) or ask it and wait for its answer"
        + " (ask_agent). Call wait_for_events to receive your mentions, direct messages, replies and the posts of"
        + " the channels you joined; pass back its cursor as 'after'.");
    return r;
  }

  private static String first(String a, String b) {
    return a != null ? a : b;
  }
}
