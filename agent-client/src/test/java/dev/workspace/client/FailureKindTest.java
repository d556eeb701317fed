package dev.workspace.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.workspace.model.ErrorCode;
import java.util.EnumMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FailureKindTest {

  @Test
  void everyServerErrorCodeMapsToItsKind() {
    Map<ErrorCode, FailureKind> expected = new EnumMap<>(ErrorCode.class);
    expected.put(ErrorCode.NOT_FOUND, FailureKind.NOT_FOUND);
    expected.put(ErrorCode.BAD_JSON, FailureKind.INVALID);
    expected.put(ErrorCode.INVALID_FRAME, FailureKind.INVALID);
    expected.put(ErrorCode.UNKNOWN_TYPE, FailureKind.INVALID);
    expected.put(ErrorCode.INVALID_EVENT, FailureKind.INVALID);
    expected.put(ErrorCode.INVALID_NAME, FailureKind.INVALID);
    expected.put(ErrorCode.INVALID_DESTINATION, FailureKind.INVALID);
    expected.put(ErrorCode.INVALID_PATTERN, FailureKind.INVALID);
    expected.put(ErrorCode.NOT_CONNECTED, FailureKind.INVALID);
    expected.put(ErrorCode.ALREADY_CONNECTED, FailureKind.INVALID);
    expected.put(ErrorCode.FORBIDDEN, FailureKind.REJECTED);
    expected.put(ErrorCode.NOT_MEMBER, FailureKind.REJECTED);
    expected.put(ErrorCode.LIMIT_EXCEEDED, FailureKind.REJECTED);
    expected.put(ErrorCode.RATE_LIMITED, FailureKind.REJECTED);
    expected.put(ErrorCode.TOO_LARGE, FailureKind.REJECTED);
    expected.put(ErrorCode.UNAUTHORIZED, FailureKind.UNAUTHORIZED);
    expected.put(ErrorCode.UNAVAILABLE, FailureKind.UNAVAILABLE);
    expected.put(ErrorCode.INTERNAL, FailureKind.UNAVAILABLE);

    assertEquals(ErrorCode.values().length, expected.size(), "the table names every code");
    for (ErrorCode code : ErrorCode.values()) {
      assertEquals(expected.get(code), FailureKind.of(code), code.wireName());
    }
  }

  @Test
  void aServerFailureCarriesItsCodeAndNoStackTrace() {
    WorkspaceException e = WorkspaceException.fromServer(ErrorCode.NOT_MEMBER,
        "publish channel.message.posted to channel:x failed: not_member");
    assertSame(FailureKind.REJECTED, e.kind());
    assertSame(ErrorCode.NOT_MEMBER, e.code());
    assertEquals("publish channel.message.posted to channel:x failed: not_member", e.getMessage());
    assertEquals(0, e.getStackTrace().length);
  }

  @Test
  void aClientFailureHasNoCode() {
    WorkspaceException e = new WorkspaceException(FailureKind.TIMEOUT, "no matching event within 5000 ms");
    assertSame(FailureKind.TIMEOUT, e.kind());
    assertNull(e.code());
    assertEquals(0, e.getStackTrace().length);
    assertEquals(0, e.getSuppressed().length);
  }
}
