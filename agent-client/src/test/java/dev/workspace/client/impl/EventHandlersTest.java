package dev.workspace.client.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.workspace.model.Event;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class EventHandlersTest {
  private final EventHandlers handlers = new EventHandlers();
  private final List<String> calls = new ArrayList<>();
  private final List<Throwable> failures = new ArrayList<>();

  private static Event event(String name) {
    return Event.of(name, "agent:alice").withEventId("e-" + name);
  }

  private int dispatch(String name) {
    return handlers.dispatch(event(name), failures::add);
  }

  @Test
  void aHandlerGetsOnlyTheEventsItsPatternsMatch() {
    handlers.add(e -> calls.add("channels:" + e.eventName()), List.of("channel.>"));
    handlers.add(e -> calls.add("messages:" + e.eventName()), List.of("*.message"));

    assertEquals(1, dispatch("channel.message.posted"));
    assertEquals(1, dispatch("agent.message"));
    assertEquals(0, dispatch("agent.joined"));
    assertEquals(1, dispatch("channel.joined"));

    assertEquals(List.of("channels:channel.message.posted", "messages:agent.message", "channels:channel.joined"),
        calls);
    assertTrue(failures.isEmpty());
  }

  @Test
  void aHandlerUnderSeveralMatchingPatternsIsCalledOnce() {
    handlers.add(e -> calls.add(e.eventName()), List.of("*", "channel.>", "channel.message.posted",
        "*.message.*"));
    assertEquals(1, dispatch("channel.message.posted"));
    assertEquals(List.of("channel.message.posted"), calls);
  }

  @Test
  void theBarePatternsMatchEveryEvent() {
    handlers.add(e -> calls.add("star:" + e.eventName()), List.of("*"));
    handlers.add(e -> calls.add("tail:" + e.eventName()), List.of(">"));
    assertEquals(2, dispatch("a.b"));
    assertEquals(2, dispatch("a.b.c.d"));
    assertEquals(List.of("star:a.b", "tail:a.b", "star:a.b.c.d", "tail:a.b.c.d"), calls);
  }

  @Test
  void aRemovedHandlerIsNotCalledAndRemovingTwiceIsHarmless() {
    EventHandlers.Entry first = handlers.add(e -> calls.add("first"), List.of("agent.message"));
    handlers.add(e -> calls.add("second"), List.of("agent.message"));

    assertTrue(handlers.remove(first));
    assertFalse(handlers.remove(first));
    assertEquals(1, dispatch("agent.message"));
    assertEquals(List.of("second"), calls);
  }

  @Test
  void aHandlerRemovedByAnEarlierHandlerOfTheSameDispatchIsNotCalled() {
    EventHandlers.Entry[] victim = new EventHandlers.Entry[1];
    handlers.add(e -> {
      calls.add("remover");
      handlers.remove(victim[0]);
    }, List.of("*"));
    victim[0] = handlers.add(e -> calls.add("victim"), List.of("agent.message"));

    assertEquals(1, dispatch("agent.message"));
    assertEquals(List.of("remover"), calls);
  }

  @Test
  void aThrowingHandlerIsReportedAndTheOthersStillRun() {
    IllegalStateException boom = new IllegalStateException("boom");
    handlers.add(e -> {
      throw boom;
    }, List.of("*"));
    handlers.add(e -> calls.add("after"), List.of("agent.message"));

    assertEquals(2, dispatch("agent.message"));
    assertEquals(List.of("after"), calls);
    assertEquals(1, failures.size());
    assertSame(boom, failures.get(0));
  }

  @Test
  void theEntryKeepsItsPatterns() {
    EventHandlers.Entry entry = handlers.add(e -> { }, List.of("a.b", "c.>"));
    assertEquals(List.of("a.b", "c.>"), entry.patterns);
    assertTrue(entry.active);
    handlers.remove(entry);
    assertFalse(entry.active);
    assertEquals(0, dispatch("a.b"));
  }
}
