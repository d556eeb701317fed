package dev.workspace.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SubscriptionTrieTest {

  private static SubscriptionTrie<String> trieOf(String... patternsAndValues) {
    SubscriptionTrie<String> trie = new SubscriptionTrie<>();
    for (int i = 0; i < patternsAndValues.length; i += 2) {
      Patterns.validate(patternsAndValues[i]);
      assertTrue(trie.add(patternsAndValues[i], patternsAndValues[i + 1]));
    }
    return trie;
  }

  private static List<String> matchList(SubscriptionTrie<String> trie, String name) {
    List<String> out = new ArrayList<>();
    trie.match(name, out::add);
    return out;
  }

  @Test
  void singleStarMatchesExactlyOneSegment() {
    SubscriptionTrie<String> trie = trieOf("channel.message.*", "v");
    assertEquals(Set.of("v"), trie.matchAll("channel.message.posted"));
    assertEquals(Set.of("v"), trie.matchAll("channel.message.mentioned"));
    assertEquals(Set.of(), trie.matchAll("channel.message.posted.extra"));
    assertEquals(Set.of(), trie.matchAll("channel.joined"));
    assertEquals(Set.of(), trie.matchAll("channel.message"));
    assertEquals(Set.of(), trie.matchAll("agent.message.posted"));
    assertTrue(trie.matches("channel.message.posted"));
    assertFalse(trie.matches("channel.message.posted.extra"));
    assertFalse(trie.matches("channel.joined"));
  }

  @Test
  void tailMatchesOneOrMoreRemainingSegments() {
    SubscriptionTrie<String> trie = trieOf("channel.>", "v");
    assertEquals(Set.of("v"), trie.matchAll("channel.a"));
    assertEquals(Set.of("v"), trie.matchAll("channel.a.b"));
    assertEquals(Set.of("v"), trie.matchAll("channel.message.posted.extra.more"));
    assertEquals(Set.of(), trie.matchAll("channel"));
    assertEquals(Set.of(), trie.matchAll("agent.channel"));
    assertEquals(Set.of(), trie.matchAll("channels.a"));
    assertEquals(Set.of(), trie.matchAll("chan.a"));
    assertFalse(trie.matches("channel"));
    assertTrue(trie.matches("channel.a.b"));
  }

  @Test
  void tailAfterSeveralSegments() {
    SubscriptionTrie<String> trie = trieOf("a.*.>", "v");
    assertEquals(Set.of(), trie.matchAll("a.b"));
    assertEquals(Set.of("v"), trie.matchAll("a.b.c"));
    assertEquals(Set.of("v"), trie.matchAll("a.x.c.d.e"));
    assertEquals(Set.of(), trie.matchAll("b.b.c"));
  }

  @Test
  void bareStarAndBareTailMatchEverything() {
    SubscriptionTrie<String> trie = trieOf("*", "star", ">", "tail");
    for (String name : List.of("a.b", "channel.message.posted", "x.y.z.w.v", "agent.left")) {
      assertEquals(Set.of("star", "tail"), trie.matchAll(name));
      assertTrue(trie.matches(name));
    }
    assertEquals(2, trie.size());
    assertEquals(List.of("star"), trie.everything());
  }

  @Test
  void bareStarAndBareTailAreDistinctPatterns() {
    SubscriptionTrie<String> trie = new SubscriptionTrie<>();
    assertTrue(trie.add("*", "v"));
    assertTrue(trie.add(">", "v"), "'>' is a pattern of its own, not a second copy of '*'");
    assertEquals(2, trie.size());
    assertEquals(List.of("v", "v"), matchList(trie, "a.b"));

    assertTrue(trie.remove(">", "v"));
    assertFalse(trie.remove(">", "v"));
    assertEquals(1, trie.size());
    assertEquals(Set.of("v"), trie.matchAll("a.b"), "'*' still holds v after '>' is removed");
    assertTrue(trie.remove("*", "v"));
    assertTrue(trie.isEmpty());
    assertFalse(trie.matches("a.b"));
  }

  @Test
  void starInFirstAndLastPosition() {
    SubscriptionTrie<String> trie = trieOf("*.message.*", "v");
    assertEquals(Set.of("v"), trie.matchAll("channel.message.posted"));
    assertEquals(Set.of("v"), trie.matchAll("agent.message.sent"));
    assertEquals(Set.of(), trie.matchAll("agent.message"));
    assertEquals(Set.of(), trie.matchAll("channel.messages.posted"));
    assertEquals(Set.of(), trie.matchAll("channel.message.posted.extra"));
    assertEquals(Set.of(), trie.matchAll("x.channel.message.posted"));
  }

  @Test
  void literalMatchesExactlyItself() {
    SubscriptionTrie<String> trie = trieOf("agent.message", "v");
    assertEquals(Set.of("v"), trie.matchAll("agent.message"));
    assertEquals(Set.of(), trie.matchAll("agent.messages"));
    assertEquals(Set.of(), trie.matchAll("agent.messag"));
    assertEquals(Set.of(), trie.matchAll("agent.message.x"));
    assertEquals(Set.of(), trie.matchAll("agent.left"));
    assertEquals(Set.of(), trie.matchAll("x.agent.message"));
  }

  @Test
  void emptyTrieMatchesNothing() {
    SubscriptionTrie<String> trie = new SubscriptionTrie<>();
    assertTrue(trie.isEmpty());
    assertEquals(0, trie.size());
    assertEquals(Set.of(), trie.matchAll("a.b"));
    assertFalse(trie.matches("a.b"));
    assertEquals(List.of(), matchList(trie, "a.b"));
  }

  @Test
  void matchAllReturnsExactlyTheMatchingValues() {
    SubscriptionTrie<String> trie = trieOf(
        "channel.message.posted", "literal",
        "channel.message.*", "star-last",
        "channel.*.posted", "star-middle",
        "*.message.posted", "star-first",
        "*.*.*", "three-stars",
        "*.*", "two-stars",
        "channel.>", "channel-tail",
        "channel.message.>", "message-tail",
        "channel.message.posted.>", "too-deep-tail",
        "agent.>", "agent-tail",
        "channel.joined", "other-literal",
        "channel.message.deleted", "other-leaf",
        "*.*.*.*", "four-stars");
    assertEquals(Set.of("literal", "star-last", "star-middle", "star-first", "three-stars", "channel-tail",
        "message-tail"), trie.matchAll("channel.message.posted"));
    assertEquals(Set.of("two-stars", "channel-tail", "other-literal"), trie.matchAll("channel.joined"));
    assertEquals(Set.of("two-stars", "agent-tail"), trie.matchAll("agent.message"));
    assertEquals(Set.of("four-stars", "channel-tail", "message-tail", "too-deep-tail"),
        trie.matchAll("channel.message.posted.extra"));
    assertEquals(Set.of("three-stars", "star-first", "agent-tail"), trie.matchAll("agent.message.posted"));
    assertEquals(Set.of(), trie.matchAll("a.b.c.d.e"));
    assertEquals(13, trie.size());
  }

  @Test
  void matchPassesAValueOncePerMatchingPattern() {
    SubscriptionTrie<String> trie = trieOf("channel.message.*", "v", "channel.>", "v", "*", "v", "agent.*", "v");
    assertEquals(4, trie.size());
    List<String> all = matchList(trie, "channel.message.posted");
    assertEquals(List.of("v", "v", "v"), all);
    assertEquals(Set.of("v"), trie.matchAll("channel.message.posted"));
    assertEquals(List.of("v", "v"), matchList(trie, "agent.left"));
  }

  @Test
  void aValueUnderTwoPatterns() {
    SubscriptionTrie<String> trie = trieOf("channel.message.*", "v", "agent.*", "v", "agent.*", "w");
    assertEquals(3, trie.size());
    assertEquals(Set.of("v"), trie.matchAll("channel.message.posted"));
    assertEquals(Set.of("v", "w"), trie.matchAll("agent.message"));

    assertTrue(trie.remove("channel.message.*", "v"));
    assertEquals(2, trie.size());
    assertEquals(Set.of(), trie.matchAll("channel.message.posted"));
    assertEquals(Set.of("v", "w"), trie.matchAll("agent.message"), "the other pattern still holds v");

    assertTrue(trie.remove("agent.*", "v"));
    assertEquals(Set.of("w"), trie.matchAll("agent.message"));
    assertEquals(1, trie.size());
  }

  @Test
  void addingTheSamePairTwiceIsCountedOnce() {
    SubscriptionTrie<String> trie = new SubscriptionTrie<>();
    assertTrue(trie.add("a.b", "v"));
    assertFalse(trie.add("a.b", "v"));
    assertTrue(trie.add("*", "v"));
    assertFalse(trie.add("*", "v"));
    assertTrue(trie.add("a.>", "v"));
    assertFalse(trie.add("a.>", "v"));
    assertEquals(3, trie.size());
    assertEquals(List.of("v", "v", "v"), matchList(trie, "a.b"));
  }

  @Test
  void removeStopsMatchingAndPrunes() {
    SubscriptionTrie<String> trie = trieOf("a.b.c", "v", "a.*.c", "v", "a.>", "v", "*", "all", "a.b.c", "w");
    assertEquals(5, trie.size());

    assertFalse(trie.remove("a.b.c", "nobody"));
    assertFalse(trie.remove("a.b.d", "v"));
    assertFalse(trie.remove("x.*", "v"));
    assertFalse(trie.remove("a.b.>", "v"));
    assertFalse(trie.remove("a.b", "v"), "a prefix of a pattern is not that pattern");
    assertEquals(5, trie.size());

    assertTrue(trie.remove("a.b.c", "v"));
    assertFalse(trie.remove("a.b.c", "v"));
    assertEquals(Set.of("v", "w", "all"), trie.matchAll("a.b.c"));
    assertTrue(trie.remove("a.*.c", "v"));
    assertTrue(trie.remove("a.>", "v"));
    assertEquals(Set.of("w", "all"), trie.matchAll("a.b.c"));
    assertEquals(Set.of("all"), trie.matchAll("a.x.c"));
    assertTrue(trie.remove("*", "all"));
    assertEquals(Set.of("w"), trie.matchAll("a.b.c"));
    assertFalse(trie.matches("a.x.c"));
    assertTrue(trie.remove("a.b.c", "w"));
    assertTrue(trie.isEmpty());
    assertEquals(0, trie.size());
    assertFalse(trie.matches("a.b.c"));
    assertEquals(Set.of(), trie.matchAll("a.b.c"));
    assertEquals(List.of(), trie.everything());

    // Re-adding after pruning works from a clean branch.
    assertTrue(trie.add("a.*.c", "v"));
    assertEquals(Set.of("v"), trie.matchAll("a.z.c"));
    assertEquals(Set.of(), trie.matchAll("a.b"));
  }

  @Test
  void removingALeafKeepsSiblingsAndDescendants() {
    SubscriptionTrie<String> trie = trieOf("a.b", "short", "a.b.c", "long", "a.b.>", "tail", "a.*", "star");
    assertTrue(trie.remove("a.b", "short"));
    assertEquals(Set.of("star"), trie.matchAll("a.b"));
    assertEquals(Set.of("long", "tail"), trie.matchAll("a.b.c"));
    assertTrue(trie.remove("a.b.>", "tail"));
    assertEquals(Set.of("long"), trie.matchAll("a.b.c"));
    assertEquals(Set.of(), trie.matchAll("a.b.d"));
    assertTrue(trie.remove("a.b.c", "long"));
    assertEquals(Set.of("star"), trie.matchAll("a.q"));
    assertEquals(Set.of(), trie.matchAll("a.b.c"));
    assertEquals(1, trie.size());
  }

  @Test
  void ofBuildsABooleanTrie() {
    SubscriptionTrie<Boolean> trie = SubscriptionTrie.of(List.of("agent.*", "channel.>"));
    assertEquals(2, trie.size());
    assertTrue(trie.matches("agent.message"));
    assertTrue(trie.matches("channel.a.b"));
    assertFalse(trie.matches("agent.message.x"));
    assertFalse(trie.matches("system.x"));
  }

  @Test
  void manyNonMatchingLiteralPatternsDoNotDisturbMatching() {
    SubscriptionTrie<Integer> trie = new SubscriptionTrie<>();
    int count = 100_000;
    for (int i = 0; i < count; i++) {
      assertTrue(trie.add("topic" + i + ".event" + (i % 97) + ".sub", i));
    }
    trie.add("channel.message.*", -1);
    trie.add("channel.>", -2);
    trie.add("*.message.posted", -3);
    trie.add("topic42.event42.sub", -4);
    assertEquals(count + 4, trie.size());

    assertEquals(Set.of(-1, -2, -3), trie.matchAll("channel.message.posted"));
    assertEquals(Set.of(-2), trie.matchAll("channel.joined"));
    assertEquals(Set.of(), trie.matchAll("agent.message"));
    assertEquals(Set.of(), trie.matchAll("topic42.event43.sub"));
    assertEquals(Set.of(42, -4), trie.matchAll("topic42.event42.sub"));
    assertEquals(Set.of(99_999), trie.matchAll("topic99999.event" + (99_999 % 97) + ".sub"));
    assertFalse(trie.matches("topic100000.event0.sub"));

    List<Integer> passed = new ArrayList<>();
    trie.match("channel.message.posted", passed::add);
    assertEquals(3, passed.size());
  }

  // ------------------------------------------------------------------ property test against a naive matcher

  private static final String[] VOCABULARY = {"a", "b", "c", "d"};

  private static boolean naiveMatches(String pattern, String name) {
    if (pattern.equals("*") || pattern.equals(">")) {
      return true;
    }
    String[] p = pattern.split("\\.", -1);
    String[] n = name.split("\\.", -1);
    for (int i = 0; i < p.length; i++) {
      if (p[i].equals(">")) {
        return n.length > i;
      }
      if (i >= n.length) {
        return false;
      }
      if (!p[i].equals("*") && !p[i].equals(n[i])) {
        return false;
      }
    }
    return p.length == n.length;
  }

  private static String randomPattern(Random random) {
    int roll = random.nextInt(40);
    if (roll == 0) {
      return "*";
    }
    if (roll == 1) {
      return ">";
    }
    int length = 2 + random.nextInt(4);
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < length; i++) {
      if (i > 0) {
        sb.append('.');
      }
      int kind = random.nextInt(10);
      if (i == length - 1 && kind < 2) {
        sb.append('>');
      } else if (kind < 4) {
        sb.append('*');
      } else {
        sb.append(VOCABULARY[random.nextInt(VOCABULARY.length)]);
      }
    }
    return sb.toString();
  }

  private static String randomName(Random random) {
    int length = 2 + random.nextInt(5);
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < length; i++) {
      if (i > 0) {
        sb.append('.');
      }
      sb.append(VOCABULARY[random.nextInt(VOCABULARY.length)]);
    }
    return sb.toString();
  }

  private record Pair(String pattern, int value) {
  }

  @Test
  void naiveMatcherAgreesWithTheRules() {
    assertTrue(naiveMatches("channel.>", "channel.a"));
    assertFalse(naiveMatches("channel.>", "channel"));
    assertTrue(naiveMatches("*.b", "a.b"));
    assertFalse(naiveMatches("*.b", "a.b.c"));
    assertFalse(naiveMatches("a.b.c", "a.b"));
    assertTrue(naiveMatches("*", "x.y.z"));
  }

  @Test
  void randomPatternsMatchLikeANaiveMatcher() {
    for (long seed = 1; seed <= 25; seed++) {
      Random random = new Random(seed);
      SubscriptionTrie<Integer> trie = new SubscriptionTrie<>();
      Set<Pair> pairs = new LinkedHashSet<>();
      int patterns = 1 + random.nextInt(150);
      for (int i = 0; i < patterns; i++) {
        String pattern = Patterns.validate(randomPattern(random));
        int value = random.nextInt(30);
        assertEquals(pairs.add(new Pair(pattern, value)), trie.add(pattern, value), "seed " + seed);
      }
      assertEquals(pairs.size(), trie.size(), "seed " + seed);
      checkAgainstNaive(trie, pairs, random, seed);

      // Remove a random half of the pairs (and some that are absent), then check again.
      List<Pair> all = new ArrayList<>(pairs);
      for (Pair p : all) {
        if (random.nextBoolean()) {
          assertTrue(trie.remove(p.pattern(), p.value()), "seed " + seed + " " + p);
          pairs.remove(p);
        }
      }
      for (int i = 0; i < 20; i++) {
        Pair absent = new Pair(randomPattern(random), 100 + i);
        assertFalse(trie.remove(absent.pattern(), absent.value()), "seed " + seed + " " + absent);
      }
      assertEquals(pairs.size(), trie.size(), "seed " + seed);
      checkAgainstNaive(trie, pairs, random, seed);
    }
  }

  private static void checkAgainstNaive(SubscriptionTrie<Integer> trie, Set<Pair> pairs, Random random, long seed) {
    for (int i = 0; i < 200; i++) {
      String name = EventNames.validate(randomName(random));
      Set<Integer> expected = new HashSet<>();
      Map<Integer, Integer> expectedCounts = new HashMap<>();
      for (Pair p : pairs) {
        if (naiveMatches(p.pattern(), name)) {
          expected.add(p.value());
          expectedCounts.merge(p.value(), 1, Integer::sum);
        }
      }
      String where = "seed " + seed + ", name " + name;
      assertEquals(expected, trie.matchAll(name), where);
      assertEquals(!expected.isEmpty(), trie.matches(name), where);
      Map<Integer, Integer> counts = new HashMap<>();
      trie.match(name, v -> counts.merge(v, 1, Integer::sum));
      assertEquals(expectedCounts, counts, where);
    }
  }
}
