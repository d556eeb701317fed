package dev.workspace.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.workspace.client.AgentInfo;
import dev.workspace.client.ChannelInfo;
import dev.workspace.client.PublishResult;

/** The JSON lines the client commands print. */
final class Results {
  private Results() {
  }

  static String published(PublishResult r) {
    ObjectNode n = ClientCommand.CODEC.mapper().createObjectNode().put("event_id", r.eventId())
        .put("timestamp", r.timestamp());
    if (r.offset() >= 0) {
      n.put("offset", r.offset());
    }
    return ClientCommand.json(n);
  }

  static String agent(AgentInfo a) {
    ObjectNode n = ClientCommand.CODEC.mapper().createObjectNode().put("agent_id", a.agentId())
        .put("status", a.status()).put("connected_since", a.connectedSince());
    if (a.nodeId() != null) {
      n.put("node_id", a.nodeId());
    }
    n.set("metadata", a.metadata() == null ? ClientCommand.CODEC.mapper().createObjectNode() : a.metadata());
    return ClientCommand.json(n);
  }

  static String channel(ChannelInfo c) {
    ObjectNode n = ClientCommand.CODEC.mapper().createObjectNode().put("name", c.name()).put("members", c.members())
        .put("last_offset", c.lastOffset());
    if (c.epoch() != null) {
      n.put("epoch", c.epoch());
    }
    return ClientCommand.json(n);
  }
}
