package dev.workspace.client;

import java.util.Map;

/**
 * A change in the client's connection, passed to {@link AgentClient#lifecycleHandler}.
 *
 * @param type what happened
 * @param closeCode the WebSocket close code for {@link Type#DISCONNECTED} and {@link Type#CLOSED} (1006 when the
 *     connection dropped without a close frame, or was found dead); -1 when there is none: for the other types, and
 *     for {@link Type#CLOSED} after the server refused a reconnect (the reason says why)
 * @param reason a human-readable explanation, never {@code null} (may be empty)
 * @param channelsRecovered for {@link Type#RECOVERED}: per re-joined channel, whether the events missed while
 *     disconnected are replayed (when {@code false}, read the channel's history to fill the gap); empty otherwise
 * @param inboxRecovered for {@link Type#RECOVERED}: whether the agent's missed inbox events are replayed
 * @param broadcastRecovered for {@link Type#RECOVERED}: whether missed broadcasts are replayed
 * @param stream for {@link Type#GAP}: the stream with events that are gone ({@code channel:<name>}, {@code inbox}
 *     or {@code broadcast}); {@code null} otherwise
 * @param missed for {@link Type#GAP}: how many events are gone, or -1 when the count is unknown; 0 otherwise
 */
public record LifecycleEvent(Type type, int closeCode, String reason, Map<String, Boolean> channelsRecovered,
    boolean inboxRecovered, boolean broadcastRecovered, String stream, long missed) {

  /** The kinds of lifecycle change. */
  public enum Type {
    /** The first session opened. */
    CONNECTED,
    /** The connection was lost; the client reconnects unless a {@link #CLOSED} follows. */
    DISCONNECTED,
    /** A new session opened after a loss; subscriptions and channels are restored. */
    RECONNECTED,
    /** Follows {@link #RECONNECTED}: what the server could replay of each stream. */
    RECOVERED,
    /** The client stopped for good: {@code disconnect()}, a close code that forbids reconnecting, or reconnect off. */
    CLOSED,
    /**
     * Follows {@link #RECOVERED} for each stream that was not recovered: the events of {@link #stream()} that no
     * longer exist, {@link #missed()} of them. For a channel, what its history still held has been handed to the
     * handlers, in order and before any later event of the channel.
     */
    GAP
  }

  /**
   * A lifecycle event of any type but {@link Type#GAP}.
   *
   * @param type what happened
   * @param closeCode the close code, or -1
   * @param reason why; {@code null} means empty
   * @param channelsRecovered per channel, whether it was recovered; copied
   * @param inboxRecovered whether the inbox was recovered
   * @param broadcastRecovered whether the broadcast stream was recovered
   */
  public LifecycleEvent(Type type, int closeCode, String reason, Map<String, Boolean> channelsRecovered,
      boolean inboxRecovered, boolean broadcastRecovered) {
    this(type, closeCode, reason, channelsRecovered, inboxRecovered, broadcastRecovered, null, 0);
  }

  /**
   * @param stream the stream with events that are gone
   * @param missed how many, or -1 when unknown
   * @return a {@link Type#GAP} event
   */
  public static LifecycleEvent gap(String stream, long missed) {
    return new LifecycleEvent(Type.GAP, -1, missed < 0 ? "events of " + stream + " are gone"
        : missed + " events of " + stream + " are gone", Map.of(), false, false, stream, missed);
  }

  /**
   * Copies the channel map.
   *
   * @param type what happened
   * @param closeCode the close code, or -1
   * @param reason why; {@code null} means empty
   * @param channelsRecovered per channel, whether it was recovered; copied
   * @param inboxRecovered whether the inbox was recovered
   * @param broadcastRecovered whether the broadcast stream was recovered
   * @param stream for a gap, its stream
   * @param missed for a gap, how many events are gone
   */
  public LifecycleEvent {
    channelsRecovered = Map.copyOf(channelsRecovered);
    reason = reason == null ? "" : reason;
  }

  /** @return whether every stream was recovered (meaningful for {@link Type#RECOVERED}) */
  public boolean fullyRecovered() {
    return inboxRecovered && broadcastRecovered && !channelsRecovered.containsValue(Boolean.FALSE);
  }
}
