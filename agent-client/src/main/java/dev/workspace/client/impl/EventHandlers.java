package dev.workspace.client.impl;

import dev.workspace.model.Event;
import dev.workspace.model.SubscriptionTrie;
import io.vertx.core.Handler;
import java.util.List;
import java.util.function.Consumer;

/**
 * The registered event handlers, indexed by pattern in a {@link SubscriptionTrie}. Confined to the client's context.
 */
final class EventHandlers {
  /** One registered handler and its patterns. */
  static final class Entry {
    final Handler<Event> handler;
    final List<String> patterns;
    boolean active = true;

    Entry(Handler<Event> handler, List<String> patterns) {
      this.handler = handler;
      this.patterns = List.copyOf(patterns);
    }
  }

  private final SubscriptionTrie<Entry> trie = new SubscriptionTrie<>();

  /**
   * @param handler the handler
   * @param patterns distinct, valid patterns
   * @return the new entry
   */
  Entry add(Handler<Event> handler, List<String> patterns) {
    Entry entry = new Entry(handler, patterns);
    for (String p : entry.patterns) {
      trie.add(p, entry);
    }
    return entry;
  }

  /**
   * @param entry an entry from {@link #add}
   * @return whether it was still registered
   */
  boolean remove(Entry entry) {
    if (!entry.active) {
      return false;
    }
    entry.active = false;
    for (String p : entry.patterns) {
      trie.remove(p, entry);
    }
    return true;
  }

  /**
   * Calls every active handler whose patterns match the event's name, once per handler however many of its patterns
   * match. A handler removed by an earlier handler of the same dispatch is not called.
   *
   * @param event the event
   * @param onFailure receives what a handler threw
   * @return how many handlers were called
   */
  int dispatch(Event event, Consumer<Throwable> onFailure) {
    int called = 0;
    for (Entry entry : trie.matchAll(event.eventName())) {
      if (!entry.active) {
        continue;
      }
      called++;
      try {
        entry.handler.handle(event);
      } catch (RuntimeException e) {
        onFailure.accept(e);
      }
    }
    return called;
  }
}
