package dev.workspace.server.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.workspace.server.core.Replay;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/** The interleavings of live events, replays and the before-open buffer, one stream gate at a time. */
class StreamGateTest {
  private static final String S = "channel:general";

  private final List<String> sent = new ArrayList<>();
  private final Predicate<byte[]> out = f -> sent.add(new String(f, StandardCharsets.UTF_8));

  private static byte[] frame(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private static Replay replay(long position, long... offsets) {
    List<byte[]> frames = new ArrayList<>();
    List<Long> list = new ArrayList<>();
    for (long o : offsets) {
      frames.add(frame("e" + o));
      list.add(o);
    }
    return new Replay(S, frames, list, position);
  }

  @Test
  void liveEventsDuringAnAttachWaitForTheMissedOnesAndFollowThemInOrder() {
    StreamGate gate = new StreamGate(1000);
    gate.hold(S);
    assertTrue(gate.deliver(S, 6, frame("e6"), out));
    assertTrue(gate.deliver(S, 7, frame("e7"), out));
    assertEquals(List.of(), sent);
    assertEquals(4, gate.heldBytes());
    assertTrue(gate.release(replay(5, 3, 4, 5), f -> true, out));
    assertEquals(List.of("e3", "e4", "e5", "e6", "e7"), sent);
    assertEquals(0, gate.heldBytes());
    assertTrue(gate.deliver(S, 8, frame("e8"), out));
    assertEquals(List.of("e3", "e4", "e5", "e6", "e7", "e8"), sent);
  }

  @Test
  void anOffsetAlreadySentIsDropped() {
    StreamGate gate = new StreamGate(1000);
    gate.hold(S);
    gate.release(replay(2, 1, 2), f -> true, out);
    assertTrue(gate.deliver(S, 2, frame("e2 again"), out));
    assertTrue(gate.deliver(S, 1, frame("e1 again"), out));
    assertTrue(gate.deliver(S, 3, frame("e3"), out));
    assertTrue(gate.deliver(S, 3, frame("e3 again"), out));
    assertTrue(gate.deliver("inbox:alice", 3, frame("another stream's 3"), out));
    assertEquals(List.of("e1", "e2", "e3", "another stream's 3"), sent);
  }

  @Test
  void aReplayOverlappingHeldEventsSendsEachOffsetOnce() {
    StreamGate gate = new StreamGate(1000);
    gate.hold(S);
    gate.deliver(S, 4, frame("live4"), out);
    gate.deliver(S, 5, frame("live5"), out);
    gate.deliver(S, 6, frame("live6"), out);
    gate.release(replay(5, 3, 4, 5), f -> true, out);
    assertEquals(List.of("e3", "e4", "e5", "live6"), sent);
  }

  @Test
  void heldEventsAtOrBelowTheAttachPositionAreNotSent() {
    StreamGate gate = new StreamGate(1000);
    gate.hold(S);
    gate.deliver(S, 9, frame("live9"), out);
    gate.deliver(S, 10, frame("live10"), out);
    gate.deliver(S, 11, frame("live11"), out);
    gate.release(replay(10), f -> true, out);
    assertEquals(List.of("live11"), sent);
    gate.deliver(S, 10, frame("late10"), out);
    assertEquals(List.of("live11"), sent);
  }

  @Test
  void aReplayedEventTheSessionDoesNotWantIsSkippedButCountsAsSent() {
    StreamGate gate = new StreamGate(1000);
    gate.hold(S);
    gate.deliver(S, 2, frame("e2"), out);
    gate.release(replay(1, 1, 2, 3), f -> !new String(f, StandardCharsets.UTF_8).equals("e2"), out);
    assertEquals(List.of("e1", "e3"), sent);
    gate.deliver(S, 2, frame("e2 again"), out);
    assertEquals(List.of("e1", "e3"), sent);
  }

  @Test
  void eventsWithoutAStreamWaitForTheSessionToOpen() {
    StreamGate gate = new StreamGate(1000);
    assertTrue(gate.deliver(null, -1, frame("joined"), out));
    assertTrue(gate.deliver(null, -1, frame("left"), out));
    assertEquals(List.of(), sent);
    assertTrue(gate.open(out));
    assertEquals(List.of("joined", "left"), sent);
    assertEquals(0, gate.heldBytes());
    assertTrue(gate.deliver(null, -1, frame("later"), out));
    assertEquals(List.of("joined", "left", "later"), sent);
  }

  @Test
  void whatIsHeldAndBufferedIsBounded() {
    StreamGate gate = new StreamGate(10);
    gate.hold(S);
    assertTrue(gate.deliver(null, -1, frame("12345"), out));
    assertTrue(gate.deliver(S, 1, frame("abcde"), out));
    assertFalse(gate.deliver(S, 2, frame("x"), out));
    assertEquals(List.of(), sent);
    assertEquals(11, gate.heldBytes());
  }

  @Test
  void aCancelledHoldFreesItsBytesAndLetsLiveEventsThrough() {
    StreamGate gate = new StreamGate(10);
    gate.hold(S);
    gate.deliver(S, 1, frame("12345"), out);
    gate.cancel(S);
    assertEquals(0, gate.heldBytes());
    assertTrue(gate.deliver(S, 2, frame("e2"), out));
    assertEquals(List.of("e2"), sent);
  }

  @Test
  void aRefusedWriteStopsTheRelease() {
    StreamGate gate = new StreamGate(1000);
    gate.hold(S);
    gate.deliver(S, 3, frame("e3"), out);
    List<String> taken = new ArrayList<>();
    assertFalse(gate.release(replay(2, 1, 2), f -> true, f -> taken.add(new String(f, StandardCharsets.UTF_8)) && false));
    assertEquals(List.of("e1"), taken);
    assertEquals(0, gate.heldBytes());
  }

  private static Replay replay(String epoch, long position, long... offsets) {
    Replay r = replay(position, offsets);
    return new Replay(r.stream(), r.frames(), r.offsets(), r.position(), epoch);
  }

  private static byte[] epochChanged(String epoch) {
    return frame("{\"type\":\"event\",\"event\":{\"event_name\":\"stream.gap\",\"payload\":{\"stream\":\"" + S
        + "\",\"reason\":\"epoch_changed\",\"epoch\":\"" + epoch + "\"}}}");
  }

  @Test
  void afterAnEpochChangeOffsetsOfTheOldEpochNoLongerHideNewEvents() {
    StreamGate gate = new StreamGate(1000);
    gate.hold(S);
    gate.release(replay("old", 61, 60, 61), f -> true, out);
    assertTrue(gate.deliver(S, -1, epochChanged("new"), out));
    assertTrue(gate.deliver(S, 61, frame("new 61"), out));
    assertTrue(gate.deliver(S, 61, frame("new 61 again"), out));
    assertTrue(gate.deliver(S, 60, frame("old 60 again"), out));
    assertTrue(gate.deliver(S, 62, frame("new 62"), out));
    assertEquals(List.of("e60", "e61", new String(epochChanged("new"), StandardCharsets.UTF_8), "new 61", "new 62"),
        sent);
  }

  @Test
  void anEpochChangeHeldDuringAnAttachToTheOldEpochStartsTheNewOneAfterTheReplay() {
    StreamGate gate = new StreamGate(1000);
    gate.hold(S);
    gate.deliver(S, 6, frame("old 6"), out);
    gate.deliver(S, -1, epochChanged("new"), out);
    gate.deliver(S, 5, frame("new 5"), out);
    gate.deliver(S, 6, frame("new 6"), out);
    assertTrue(gate.release(replay("old", 5, 4, 5), f -> true, out));
    assertEquals(List.of("e4", "e5", "old 6", new String(epochChanged("new"), StandardCharsets.UTF_8), "new 5",
        "new 6"), sent);
    assertTrue(gate.deliver(S, 6, frame("new 6 again"), out));
    assertEquals(6, sent.size());
  }

  @Test
  void anEpochChangeTheReplayAlreadyCameFromIsNotAnnouncedAgainNorRepeatsItsEvents() {
    StreamGate gate = new StreamGate(1000);
    gate.hold(S);
    gate.deliver(S, -1, epochChanged("new"), out);
    gate.deliver(S, 5, frame("new 5 live"), out);
    assertTrue(gate.release(replay("new", 5, 4, 5), f -> true, out));
    assertTrue(gate.deliver(S, -1, epochChanged("new"), out));
    assertTrue(gate.deliver(S, 6, frame("new 6"), out));
    assertEquals(List.of("e4", "e5", "new 6"), sent);
  }
}
