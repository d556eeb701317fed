package dev.workspace.server.core;

/**
 * What kind of traffic an event is, as the node's metrics count it: the label {@code kind} of
 * {@code workspace_events_received_total} and {@code workspace_events_delivered_total}.
 */
public enum EventKind {
  /** A post to a channel. */
  CHANNEL("channel"),
  /** An event to one agent's inbox: a direct message, a request, a reply, a mention, a run event. */
  DIRECT("direct"),
  /** An event to every agent of the workspace. */
  BROADCAST("broadcast"),
  /** An event without a stream: presence ({@code agent.*}, {@code channel.joined}/{@code left}) and notices. */
  PRESENCE("presence");

  private final String label;

  EventKind(String label) {
    this.label = label;
  }

  /** @return the label value */
  public String label() {
    return label;
  }

  /**
   * @param d a delivery
   * @return its kind
   */
  public static EventKind of(Delivery d) {
    if (d.stream() == null || d.offset() < 0) {
      return PRESENCE;
    }
    return switch (d.stream().kind()) {
      case CHANNEL -> CHANNEL;
      case INBOX -> DIRECT;
      case BROADCAST -> BROADCAST;
    };
  }
}
