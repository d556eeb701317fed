package dev.workspace.server.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A connected agent as discovery shows it.
 *
 * @param workspace its workspace
 * @param agentId its id
 * @param metadata what it said about itself (name, capabilities, ...)
 * @param connectedSince when it connected, epoch milliseconds
 * @param nodeId the node it is connected to
 * @param sessionId its session
 */
public record AgentRecord(String workspace, String agentId, ObjectNode metadata, long connectedSince, String nodeId,
    String sessionId) {

  /**
   * @param capability a capability name
   * @return whether {@code metadata.capabilities} lists it
   */
  public boolean hasCapability(String capability) {
    JsonNode caps = metadata.get("capabilities");
    if (caps == null || !caps.isArray()) {
      return false;
    }
    for (JsonNode c : caps) {
      if (c.isTextual() && c.asText().equals(capability)) {
        return true;
      }
    }
    return false;
  }
}
