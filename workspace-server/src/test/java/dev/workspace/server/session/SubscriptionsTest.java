package dev.workspace.server.session;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The verdict kept for the last event name never outlives the patterns it was given for: a name asked again gets
 * the same answer, equal names built apart share it, and every change of patterns is seen at the next question.
 */
class SubscriptionsTest {
  private final Subscriptions subs = new Subscriptions(null);

  @Test
  void aKeptVerdictFollowsEveryChangeOfPatterns() {
    subs.set(List.of("channel.message.*"));
    assertTrue(subs.accepts("channel.message.posted"));
    assertTrue(subs.accepts(new String("channel.message.posted")));
    assertFalse(subs.accepts("agent.joined"));
    assertTrue(subs.accepts("channel.message.posted"));
    subs.set(List.of("agent.*"));
    assertFalse(subs.accepts("channel.message.posted"), "the verdict for the old patterns was kept");
    assertTrue(subs.accepts("agent.joined"));
    subs.set(List.of("agent.*", "channel.>"));
    assertTrue(subs.accepts("channel.message.posted"));
    subs.set(List.of());
    assertFalse(subs.accepts("channel.message.posted"));
    assertFalse(subs.accepts("agent.joined"));
  }
}
