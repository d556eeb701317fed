package dev.workspace.client;

import com.fasterxml.jackson.databind.JsonNode;
import dev.workspace.model.Accepts;
import dev.workspace.model.ProtocolException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/**
 * An agent of the workspace, as discovery reports it.
 *
 * @param agentId the agent's id
 * @param metadata what the agent said about itself when it connected: {@code name}, {@code capabilities}, ...
 * @param connectedSince when its session opened, epoch milliseconds
 * @param status {@code online} for a connected agent
 * @param nodeId the server node holding its connection
 */
public record AgentInfo(String agentId, ObjectNode metadata, long connectedSince, String status, String nodeId) {
  /**
   * @return the strings of the metadata's {@code capabilities} array, in order; empty when there is none
   */
  public List<String> capabilities() {
    JsonNode caps = metadata == null ? null : metadata.get("capabilities");
    List<String> out = new ArrayList<>();
    if (caps != null && caps.isArray()) {
      for (JsonNode c : caps) {
        if (c.isTextual()) {
          out.add(c.asText());
        }
      }
    }
    return out;
  }

  /**
   * @return the limits the card states for files sent with a task ({@code metadata.accepts}); {@link Accepts#ANY}
   *     when it states none or states them in a form the server would not take
   */
  public Accepts accepts() {
    try {
      return Accepts.ofCard(metadata);
    } catch (ProtocolException e) {
      return Accepts.ANY;
    }
  }
}
