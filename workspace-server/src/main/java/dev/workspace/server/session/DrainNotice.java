package dev.workspace.server.session;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.workspace.model.Event;
import dev.workspace.model.EventNames;
import dev.workspace.model.Frame;
import dev.workspace.model.FrameCodec;
import dev.workspace.model.Ids;
import java.util.UUID;

/** The {@code server.draining} event a stopping node sends each of its agents before closing it with 4009. */
final class DrainNotice {
  private DrainNotice() {
  }

  static byte[] encode(FrameCodec codec, String agentId, String nodeId, long drainTimeoutMs) {
    ObjectNode payload = JsonNodeFactory.instance.objectNode().put("node_id", nodeId)
        .put("drain_timeout_ms", drainTimeoutMs).put("reason", "shutdown");
    Event e = Event.create(UUID.randomUUID().toString(), EventNames.SERVER_DRAINING, Ids.SYSTEM, "agent:" + agentId,
        payload, null, System.currentTimeMillis(), null, false, -1);
    return codec.encodeBytes(new Frame.Deliver(e));
  }
}
