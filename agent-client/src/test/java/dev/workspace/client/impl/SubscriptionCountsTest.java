package dev.workspace.client.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class SubscriptionCountsTest {

  @Test
  void initialPatternsAreWantedAndNeverReleasedByHandlers() {
    SubscriptionCounts counts = new SubscriptionCounts(List.of("*"));
    assertEquals(List.of("*"), counts.wanted());
    assertEquals(List.of(), counts.acquire(List.of("*")));
    assertEquals(List.of(), counts.release(List.of("*")));
    assertEquals(List.of("*"), counts.wanted());
  }

  @Test
  void aHandlerPatternIsSubscribedByTheFirstHandlerAndUnsubscribedAfterTheLast() {
    SubscriptionCounts counts = new SubscriptionCounts(List.of());
    assertEquals(List.of("channel.>"), counts.acquire(List.of("channel.>")));
    assertEquals(List.of(), counts.acquire(List.of("channel.>")));
    assertEquals(List.of(), counts.release(List.of("channel.>")));
    assertEquals(List.of("channel.>"), counts.wanted());
    assertEquals(List.of("channel.>"), counts.release(List.of("channel.>")));
    assertEquals(List.of(), counts.wanted());
  }

  @Test
  void onlyTheNewPatternsOfARegistrationAreReturned() {
    SubscriptionCounts counts = new SubscriptionCounts(List.of("agent.message"));
    assertEquals(List.of("channel.>"), counts.acquire(List.of("agent.message", "channel.>")));
    assertEquals(List.of("agent.message", "channel.>"), counts.wanted());
    assertEquals(List.of("channel.>"), counts.release(List.of("agent.message", "channel.>")));
    assertEquals(List.of("agent.message"), counts.wanted());
  }

  @Test
  void releasingAPatternNoHandlerHoldsChangesNothing() {
    SubscriptionCounts counts = new SubscriptionCounts(List.of("*"));
    assertEquals(List.of(), counts.release(List.of("agent.message")));
    assertEquals(List.of("*"), counts.wanted());
  }

  @Test
  void aPinnedPatternOutlivesItsHandlersAndAHandlerPatternOutlivesUnpin() {
    SubscriptionCounts counts = new SubscriptionCounts(List.of());
    assertEquals(List.of("a.b"), counts.acquire(List.of("a.b")));
    assertEquals(List.of(), counts.pin(List.of("a.b")));
    assertEquals(List.of(), counts.release(List.of("a.b")));
    assertEquals(List.of("a.b"), counts.wanted());

    assertEquals(List.of(), counts.acquire(List.of("a.b")));
    assertEquals(List.of(), counts.unpin(List.of("a.b")));
    assertEquals(List.of("a.b"), counts.wanted());
    assertEquals(List.of("a.b"), counts.release(List.of("a.b")));
    assertEquals(List.of(), counts.wanted());
  }

  @Test
  void unpinningAnInitialPatternRemovesIt() {
    SubscriptionCounts counts = new SubscriptionCounts(List.of("*", "agent.message"));
    assertEquals(List.of("*"), counts.unpin(List.of("*", "never.held")));
    assertEquals(List.of("agent.message"), counts.wanted());
  }

  @Test
  void pinningTwiceIsHarmless() {
    SubscriptionCounts counts = new SubscriptionCounts(List.of());
    assertEquals(List.of("x.y"), counts.pin(List.of("x.y")));
    assertEquals(List.of(), counts.pin(List.of("x.y")));
    assertEquals(List.of("x.y"), counts.unpin(List.of("x.y")));
    assertEquals(List.of(), counts.unpin(List.of("x.y")));
  }
}
