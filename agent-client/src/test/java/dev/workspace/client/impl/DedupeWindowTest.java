package dev.workspace.client.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class DedupeWindowTest {

  @Test
  void anIdIsFirstSeenOnceThenADuplicate() {
    DedupeWindow window = new DedupeWindow(10);
    assertTrue(window.firstSeen("e-1"));
    assertFalse(window.firstSeen("e-1"));
    assertFalse(window.firstSeen("e-1"));
    assertTrue(window.firstSeen("e-2"));
    assertEquals(2, window.size());
  }

  @Test
  void theWindowForgetsTheOldestIdPastItsBound() {
    DedupeWindow window = new DedupeWindow(3);
    assertTrue(window.firstSeen("a"));
    assertTrue(window.firstSeen("b"));
    assertTrue(window.firstSeen("c"));
    assertTrue(window.firstSeen("d"));
    assertEquals(3, window.size());
    assertFalse(window.firstSeen("d"));
    assertFalse(window.firstSeen("c"));
    assertTrue(window.firstSeen("a"), "a was the oldest and must have been forgotten");
    assertEquals(3, window.size());
  }

  @Test
  void aDuplicateRefreshesItsId() {
    DedupeWindow window = new DedupeWindow(3);
    window.firstSeen("a");
    window.firstSeen("b");
    window.firstSeen("c");
    assertFalse(window.firstSeen("a"));
    assertTrue(window.firstSeen("d"));
    assertFalse(window.firstSeen("a"), "a was seen again recently and stays in the window");
    assertTrue(window.firstSeen("b"), "b became the oldest and was forgotten");
  }

  @Test
  void theWindowStaysBoundedUnderManyIds() {
    DedupeWindow window = new DedupeWindow(100);
    for (int i = 0; i < 10_000; i++) {
      assertTrue(window.firstSeen("e-" + i));
    }
    assertEquals(100, window.size());
    assertFalse(window.firstSeen("e-9999"));
    assertTrue(window.firstSeen("e-0"));
  }
}
