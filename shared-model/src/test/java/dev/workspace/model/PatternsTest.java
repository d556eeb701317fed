package dev.workspace.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Collections;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class PatternsTest {

  @ParameterizedTest
  @ValueSource(strings = {
      "*",
      ">",
      "channel.message.posted",
      "channel.message.*",
      "channel.>",
      "*.message.*",
      "*.*",
      "*.>",
      "a.*.>",
      "a.b",
      "my_app.some-event.v2",
      "a1.*.c-d_e",
  })
  void acceptsValidPatterns(String pattern) {
    assertSame(pattern, Patterns.validate(pattern));
  }

  @Test
  void acceptsPatternsAtTheLimits() {
    String longest = "a." + "b".repeat(Patterns.DEFAULT_MAX_LENGTH - 2);
    assertEquals(Patterns.DEFAULT_MAX_LENGTH, longest.length());
    assertEquals(longest, Patterns.validate(longest));

    String most = String.join(".", Collections.nCopies(Patterns.DEFAULT_MAX_SEGMENTS, "*"));
    assertEquals(most, Patterns.validate(most));
  }

  @ParameterizedTest
  @NullAndEmptySource
  void rejectsMissingPatterns(String pattern) {
    assertInvalid(pattern);
  }

  @ParameterizedTest
  @ValueSource(strings = {">.a", "a.>.b", ">.>", "a.>.>", ">.*", "*.>.*"})
  void rejectsTailThatIsNotLast(String pattern) {
    ProtocolException e = assertInvalid(pattern);
    assertTrue(e.getMessage().contains("last segment"), e.getMessage());
  }

  @ParameterizedTest
  @ValueSource(strings = {"a..b", ".a.b", "a.b.", "a.", ".a", "..", ".", "*..*", "*.", ".>"})
  void rejectsEmptySegments(String pattern) {
    assertInvalid(pattern);
  }

  @ParameterizedTest
  @ValueSource(strings = {"channel", "a", "agent-x", "abc_1"})
  void rejectsASingleLiteralSegment(String pattern) {
    ProtocolException e = assertInvalid(pattern);
    assertTrue(e.getMessage().contains("never match"), e.getMessage());
  }

  @ParameterizedTest
  @ValueSource(strings = {"Channel.x", "a.B", "1a.b", "a._b", "a.b*", "a.*b", "a.>b", "a.b>", "a.**", "a.b c",
      "a.b:c", "a.#", "a.b/c", "**"})
  void rejectsBadSegments(String pattern) {
    assertInvalid(pattern);
  }

  @Test
  void rejectsPatternsLongerThanTheLimit() {
    String pattern = "a." + "b".repeat(Patterns.DEFAULT_MAX_LENGTH - 1);
    ProtocolException e = assertInvalid(pattern);
    assertTrue(e.getMessage().contains(String.valueOf(Patterns.DEFAULT_MAX_LENGTH)), e.getMessage());
  }

  @Test
  void rejectsTooManySegments() {
    String pattern = String.join(".", Collections.nCopies(Patterns.DEFAULT_MAX_SEGMENTS + 1, "a"));
    ProtocolException e = assertInvalid(pattern);
    assertTrue(e.getMessage().contains("segments"), e.getMessage());
  }

  @Test
  void honoursCustomLimits() {
    assertEquals("a.b.c", Patterns.validate("a.b.c", 5, 3));
    ProtocolException tooLong = assertThrows(ProtocolException.class, () -> Patterns.validate("a.b.cd", 5, 3));
    assertEquals(ErrorCode.INVALID_PATTERN, tooLong.code());
    ProtocolException tooMany = assertThrows(ProtocolException.class, () -> Patterns.validate("a.b.c.d", 100, 3));
    assertEquals(ErrorCode.INVALID_PATTERN, tooMany.code());
  }

  private static ProtocolException assertInvalid(String pattern) {
    ProtocolException e = assertThrows(ProtocolException.class, () -> Patterns.validate(pattern),
        () -> "expected '" + pattern + "' to be rejected");
    assertEquals(ErrorCode.INVALID_PATTERN, e.code());
    return e;
  }
}
