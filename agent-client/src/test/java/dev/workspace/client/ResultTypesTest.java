package dev.workspace.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.workspace.model.FrameCodec;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ResultTypesTest {

  @Test
  void historyQueriesCheckTheirBounds() {
    assertEquals(new HistoryQuery(null, null, 50), HistoryQuery.latest(50));
    assertEquals(new HistoryQuery(12L, null, 10), HistoryQuery.before(12, 10));
    assertEquals(new HistoryQuery(null, 3L, 10), HistoryQuery.after(3, 10));
    assertNull(new HistoryQuery(null, null, null).limit());
    assertThrows(IllegalArgumentException.class, () -> HistoryQuery.latest(0));
    assertThrows(IllegalArgumentException.class, () -> HistoryQuery.before(-1, 10));
    assertThrows(IllegalArgumentException.class, () -> HistoryQuery.after(-1, 10));
  }

  @Test
  void agentCapabilitiesComeFromTheMetadata() {
    var meta = FrameCodec.DEFAULT.parseObject("{\"capabilities\":[\"search\",7,\"summarize\"]}");
    assertEquals(List.of("search", "summarize"), new AgentInfo("a", meta, 0, "online", "n").capabilities());
    var noCaps = FrameCodec.DEFAULT.parseObject("{\"capabilities\":\"search\"}");
    assertEquals(List.of(), new AgentInfo("a", noCaps, 0, "online", "n").capabilities());
  }

  @Test
  void aRecoveryIsFullOnlyWhenEveryStreamRecovered() {
    assertTrue(new LifecycleEvent(LifecycleEvent.Type.RECOVERED, -1, "", Map.of("general", true), true, true)
        .fullyRecovered());
    assertFalse(new LifecycleEvent(LifecycleEvent.Type.RECOVERED, -1, "", Map.of("general", false), true, true)
        .fullyRecovered());
    assertFalse(new LifecycleEvent(LifecycleEvent.Type.RECOVERED, -1, "", Map.of(), false, true).fullyRecovered());
    assertEquals("", new LifecycleEvent(LifecycleEvent.Type.CLOSED, 1000, null, Map.of(), false, false).reason());
  }
}
