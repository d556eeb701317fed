package dev.workspace.client.e2e;

import dev.workspace.client.AgentClient;
import dev.workspace.model.Event;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Records every event a client's handlers are given, and proves when nothing more is on its way: a peer sends a
 * marker reply to the recorded agent, and everything delivered before the marker is what the agent got.
 */
final class Recorder {
  private final AgentClient client;
  private final String agentId;
  private final List<Event> events = new ArrayList<>();

  /**
   * @param client the client to record
   * @param agentId its agent id
   * @param patterns the handler's patterns: the client's own subscriptions, so recording changes nothing the
   *     server sends it
   */
  Recorder(AgentClient client, String agentId, String... patterns) {
    this.client = client;
    this.agentId = agentId;
    E2E.await(client.registerEventHandler(e -> {
      synchronized (events) {
        events.add(e);
      }
    }, patterns.length == 0 ? new String[] {"*"} : patterns));
  }

  /**
   * Everything received so far, once a marker sent by {@code peer} after everything else has arrived; the marker
   * is not part of the list, and the list is cleared.
   */
  List<Event> drain(AgentClient peer) {
    String id = "sync-" + UUID.randomUUID();
    var marker = client.waitEvent(e -> id.equals(e.responseTo()), E2E.WAIT);
    E2E.await(peer.sendEvent(Event.of("test.sync", "agent:" + agentId).withResponseTo(id)));
    E2E.await(marker);
    synchronized (events) {
      List<Event> out = new ArrayList<>();
      for (Event e : events) {
        if (!id.equals(e.responseTo())) {
          out.add(e);
        }
      }
      events.clear();
      return out;
    }
  }

  /** @return the names of {@link #drain}'s events */
  List<String> names(AgentClient peer) {
    return drain(peer).stream().map(Event::eventName).toList();
  }
}
