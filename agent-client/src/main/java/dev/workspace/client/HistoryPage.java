package dev.workspace.client;

import dev.workspace.model.Event;
import java.util.List;

/**
 * One page of a channel's history.
 *
 * @param channel the channel
 * @param events the page's events in increasing offset order (at most the query's limit)
 * @param hasMore whether more events lie beyond this page in the direction of travel
 * @param firstOffset the oldest offset the channel still holds (0 when empty)
 * @param lastOffset the newest offset the channel holds (0 when empty)
 * @param epoch the channel stream's epoch
 */
public record HistoryPage(String channel, List<Event> events, boolean hasMore, long firstOffset, long lastOffset,
    String epoch) {
  /**
   * Copies the event list.
   *
   * @param channel the channel
   * @param events the events, copied
   * @param hasMore whether more events lie beyond
   * @param firstOffset the oldest offset held
   * @param lastOffset the newest offset held
   * @param epoch the epoch
   */
  public HistoryPage {
    events = List.copyOf(events);
  }
}
