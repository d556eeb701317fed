package dev.workspace.server.session;

import dev.workspace.model.AckResult;
import dev.workspace.model.SubscriptionTrie;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * A session's subscription patterns, in the order they were added, and the trie that matches event names against
 * them. Changed on the session's event loop; {@link #accepts(String)} and {@link #patterns()} may be called from
 * any thread.
 */
final class Subscriptions {
  private final SessionLimits limits;
  private final Set<String> patterns = new LinkedHashSet<>();
  private volatile SubscriptionTrie<Boolean> trie = new SubscriptionTrie<>();
  private volatile List<String> snapshot = List.of();

  Subscriptions(SessionLimits limits) {
    this.limits = limits;
  }

  boolean accepts(String eventName) {
    return trie.matches(eventName);
  }

  /** @return the patterns, in the order they were added (an immutable snapshot; any thread) */
  List<String> patterns() {
    return snapshot;
  }

  /** Replaces every pattern, already checked against the limits. */
  void set(Collection<String> next) {
    List<String> copy = List.copyOf(new LinkedHashSet<>(next));
    patterns.clear();
    patterns.addAll(copy);
    trie = SubscriptionTrie.of(patterns);
    snapshot = copy;
  }

  AckResult.Subscriptions add(List<String> add) {
    Set<String> next = new LinkedHashSet<>(patterns);
    next.addAll(add);
    limits.checkPatterns(add, next.size());
    set(next);
    return new AckResult.Subscriptions(patterns());
  }

  AckResult.Subscriptions remove(List<String> remove) {
    for (String p : remove) {
      limits.checkPattern(p);
    }
    Set<String> next = new LinkedHashSet<>(patterns);
    next.removeAll(remove);
    set(next);
    return new AckResult.Subscriptions(patterns());
  }
}
