package dev.workspace.server.logging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

class LogIdsTest {
  @AfterEach
  void clean() {
    MDC.clear();
  }

  private static Map<String, String> mdc() {
    Map<String, String> m = MDC.getCopyOfContextMap();
    return m == null ? Map.of() : m;
  }

  @Test
  void aScopePutsItsIdsAndClosingLeavesNothing() {
    try (LogIds ids = LogIds.session("w1", "alice", "s1")) {
      assertEquals(Map.of("workspace", "w1", "agent", "alice", "session", "s1"), mdc());
    }
    assertEquals(Map.of(), mdc());
  }

  @Test
  void nestedScopesRestoreWhatWasThereBefore() {
    try (LogIds outer = LogIds.session("w1", "alice", "s1")) {
      try (LogIds same = LogIds.session("w1", "alice", "s1"); LogIds event = LogIds.event("e1")) {
        assertEquals(Map.of("workspace", "w1", "agent", "alice", "session", "s1", "event", "e1"), mdc());
      }
      assertEquals(Map.of("workspace", "w1", "agent", "alice", "session", "s1"), mdc());
      try (LogIds other = LogIds.session("w2", null, "s2")) {
        assertEquals(Map.of("workspace", "w2", "agent", "alice", "session", "s2"), mdc());
      }
      assertEquals(Map.of("workspace", "w1", "agent", "alice", "session", "s1"), mdc());
    }
    assertEquals(Map.of(), mdc());
  }

  @Test
  void aNullIdLeavesItsKeyAsItWas() {
    try (LogIds ids = LogIds.session(null, null, "s1"); LogIds none = LogIds.event(null)) {
      assertEquals(Map.of("session", "s1"), mdc());
      assertNull(MDC.get("event"));
    }
    assertEquals(Map.of(), mdc());
  }

  @Test
  void eachThreadHasItsOwnIds() throws Exception {
    try (LogIds ids = LogIds.session("w1", "alice", "s1")) {
      Map<String, String>[] seen = new Map[2];
      Thread t = new Thread(() -> {
        seen[0] = mdc();
        try (LogIds mine = LogIds.session("w1", "alice", "s1")) {
          seen[1] = mdc();
        }
      });
      t.start();
      t.join(10_000);
      assertEquals(Map.of(), seen[0]);
      assertEquals(Map.of("workspace", "w1", "agent", "alice", "session", "s1"), seen[1]);
      assertEquals(Map.of("workspace", "w1", "agent", "alice", "session", "s1"), mdc());
    }
  }
}
