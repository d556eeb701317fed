package dev.workspace.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Collections;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class EventNamesTest {

  private static String segments(int count) {
    return String.join(".", Collections.nCopies(count, "a"));
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "channel.message.posted",
      "a.b",
      "agent.message",
      "my_app.some-event",
      "a1.b2.c3",
      "a_.b-",
      "x.y_z-9",
      "a0-_.z",
  })
  void acceptsValidNames(String name) {
    assertSame(name, EventNames.validate(name));
  }

  @Test
  void acceptsTheServerEventNames() {
    for (String name : new String[] {EventNames.CHANNEL_MESSAGE_POSTED, EventNames.CHANNEL_MESSAGE_MENTIONED,
        EventNames.CHANNEL_JOINED, EventNames.CHANNEL_LEFT, EventNames.AGENT_MESSAGE, EventNames.AGENT_JOINED,
        EventNames.AGENT_LEFT, EventNames.AGENT_RESPONSE, EventNames.AGENT_BROADCAST}) {
      assertEquals(name, EventNames.validate(name));
    }
  }

  @Test
  void acceptsNamesAtTheLimits() {
    String longest = "a." + "b".repeat(EventNames.MAX_LENGTH - 2);
    assertEquals(EventNames.MAX_LENGTH, longest.length());
    assertEquals(longest, EventNames.validate(longest));

    String most = segments(EventNames.MAX_SEGMENTS);
    assertEquals(most, EventNames.validate(most));
  }

  @ParameterizedTest
  @NullAndEmptySource
  void rejectsMissingNames(String name) {
    ProtocolException e = assertInvalid(name);
    assertTrue(e.getMessage().contains("required"), e.getMessage());
  }

  @ParameterizedTest
  @ValueSource(strings = {"agent", "channel", "a", "abc-def_1"})
  void rejectsOneSegment(String name) {
    ProtocolException e = assertInvalid(name);
    assertTrue(e.getMessage().contains("two"), e.getMessage());
  }

  @ParameterizedTest
  @ValueSource(strings = {"a..b", ".a.b", "a.b.", ".", "..", "a.", ".a"})
  void rejectsEmptySegments(String name) {
    ProtocolException e = assertInvalid(name);
    assertTrue(e.getMessage().contains("empty segment"), e.getMessage());
  }

  @ParameterizedTest
  @ValueSource(strings = {"1a.b", "a.1b", "a.b.9", "_a.b", "a.-b", "a._"})
  void rejectsSegmentsNotStartingWithALetter(String name) {
    ProtocolException e = assertInvalid(name);
    assertTrue(e.getMessage().contains("start with a lowercase letter"), e.getMessage());
  }

  @ParameterizedTest
  @ValueSource(strings = {"Agent.message", "agent.Message", "A.B", "AGENT.MESSAGE"})
  void rejectsUppercaseFirstLetters(String name) {
    assertInvalid(name);
  }

  @ParameterizedTest
  @ValueSource(strings = {"agent.messAge", "agent.mEssage", "a.b c", "a.b*", "a.*", "a.>", "a.b:c", "a.b/c",
      "a.b$", "a.bé", "a.b\u0000", "a.b+c", "a.b\n"})
  void rejectsBadCharacters(String name) {
    assertInvalid(name);
  }

  @Test
  void rejectsNamesLongerThanTheLimit() {
    String name = "a." + "b".repeat(EventNames.MAX_LENGTH - 1);
    assertEquals(EventNames.MAX_LENGTH + 1, name.length());
    ProtocolException e = assertInvalid(name);
    assertTrue(e.getMessage().contains(String.valueOf(EventNames.MAX_LENGTH)), e.getMessage());
  }

  @Test
  void rejectsTooManySegments() {
    ProtocolException e = assertInvalid(segments(EventNames.MAX_SEGMENTS + 1));
    assertTrue(e.getMessage().contains("segments"), e.getMessage());
    assertInvalid(segments(40));
  }

  @Test
  void reservedNamesAreValidButReserved() {
    assertEquals(java.util.Set.of("channel.message.mentioned", "channel.joined", "channel.left", "agent.joined",
        "agent.left", "agent.updated", "stream.gap", "server.draining"), EventNames.RESERVED);
    for (String name : EventNames.RESERVED) {
      assertEquals(name, EventNames.validate(name));
    }
    assertTrue(!EventNames.RESERVED.contains(EventNames.CHANNEL_MESSAGE_POSTED));
    assertTrue(!EventNames.RESERVED.contains(EventNames.AGENT_MESSAGE));
  }

  private static ProtocolException assertInvalid(String name) {
    ProtocolException e = assertThrows(ProtocolException.class, () -> EventNames.validate(name),
        () -> "expected '" + name + "' to be rejected");
    assertEquals(ErrorCode.INVALID_NAME, e.code());
    assertNull(e.requestId());
    return e;
  }
}
