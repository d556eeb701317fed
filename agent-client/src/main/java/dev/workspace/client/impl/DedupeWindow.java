package dev.workspace.client.impl;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The most recent event ids seen, up to a bound; the oldest is forgotten first. Confined to the client's context.
 */
final class DedupeWindow {
  private final int capacity;
  private final LinkedHashMap<String, Boolean> seen;

  DedupeWindow(int capacity) {
    this.capacity = capacity;
    this.seen = new LinkedHashMap<>(Math.min(capacity, 1024) * 2, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
        return size() > DedupeWindow.this.capacity;
      }
    };
  }

  /**
   * Records an id.
   *
   * @param eventId an event id
   * @return {@code true} the first time the id is seen within the window, {@code false} for a duplicate
   */
  boolean firstSeen(String eventId) {
    return seen.put(eventId, Boolean.TRUE) == null;
  }

  int size() {
    return seen.size();
  }
}
