package dev.workspace.client.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.workspace.model.Event;
import dev.workspace.model.Frame;
import dev.workspace.model.StreamPosition;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class StreamPositionsTest {
  private static final StreamPosition INBOX = new StreamPosition(4, "k3j2");
  private static final StreamPosition BROADCAST = new StreamPosition(17, "p0q9");

  private final StreamPositions positions = new StreamPositions();

  @BeforeEach
  void openFreshSession() {
    assertNull(positions.sessionOpened(INBOX, BROADCAST, Map.of(), null));
  }

  private static Event delivered(String destination, long offset) {
    return Event.of("agent.message", destination).withEventId("e" + offset).withOffset(offset);
  }

  @Test
  void aFreshSessionStartsFromTheAckPositions() {
    Frame.Recovery recovery = positions.recovery();
    assertEquals(INBOX, recovery.inbox());
    assertEquals(BROADCAST, recovery.broadcast());
    assertEquals(Map.of(), recovery.channels());
  }

  @Test
  void deliveredEventsAdvanceTheirStream() {
    positions.joined("general", new StreamPosition(12, "a1b2"));
    positions.delivered(delivered("channel:general", 13));
    positions.delivered(delivered("agent:alice", 5));
    positions.delivered(delivered("alice", 6));
    positions.delivered(delivered("agent:broadcast", 18));

    Frame.Recovery recovery = positions.recovery();
    assertEquals(Map.of("general", new StreamPosition(13, "a1b2")), recovery.channels());
    assertEquals(new StreamPosition(6, "k3j2"), recovery.inbox());
    assertEquals(new StreamPosition(18, "p0q9"), recovery.broadcast());
  }

  @Test
  void positionsNeverMoveBackwards() {
    positions.joined("general", new StreamPosition(12, "a1b2"));
    positions.delivered(delivered("channel:general", 20));
    positions.delivered(delivered("channel:general", 15));
    positions.delivered(delivered("agent:alice", 2));
    assertEquals(new StreamPosition(20, "a1b2"), positions.recovery().channels().get("general"));
    assertEquals(INBOX, positions.recovery().inbox());
  }

  @Test
  void eventsWithoutOffsetAndChannelsNotJoinedAreIgnored() {
    positions.delivered(Event.of("agent.joined", "agent:alice").withEventId("p1"));
    positions.delivered(delivered("channel:random", 99));
    Frame.Recovery recovery = positions.recovery();
    assertEquals(Map.of(), recovery.channels());
    assertEquals(INBOX, recovery.inbox());
  }

  @Test
  void ownAcksAdvanceChannelsAndBroadcastButNotTheInbox() {
    positions.joined("general", new StreamPosition(12, "a1b2"));
    positions.acknowledged("channel:general", 14);
    positions.acknowledged("agent:broadcast", 30);
    positions.acknowledged("agent:bob", 100);
    positions.acknowledged("channel:general", -1);
    Frame.Recovery recovery = positions.recovery();
    assertEquals(new StreamPosition(14, "a1b2"), recovery.channels().get("general"));
    assertEquals(new StreamPosition(30, "p0q9"), recovery.broadcast());
    assertEquals(INBOX, recovery.inbox());
  }

  @Test
  void joiningAgainKeepsAPositionAheadInTheSameEpochOnly() {
    positions.joined("general", new StreamPosition(12, "a1b2"));
    positions.delivered(delivered("channel:general", 15));
    positions.joined("general", new StreamPosition(14, "a1b2"));
    assertEquals(new StreamPosition(15, "a1b2"), positions.recovery().channels().get("general"));
    positions.joined("general", new StreamPosition(3, "new-epoch"));
    assertEquals(new StreamPosition(3, "new-epoch"), positions.recovery().channels().get("general"));
  }

  @Test
  void leavingForgetsTheChannelAndResetForgetsEverything() {
    positions.joined("general", new StreamPosition(12, "a1b2"));
    positions.joined("random", new StreamPosition(1, "r"));
    positions.left("general");
    assertEquals(Map.of("random", new StreamPosition(1, "r")), positions.recovery().channels());
    positions.reset();
    Frame.Recovery recovery = positions.recovery();
    assertEquals(Map.of(), recovery.channels());
    assertNull(recovery.inbox());
    assertNull(recovery.broadcast());
  }

  @Test
  void recoveredStreamsKeepTheirPositionAndTheOthersJumpToTheCurrentOne() {
    positions.joined("general", new StreamPosition(12, "a1b2"));
    positions.joined("random", new StreamPosition(7, "r1"));
    positions.joined("quiet", new StreamPosition(2, "q1"));
    StreamPositions.RecoveryReport report = new StreamPositions.RecoveryReport(
        Map.of("general", new StreamPositions.Report(true, new StreamPosition(15, "a1b2")),
            "random", new StreamPositions.Report(false, new StreamPosition(40, "r2"))),
        new StreamPositions.Report(false, new StreamPosition(9, "k-new")),
        new StreamPositions.Report(true, new StreamPosition(25, "p0q9")));

    StreamPositions.Outcome outcome = positions.sessionOpened(new StreamPosition(9, "k-new"),
        new StreamPosition(25, "p0q9"), Map.of(), report);

    assertEquals(Map.of("general", true, "random", false, "quiet", false), outcome.channels());
    assertFalse(outcome.inbox());
    assertTrue(outcome.broadcast());
    Frame.Recovery recovery = positions.recovery();
    assertEquals(new StreamPosition(12, "a1b2"), recovery.channels().get("general"),
        "a recovered channel keeps its last seen position: the replayed events advance it");
    assertEquals(new StreamPosition(40, "r2"), recovery.channels().get("random"));
    assertEquals(new StreamPosition(2, "q1"), recovery.channels().get("quiet"),
        "a channel the report leaves out keeps its position");
    assertEquals(new StreamPosition(9, "k-new"), recovery.inbox());
    assertEquals(BROADCAST, recovery.broadcast());
  }

  @Test
  void aStreamMissingFromTheReportIsNotRecoveredAndTakesTheAckPosition() {
    StreamPositions.RecoveryReport report = new StreamPositions.RecoveryReport(Map.of(), null, null);
    StreamPositions.Outcome outcome = positions.sessionOpened(new StreamPosition(1, "i2"),
        new StreamPosition(2, "b2"), Map.of(), report);
    assertFalse(outcome.inbox());
    assertFalse(outcome.broadcast());
    assertEquals(new StreamPosition(1, "i2"), positions.recovery().inbox());
    assertEquals(new StreamPosition(2, "b2"), positions.recovery().broadcast());
  }

  @Test
  void channelsTheServerKeptAreTrackedButTrackedOnesKeepTheirPosition() {
    positions.joined("general", new StreamPosition(12, "a1b2"));
    StreamPositions.RecoveryReport report = new StreamPositions.RecoveryReport(
        Map.of("general", new StreamPositions.Report(true, new StreamPosition(20, "a1b2"))),
        new StreamPositions.Report(true, INBOX), new StreamPositions.Report(true, BROADCAST));
    StreamPositions.Outcome outcome = positions.sessionOpened(INBOX, BROADCAST,
        Map.of("general", new StreamPosition(20, "a1b2"), "kept", new StreamPosition(8, "k1")), report);

    assertEquals(Map.of("general", true), outcome.channels(), "only the channels asked for are reported");
    assertEquals(Map.of("general", new StreamPosition(12, "a1b2"), "kept", new StreamPosition(8, "k1")),
        positions.recovery().channels());
  }

  @Test
  void theRecoverySnapshotDoesNotChangeWithLaterEvents() {
    positions.joined("general", new StreamPosition(12, "a1b2"));
    Frame.Recovery snapshot = positions.recovery();
    positions.delivered(delivered("channel:general", 13));
    assertEquals(new StreamPosition(12, "a1b2"), snapshot.channels().get("general"));
  }
}
