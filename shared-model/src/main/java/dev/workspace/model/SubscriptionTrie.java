package dev.workspace.model;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * A segment trie from subscription patterns to values. {@link #match} walks the name's segments once, following the
 * literal child, the {@code *} child and the {@code >} child at each level, so its cost depends on the name and on
 * the patterns that share its prefixes, never on the number of patterns that cannot match. The name is split into
 * segments once, and the split is reused while the same name is matched again on the same thread.
 *
 * <p>Not thread-safe: confine an instance to one thread, or publish it immutably.
 *
 * @param <T> the value type
 */
public final class SubscriptionTrie<T> {
  private final Node<T> root = new Node<>();
  private final Set<T> everything = new LinkedHashSet<>();
  private int size;

  private static final class Node<T> {
    Map<String, Node<T>> literal;
    Node<T> star;
    Set<T> tail;
    Set<T> here;

    boolean isEmpty() {
      return (literal == null || literal.isEmpty()) && star == null && (tail == null || tail.isEmpty())
          && (here == null || here.isEmpty());
    }
  }

  /**
   * Adds a value under a pattern. The pattern must already be valid ({@link Patterns#validate}).
   *
   * @param pattern the pattern
   * @param value the value
   * @return whether the value was not yet under that pattern
   */
  public boolean add(String pattern, T value) {
    boolean added;
    if (isAll(pattern)) {
      added = everything.add(value);
    } else {
      Node<T> node = root;
      String[] segments = pattern.split("\\.");
      Set<T> target = null;
      for (int i = 0; i < segments.length; i++) {
        String s = segments[i];
        if (s.equals(">")) {
          if (node.tail == null) {
            node.tail = new LinkedHashSet<>();
          }
          target = node.tail;
          break;
        }
        if (s.equals("*")) {
          if (node.star == null) {
            node.star = new Node<>();
          }
          node = node.star;
        } else {
          if (node.literal == null) {
            node.literal = new HashMap<>();
          }
          node = node.literal.computeIfAbsent(s, k -> new Node<>());
        }
      }
      if (target == null) {
        if (node.here == null) {
          node.here = new LinkedHashSet<>();
        }
        target = node.here;
      }
      added = target.add(value);
    }
    if (added) {
      size++;
    }
    return added;
  }

  /**
   * Removes a value from under a pattern, pruning empty branches.
   *
   * @param pattern the pattern
   * @param value the value
   * @return whether it was there
   */
  public boolean remove(String pattern, T value) {
    boolean removed;
    if (isAll(pattern)) {
      removed = everything.remove(value);
    } else {
      removed = remove(root, pattern.split("\\."), 0, value);
    }
    if (removed) {
      size--;
    }
    return removed;
  }

  private boolean remove(Node<T> node, String[] segments, int index, T value) {
    if (index == segments.length) {
      return node.here != null && node.here.remove(value);
    }
    String s = segments[index];
    if (s.equals(">")) {
      return node.tail != null && node.tail.remove(value);
    }
    Node<T> child = s.equals("*") ? node.star : (node.literal == null ? null : node.literal.get(s));
    if (child == null) {
      return false;
    }
    boolean removed = remove(child, segments, index + 1, value);
    if (removed && child.isEmpty()) {
      if (s.equals("*")) {
        node.star = null;
      } else {
        node.literal.remove(s);
      }
    }
    return removed;
  }

  /**
   * Calls {@code sink} with every value whose pattern matches {@code name}; a value under several matching
   * patterns is passed once for each.
   *
   * @param name a valid event name
   * @param sink receives the values
   */
  public void match(String name, Consumer<? super T> sink) {
    everything.forEach(sink);
    match(root, segments(name), 0, sink);
  }

  /**
   * Allocates nothing when the same name was matched last on this thread (as when one event is checked against
   * every receiver's trie).
   *
   * @param name a valid event name
   * @return whether any pattern matches {@code name}
   */
  public boolean matches(String name) {
    return !everything.isEmpty() || (size > 0 && anyMatch(root, segments(name), 0));
  }

  /**
   * @param name a valid event name
   * @return the distinct values whose patterns match {@code name}, in no particular order
   */
  public Set<T> matchAll(String name) {
    Set<T> out = new LinkedHashSet<>();
    match(name, out::add);
    return out;
  }

  private void match(Node<T> node, String[] segments, int at, Consumer<? super T> sink) {
    if (node.tail != null && at < segments.length) {
      node.tail.forEach(sink);
    }
    if (at == segments.length) {
      if (node.here != null) {
        node.here.forEach(sink);
      }
      return;
    }
    if (node.literal != null) {
      Node<T> child = node.literal.get(segments[at]);
      if (child != null) {
        match(child, segments, at + 1, sink);
      }
    }
    if (node.star != null) {
      match(node.star, segments, at + 1, sink);
    }
  }

  private static boolean anyMatch(Node<?> node, String[] segments, int at) {
    if (at == segments.length) {
      return node.here != null && !node.here.isEmpty();
    }
    if (node.tail != null && !node.tail.isEmpty()) {
      return true;
    }
    if (node.literal != null) {
      Node<?> child = node.literal.get(segments[at]);
      if (child != null && anyMatch(child, segments, at + 1)) {
        return true;
      }
    }
    return node.star != null && anyMatch(node.star, segments, at + 1);
  }

  private static final ThreadLocal<Object[]> LAST_SPLIT = ThreadLocal.withInitial(() -> new Object[2]);

  private static String[] segments(String name) {
    Object[] last = LAST_SPLIT.get();
    if (last[0] == name) {
      return (String[]) last[1];
    }
    int count = 1;
    for (int i = 0; i < name.length(); i++) {
      if (name.charAt(i) == '.') {
        count++;
      }
    }
    String[] out = new String[count];
    int from = 0;
    for (int i = 0; i < count; i++) {
      int dot = name.indexOf('.', from);
      int end = dot < 0 ? name.length() : dot;
      out[i] = name.substring(from, end);
      from = end + 1;
    }
    last[0] = name;
    last[1] = out;
    return out;
  }

  /** @return how many (pattern, value) pairs the trie holds */
  public int size() {
    return size;
  }

  /** @return whether the trie holds nothing */
  public boolean isEmpty() {
    return size == 0;
  }

  // A bare '>' lives in the root's tail set, which matches every name, so that '*' and '>' stay distinct patterns.
  private static boolean isAll(String pattern) {
    return pattern.equals("*");
  }

  /**
   * @param patterns valid patterns
   * @return a trie holding {@link Boolean#TRUE} under each
   */
  public static SubscriptionTrie<Boolean> of(Iterable<String> patterns) {
    SubscriptionTrie<Boolean> trie = new SubscriptionTrie<>();
    for (String p : patterns) {
      trie.add(p, Boolean.TRUE);
    }
    return trie;
  }

  /** @return a list view of the values under the match-everything pattern (for tests and diagnostics) */
  List<T> everything() {
    return new ArrayList<>(everything);
  }
}
