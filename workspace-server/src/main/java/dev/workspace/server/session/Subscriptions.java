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
  /** The trie before the first {@link #set}: empty, never changed, shared by every session. */
  private static final SubscriptionTrie<Boolean> NONE = new SubscriptionTrie<>();

  private volatile SubscriptionTrie<Boolean> trie = NONE;
  private volatile List<String> snapshot = List.of();
  private volatile Verdict verdict;

  Subscriptions(SessionLimits limits) {
    this.limits = limits;
  }

  /**
   * Whether an event of that name reaches the session. The verdict for the last name asked is kept with the trie
   * it came from, so fanning out a run of events of one name costs each receiver a string comparison, not a walk of
   * its trie; any thread.
   */
  boolean accepts(String eventName) {
    Verdict last = verdict;
    SubscriptionTrie<Boolean> current = trie;
    if (last != null && last.trie == current && last.eventName.equals(eventName)) {
      return last.accepted;
    }
    boolean accepted = current.matches(eventName);
    verdict = new Verdict(current, eventName, accepted);
    return accepted;
  }

  /** The last verdict of {@link #accepts}, immutable so that threads racing on it only ever miss. */
  private record Verdict(SubscriptionTrie<Boolean> trie, String eventName, boolean accepted) {
  }

  /** @return the patterns, in the order they were added (an immutable snapshot; any thread) */
  List<String> patterns() {
    return snapshot;
  }

  /** Replaces every pattern, already checked against the limits. */
  void set(Collection<String> next) {
    List<String> copy = List.copyOf(new LinkedHashSet<>(next));
    trie = SubscriptionTrie.of(copy);
    snapshot = copy;
  }

  AckResult.Subscriptions add(List<String> add) {
    Set<String> next = new LinkedHashSet<>(snapshot);
    next.addAll(add);
    limits.checkPatterns(add, next.size());
    set(next);
    return new AckResult.Subscriptions(patterns());
  }

  AckResult.Subscriptions remove(List<String> remove) {
    for (String p : remove) {
      limits.checkPattern(p);
    }
    Set<String> next = new LinkedHashSet<>(snapshot);
    next.removeAll(remove);
    set(next);
    return new AckResult.Subscriptions(patterns());
  }
}
