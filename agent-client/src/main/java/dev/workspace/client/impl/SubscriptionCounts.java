package dev.workspace.client.impl;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which patterns the client wants the server to hold: the pinned ones (initial subscriptions and explicit
 * {@code subscribe} calls) and those that registered handlers need, counted per pattern. Each change returns the
 * patterns whose wanted state flipped, which are the ones to send. Confined to the client's context.
 */
final class SubscriptionCounts {
  private final Set<String> pinned = new LinkedHashSet<>();
  private final Map<String, Integer> handlerCounts = new HashMap<>();
  private final Set<String> wanted = new LinkedHashSet<>();

  /** @param initial the initial subscriptions, pinned */
  SubscriptionCounts(Collection<String> initial) {
    pin(initial);
  }

  /**
   * Counts one more handler for each pattern.
   *
   * @return the patterns that were not wanted before
   */
  List<String> acquire(Collection<String> patterns) {
    for (String p : patterns) {
      handlerCounts.merge(p, 1, Integer::sum);
    }
    return addWanted(patterns);
  }

  /**
   * Counts one handler less for each pattern.
   *
   * @return the patterns no longer wanted
   */
  List<String> release(Collection<String> patterns) {
    List<String> gone = new ArrayList<>();
    for (String p : patterns) {
      Integer n = handlerCounts.get(p);
      if (n == null) {
        continue;
      }
      if (n > 1) {
        handlerCounts.put(p, n - 1);
      } else {
        handlerCounts.remove(p);
        if (!pinned.contains(p) && wanted.remove(p)) {
          gone.add(p);
        }
      }
    }
    return gone;
  }

  /**
   * Pins patterns: they stay wanted whatever the handlers.
   *
   * @return the patterns that were not wanted before
   */
  List<String> pin(Collection<String> patterns) {
    pinned.addAll(patterns);
    return addWanted(patterns);
  }

  /**
   * Unpins patterns.
   *
   * @return the patterns no longer wanted (those no handler needs)
   */
  List<String> unpin(Collection<String> patterns) {
    List<String> gone = new ArrayList<>();
    for (String p : patterns) {
      if (pinned.remove(p) && !handlerCounts.containsKey(p)) {
        wanted.remove(p);
        gone.add(p);
      }
    }
    return gone;
  }

  /** @return every wanted pattern, in the order they became wanted */
  List<String> wanted() {
    return new ArrayList<>(wanted);
  }

  private List<String> addWanted(Collection<String> patterns) {
    List<String> fresh = new ArrayList<>();
    for (String p : patterns) {
      if (wanted.add(p)) {
        fresh.add(p);
      }
    }
    return fresh;
  }
}
