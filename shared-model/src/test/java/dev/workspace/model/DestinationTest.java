package dev.workspace.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.workspace.model.Destination.Kind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class DestinationTest {

  @ParameterizedTest
  @CsvSource({
      "agent:alice,        AGENT,     alice,     agent:alice",
      "alice,              AGENT,     alice,     agent:alice",
      "agent:Bot-1.v2_x,   AGENT,     Bot-1.v2_x, agent:Bot-1.v2_x",
      "9lives,             AGENT,     9lives,    agent:9lives",
      "agent:system,       AGENT,     system,    agent:system",
      "system,             AGENT,     system,    agent:system",
      "channel:general,    CHANNEL,   general,   channel:general",
      "channel:Team.Ops-1, CHANNEL,   Team.Ops-1, channel:Team.Ops-1",
      "channel:broadcast,  CHANNEL,   broadcast, channel:broadcast",
      "channel:agent,      CHANNEL,   agent,     channel:agent",
      "agent:broadcast,    BROADCAST, broadcast, agent:broadcast",
      "broadcast,          BROADCAST, broadcast, agent:broadcast",
      "agent:channel,      AGENT,     channel,   agent:channel",
      "pool:summarize,     POOL,      summarize, pool:summarize",
  })
  void parsesEachForm(String text, Kind kind, String name, String canonical) {
    Destination d = Destination.parse(text);
    assertEquals(kind, d.kind());
    assertEquals(name, d.name());
    assertEquals(canonical, d.toString());
    assertEquals(d, Destination.parse(d.toString()), "the canonical form parses back to the same destination");
  }

  @Test
  void broadcastIsTheSharedConstant() {
    assertSame(Destination.BROADCAST, Destination.parse("agent:broadcast"));
    assertSame(Destination.BROADCAST, Destination.parse("broadcast"));
    assertEquals("agent:broadcast", Destination.BROADCAST.toString());
  }

  @Test
  void longestIdIsAccepted() {
    String id = "a".repeat(Ids.MAX_LENGTH);
    assertEquals(new Destination(Kind.AGENT, id), Destination.parse("agent:" + id));
    assertEquals(new Destination(Kind.CHANNEL, id), Destination.parse("channel:" + id));
  }

  @Test
  void factoriesBuildTheSameAsParse() {
    assertEquals(Destination.parse("agent:bob"), Destination.agent("bob"));
    assertEquals(Destination.parse("channel:ops"), Destination.channel("ops"));
    assertEquals("agent:bob", Destination.agent("bob").toString());
    assertEquals("channel:ops", Destination.channel("ops").toString());
    assertInvalid(() -> Destination.agent("bad id"));
    assertInvalid(() -> Destination.channel(""));
  }

  @ParameterizedTest
  @NullAndEmptySource
  @ValueSource(strings = {
      "agent:",
      "channel:",
      "agent:bad id",
      "channel:bad id",
      "agent:-lead",
      "channel:_lead",
      ".lead",
      "agent:a:b",
      "channel:a:b",
      "channel:",
      "queue:x",
      "Agent:x",
      "CHANNEL:x",
      ":x",
      "agent: x",
      "x/y",
      "agent:é",
  })
  void rejectsMalformedDestinations(String text) {
    assertInvalid(() -> Destination.parse(text));
  }

  @Test
  void rejectsIdsLongerThanTheLimit() {
    String id = "a".repeat(Ids.MAX_LENGTH + 1);
    assertInvalid(() -> Destination.parse(id));
    assertInvalid(() -> Destination.parse("agent:" + id));
    assertInvalid(() -> Destination.parse("channel:" + id));
  }

  @Test
  void recordRejectsNullParts() {
    assertThrows(NullPointerException.class, () -> new Destination(null, "x"));
    assertThrows(NullPointerException.class, () -> new Destination(Kind.AGENT, null));
  }

  @Test
  void eventExposesItsParsedDestination() {
    assertEquals(Destination.channel("general"), Event.of("channel.message.posted", "channel:general").destination());
    ProtocolException e = assertThrows(ProtocolException.class, () -> Event.of("a.b", "nope:x").destination());
    assertEquals(ErrorCode.INVALID_DESTINATION, e.code());
  }

  private static void assertInvalid(org.junit.jupiter.api.function.Executable call) {
    ProtocolException e = assertThrows(ProtocolException.class, call);
    assertEquals(ErrorCode.INVALID_DESTINATION, e.code());
  }
}
