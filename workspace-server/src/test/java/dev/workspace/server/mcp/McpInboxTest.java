package dev.workspace.server.mcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/** The session inbox: sequence numbers, the count and byte bounds, overflow reported once, reads by cursor. */
class McpInboxTest {
  private static final Predicate<String> ALL = n -> true;

  private static ObjectNode event(String id) {
    return JsonNodeFactory.instance.objectNode().put("event_id", id);
  }

  private static List<Long> seqs(McpInbox.Read read) {
    return read.entries().stream().map(McpInbox.Entry::seq).toList();
  }

  @Test
  void readsFromTheCursorWithoutRemoving() {
    McpInbox inbox = new McpInbox(10, 10_000);
    assertEquals(1, inbox.add("a", "agent.message", event("a"), 10));
    assertEquals(2, inbox.add("b", "channel.message.posted", event("b"), 10));
    McpInbox.Read first = inbox.read(null, ALL, 50);
    assertEquals(List.of(1L, 2L), seqs(first));
    assertEquals(2, first.cursor());
    assertEquals(0, first.dropped());
    assertEquals(List.of(), seqs(inbox.read(null, ALL, 50)));
    assertEquals(List.of(2L), seqs(inbox.read(1L, ALL, 50)), "an old cursor reads again");
    assertEquals(2, inbox.cursor());
    assertEquals("b", inbox.find("b").eventId());
    assertNull(inbox.find("zz"));
  }

  @Test
  void countBoundDropsTheOldestAndTheNextReadSaysHowMany() {
    McpInbox inbox = new McpInbox(3, 10_000);
    for (int i = 1; i <= 5; i++) {
      inbox.add("e" + i, "agent.message", event("e" + i), 10);
    }
    assertEquals(3, inbox.size());
    assertEquals(2, inbox.droppedTotal());
    McpInbox.Read read = inbox.read(null, ALL, 50);
    assertEquals(2, read.dropped());
    assertEquals(List.of(3L, 4L, 5L), seqs(read));
    assertEquals(5, read.cursor());
    McpInbox.Read again = inbox.read(null, ALL, 50);
    assertEquals(0, again.dropped(), "an overflow is reported once");
    assertTrue(again.entries().isEmpty());
  }

  @Test
  void byteBoundDropsTheOldestButKeepsAnEventLargerThanTheBoundAlone() {
    McpInbox inbox = new McpInbox(100, 100);
    inbox.add("a", "agent.message", event("a"), 40);
    inbox.add("b", "agent.message", event("b"), 40);
    inbox.add("c", "agent.message", event("c"), 40);
    assertEquals(2, inbox.size());
    assertEquals(80, inbox.bytes());
    inbox.add("d", "agent.message", event("d"), 500);
    assertEquals(1, inbox.size());
    assertEquals(500, inbox.bytes());
    McpInbox.Read read = inbox.read(0L, ALL, 50);
    assertEquals(3, read.dropped());
    assertEquals(List.of(4L), seqs(read));
  }

  @Test
  void filterAndLimitLeaveTheRestForLaterReads() {
    McpInbox inbox = new McpInbox(10, 10_000);
    inbox.add("a", "channel.message.posted", event("a"), 10);
    inbox.add("b", "channel.message.mentioned", event("b"), 10);
    inbox.add("c", "agent.message", event("c"), 10);
    inbox.add("d", "channel.message.mentioned", event("d"), 10);
    Predicate<String> mentions = "channel.message.mentioned"::equals;
    assertTrue(inbox.hasAfter(null, mentions));
    McpInbox.Read one = inbox.read(null, mentions, 1);
    assertEquals(List.of(2L), seqs(one));
    assertEquals(2, one.cursor());
    assertEquals(List.of(4L), seqs(inbox.read(null, mentions, 10)));
    assertFalse(inbox.hasAfter(null, mentions));
    assertEquals(List.of(1L, 2L, 3L, 4L), seqs(inbox.read(0L, ALL, 10)), "filtered events stay readable by cursor");
    assertFalse(inbox.hasAfter(null, ALL));
  }

  @Test
  void aCursorBeyondTheDroppedEventsReportsNothingDropped() {
    McpInbox inbox = new McpInbox(2, 10_000);
    for (int i = 1; i <= 4; i++) {
      inbox.add("e" + i, "agent.message", event("e" + i), 10);
    }
    McpInbox.Read read = inbox.read(3L, ALL, 10);
    assertEquals(0, read.dropped());
    assertEquals(List.of(4L), seqs(read));
    assertTrue(inbox.hasAfter(0L, ALL), "a cursor before the drop has something to hear: the drop");
  }
}
