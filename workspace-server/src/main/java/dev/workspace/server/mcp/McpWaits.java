package dev.workspace.server.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.workspace.model.ErrorCode;
import dev.workspace.model.Event;
import dev.workspace.model.EventNames;
import dev.workspace.model.Patterns;
import dev.workspace.model.ProtocolException;
import dev.workspace.model.SubscriptionTrie;
import dev.workspace.server.edge.JsonRpc;
import java.util.List;
import java.util.function.Predicate;

/** {@code wait_for_events} (the inbox, read by cursor, with a bounded wait) and {@code reply}. */
final class McpWaits {
  private final McpFace face;
  private final McpTools tools;

  McpWaits(McpFace face, McpTools tools) {
    this.face = face;
    this.tools = tools;
  }

  void waitForEvents(McpSession s, ToolArgs a, JsonNode progressToken, McpReply reply) {
    Long after = a.integer("after", 0, Long.MAX_VALUE);
    List<String> patterns = a.strings("patterns", 32);
    Long limitArg = a.integer("limit", 1, 100);
    int limit = limitArg == null ? 50 : limitArg.intValue();
    long waitMs = a.waitMillis("timeout_s");
    Predicate<String> filter = filter(patterns);
    if (waitMs == 0 || s.inbox().hasAfter(after, filter)) {
      reply.result(events(s, after, filter, limit, false));
      return;
    }
    reply.stream();
    long started = System.nanoTime();
    Runnable[] waiter = new Runnable[1];
    waiter[0] = () -> {
      if (reply.done()) {
        return;
      }
      if (s.inbox().hasAfter(after, filter)) {
        reply.result(events(s, after, filter, limit, false));
      } else {
        s.onInboxEvent(waiter[0]);
      }
    };
    s.onInboxEvent(waiter[0]);
    long timer = face.vertx().setTimer(waitMs, t -> reply.result(events(s, after, filter, limit, true)));
    long ticker = -1;
    if (progressToken != null) {
      ObjectNode first = JsonRpc.JSON.objectNode();
      first.set("progressToken", progressToken);
      first.put("progress", 0).put("total", waitMs / 1000.0).put("message", "waiting for events");
      reply.notify(JsonRpc.notification("notifications/progress", first));
      ticker = face.vertx().setPeriodic(face.mcpOptions().getKeepalive().toMillis(), t -> {
        ObjectNode p = JsonRpc.JSON.objectNode();
        p.set("progressToken", progressToken);
        p.put("progress", Math.round((System.nanoTime() - started) / 1e6) / 1000.0).put("total", waitMs / 1000.0)
            .put("message", "waiting for events");
        reply.notify(JsonRpc.notification("notifications/progress", p));
      });
    }
    long tick = ticker;
    reply.onFinish(() -> {
      face.vertx().cancelTimer(timer);
      if (tick >= 0) {
        face.vertx().cancelTimer(tick);
      }
      s.removeInboxWaiter(waiter[0]);
    });
  }

  private static Predicate<String> filter(List<String> patterns) {
    if (patterns == null || patterns.isEmpty()) {
      return n -> true;
    }
    for (String p : patterns) {
      Patterns.validate(p, 256, 16);
    }
    SubscriptionTrie<Boolean> trie = SubscriptionTrie.of(patterns);
    return trie::matches;
  }

  private ObjectNode events(McpSession s, Long after, Predicate<String> filter, int limit, boolean timedOut) {
    McpInbox.Read read = s.read(after, filter, limit);
    ObjectNode structured = JsonRpc.JSON.objectNode();
    ArrayNode arr = structured.putArray("events");
    StringBuilder text = new StringBuilder();
    if (read.dropped() > 0) {
      text.append(read.dropped()).append(" event(s) were dropped before you read them: the inbox keeps at most ")
          .append(face.mcpOptions().getInboxEvents()).append(" events and ").append(face.mcpOptions().getInboxBytes())
          .append(" bytes. Call wait_for_events more often, or read channels with read_channel.\n");
      structured.put("dropped", read.dropped());
    }
    for (McpInbox.Entry e : read.entries()) {
      ObjectNode item = arr.addObject().put("seq", e.seq());
      item.set("event", e.event());
      text.append(McpTools.line(e.event())).append('\n');
    }
    if (read.entries().isEmpty()) {
      text.append(timedOut ? "nothing new within the wait" : "nothing new").append('\n');
    }
    text.append("cursor: ").append(read.cursor());
    structured.put("cursor", read.cursor()).put("timed_out", timedOut && read.entries().isEmpty());
    return ToolArgs.ok(text.toString(), structured);
  }

  void reply(McpSession s, ToolArgs a, McpReply reply) {
    String eventId = a.string("event_id", true);
    McpInbox.Entry entry = s.inbox().find(eventId);
    if (entry == null) {
      throw new ProtocolException(ErrorCode.NOT_FOUND, "no event '" + McpEndpoint.printable(eventId)
          + "' in the inbox (it keeps the last " + face.mcpOptions().getInboxEvents() + " events)");
    }
    String to = entry.event().path("source_id").asText();
    ObjectNode payload = a.object("payload");
    if (payload == null) {
      payload = JsonRpc.JSON.objectNode();
    }
    payload.put("text", a.string("text", true));
    Event event = tools.event(EventNames.AGENT_RESPONSE, "agent:" + to, payload, null, eventId, false);
    tools.answer(s, reply, tools.publish(s, event), r -> "replied to " + to + " (event " + r.path("event_id")
        .asText() + ")");
  }
}
