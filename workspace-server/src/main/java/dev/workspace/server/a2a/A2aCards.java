package dev.workspace.server.a2a;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.workspace.model.AckResult;
import java.util.List;

/**
 * Agent cards from the agents' own descriptions ({@code connect} metadata, changed by {@code update_metadata}). One
 * card serves both protocol versions: {@code supportedInterfaces} for v1.0 clients (JSON-RPC and HTTP+JSON at the
 * agent's URL) and the top-level {@code url}, {@code protocolVersion}, {@code preferredTransport} and
 * {@code additionalInterfaces} that v0.3 clients read. A client that asks for v0.3 alone ({@code A2A-Version: 0.3})
 * gets the v0.3 fields alone.
 */
final class A2aCards {
  private A2aCards() {
  }

  /**
   * @param agent the agent as the directory has it
   * @param url the agent's A2A URL ({@code http://host/a2a/<agent>})
   * @param legacyOnly whether to leave out the v1.0 fields
   * @param token whether callers need a bearer token
   * @return the card
   */
  static ObjectNode agent(AckResult.AgentSummary agent, String url, boolean legacyOnly, boolean token) {
    JsonNode md = agent.metadata();
    String name = md.path("name").isTextual() ? md.get("name").asText() : agent.agentId();
    String description = md.path("description").isTextual() ? md.get("description").asText()
        : md.path("role").isTextual() ? "workspace agent " + agent.agentId() + " (" + md.get("role").asText() + ")"
        : "workspace agent " + agent.agentId();
    String version = md.path("version").isTextual() ? md.get("version").asText() : "1.0.0";
    ObjectNode card = A2aWire.JSON.objectNode().put("name", name).put("description", description)
        .put("version", version);
    interfaces(card, url, legacyOnly);
    card.putObject("capabilities").put("streaming", md.path("streaming").asBoolean(true))
        .put("pushNotifications", false);
    modes(card, "defaultInputModes", md.path("input_modes"));
    modes(card, "defaultOutputModes", md.path("output_modes"));
    card.set("skills", skills(agent.agentId(), md));
    security(card, token, legacyOnly);
    return card;
  }

  /**
   * @param workspace the workspace
   * @param agents the connected agents (gateways left out by the caller)
   * @param base the node's base URL ({@code http://host})
   * @param legacyOnly whether to leave out the v1.0 fields
   * @param token whether callers need a bearer token
   * @return the workspace's card: one skill per connected agent, each naming the agent's own card
   */
  static ObjectNode workspace(String workspace, List<AckResult.AgentSummary> agents, String base,
      boolean legacyOnly, boolean token) {
    ObjectNode card = A2aWire.JSON.objectNode().put("name", "workspace " + workspace)
        .put("description", "The agents of workspace '" + workspace + "'. Each skill is a connected agent: call it"
            + " at " + base + "/a2a/<skill id>/ (its own card is at /a2a/<skill id>/.well-known/agent-card.json).")
        .put("version", "1.0.0");
    interfaces(card, base + "/a2a", legacyOnly);
    card.putObject("capabilities").put("streaming", true).put("pushNotifications", false);
    card.putArray("defaultInputModes").add("text/plain");
    card.putArray("defaultOutputModes").add("text/plain");
    ArrayNode skills = card.putArray("skills");
    for (AckResult.AgentSummary a : agents) {
      JsonNode md = a.metadata();
      ObjectNode s = skills.addObject().put("id", a.agentId())
          .put("name", md.path("name").isTextual() ? md.get("name").asText() : a.agentId())
          .put("description", (md.path("description").isTextual() ? md.get("description").asText()
              : "workspace agent " + a.agentId()) + " (A2A URL " + base + "/a2a/" + a.agentId() + ")");
      ArrayNode tags = s.putArray("tags").add("agent");
      for (JsonNode c : md.path("capabilities")) {
        if (c.isTextual()) {
          tags.add(c.asText());
        }
      }
    }
    security(card, token, legacyOnly);
    return card;
  }

  private static void interfaces(ObjectNode card, String url, boolean legacyOnly) {
    if (!legacyOnly) {
      ArrayNode si = card.putArray("supportedInterfaces");
      si.addObject().put("url", url).put("protocolBinding", "JSONRPC").put("protocolVersion", "1.0");
      si.addObject().put("url", url).put("protocolBinding", "HTTP+JSON").put("protocolVersion", "1.0");
    }
    card.put("url", url).put("protocolVersion", "0.3.0").put("preferredTransport", "JSONRPC");
    ArrayNode ai = card.putArray("additionalInterfaces");
    ai.addObject().put("url", url).put("transport", "JSONRPC");
    ai.addObject().put("url", url).put("transport", "HTTP+JSON");
  }

  private static void security(ObjectNode card, boolean token, boolean legacyOnly) {
    if (!token) {
      return;
    }
    ObjectNode scheme = card.putObject("securitySchemes").putObject("bearer");
    scheme.put("type", "http").put("scheme", "bearer").put("bearerFormat", "JWT");
    card.putArray("security").addObject().putArray("bearer");
    if (!legacyOnly) {
      scheme.putObject("httpAuthSecurityScheme").put("scheme", "Bearer").put("bearerFormat", "JWT");
    }
  }

  private static void modes(ObjectNode card, String field, JsonNode given) {
    ArrayNode out = card.putArray(field);
    if (given.isArray()) {
      given.forEach(m -> {
        if (m.isTextual()) {
          out.add(m.asText());
        }
      });
    }
    if (out.isEmpty()) {
      out.add("text/plain");
    }
  }

  /** Skills from {@code skills}, else one per tool, else one per capability. */
  private static ArrayNode skills(String agentId, JsonNode md) {
    ArrayNode out = A2aWire.JSON.arrayNode();
    for (JsonNode s : md.path("skills")) {
      String id = s.path("id").asText(s.path("name").asText(null));
      if (id == null) {
        continue;
      }
      ObjectNode skill = out.addObject().put("id", id).put("name", s.path("name").asText(id))
          .put("description", s.path("description").asText(id));
      ArrayNode tags = skill.putArray("tags");
      s.path("tags").forEach(t -> {
        if (t.isTextual()) {
          tags.add(t.asText());
        }
      });
      if (s.path("examples").isArray()) {
        ArrayNode ex = skill.putArray("examples");
        s.get("examples").forEach(e -> {
          if (e.isTextual()) {
            ex.add(e.asText());
          }
        });
      }
    }
    if (out.isEmpty()) {
      for (JsonNode t : md.path("tools")) {
        if (t.path("name").isTextual()) {
          String n = t.get("name").asText();
          out.addObject().put("id", n).put("name", n).put("description", t.path("description").asText(n))
              .putArray("tags").add("tool");
        }
      }
    }
    if (out.isEmpty()) {
      for (JsonNode c : md.path("capabilities")) {
        if (c.isTextual()) {
          out.addObject().put("id", c.asText()).put("name", c.asText())
              .put("description", "agent " + agentId + " offers " + c.asText()).putArray("tags").add(c.asText());
        }
      }
    }
    return out;
  }
}
