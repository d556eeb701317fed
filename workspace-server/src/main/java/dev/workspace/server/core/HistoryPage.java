package dev.workspace.server.core;

import dev.workspace.model.Event;
import java.util.List;

/**
 * A page of a stream's history.
 *
 * @param events the events, in increasing offset order
 * @param hasMore whether more events lie beyond the page in the direction of travel
 * @param firstOffset the oldest offset the stream still holds (0 when empty)
 * @param lastOffset the newest offset of the stream (0 when empty)
 * @param epoch the stream's epoch
 */
public record HistoryPage(List<Event> events, boolean hasMore, long firstOffset, long lastOffset, String epoch) {
}
