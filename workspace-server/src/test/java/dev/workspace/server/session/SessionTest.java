package dev.workspace.server.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.workspace.model.ErrorCode;
import dev.workspace.model.ProtocolException;
import dev.workspace.server.ServerOptions;
import dev.workspace.server.edge.Authenticator;
import dev.workspace.server.testing.RecordingTransport;
import dev.workspace.server.testing.SessionFixture;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A session driven without any socket: a recording transport on one side, the routing core over the in-memory
 * broker on the other. Every frame the session wrote is asserted, and that nothing else was.
 */
class SessionTest {
  /** Token mode, where every identity is proven before {@code connect} (as by a token at the handshake). */
  private static final Authenticator TOKENS = new Authenticator() {
    @Override
    public boolean required() {
      return true;
    }

    @Override
    public Future<Identity> verify(String token) {
      return Future.failedFuture(new ProtocolException(ErrorCode.UNAUTHORIZED, "no such token"));
    }
  };

  private SessionFixture node;

  @AfterEach
  void stop() {
    node.close();
  }

  private static String type(JsonNode frame) {
    return frame.path("type").asText();
  }

  private static void assertError(ErrorCode code, JsonNode frame) {
    assertEquals("error", type(frame), frame.toString());
    assertEquals(code.wireName(), frame.path("code").asText(), frame.toString());
  }

  private static String post(String channel, String text) {
    return "{\"type\":\"publish\",\"event\":{\"event_name\":\"channel.message.posted\",\"destination_id\":\"channel:"
        + channel + "\",\"payload\":{\"text\":\"" + text + "\"}}}";
  }

  @Test
  void connectOpensTheSessionAndAnswersWithItsTypedResult() {
    node = new SessionFixture();
    RecordingTransport alice = node.open(null);
    ObjectNode ack = alice.connect("\"agent_id\":\"alice\",\"metadata\":{\"name\":\"Alice\"}");
    assertEquals(alice.session().sessionId(), ack.get("session_id").asText());
    assertEquals("alice", ack.get("agent_id").asText());
    assertEquals("default", ack.get("workspace").asText());
    assertEquals("n1", ack.get("node_id").asText());
    assertEquals(0, ack.get("inbox").get("offset").asLong());
    assertEquals(0, ack.get("broadcast").get("offset").asLong());
    assertEquals("{}", ack.get("channels").toString());
    assertFalse(ack.has("recovery"));
    assertEquals(new ServerOptions().getPingInterval().toMillis(), ack.get("ping_interval_ms").asLong());
    assertEquals("[\"*\"]", ack.get("subscriptions").toString());

    RecordingTransport bob = node.open(null);
    bob.connect("\"agent_id\":\"bob\",\"subscriptions\":[\"channel.>\"]");
    ObjectNode joined = alice.nextEvent();
    assertEquals("agent.joined", joined.get("event_name").asText());
    assertEquals("bob", joined.get("payload").get("agent_id").asText());
    assertError(ErrorCode.ALREADY_CONNECTED, alice.request("{\"type\":\"connect\",\"agent_id\":\"alice\"}"));
    alice.assertNothingElse();
    bob.assertNothingElse();
    assertTrue(alice.wasOpened());
    assertTrue(alice.session().isOpen());
    assertEquals(2, node.sessionCount());
  }

  @Test
  void joinAndReconnectRecoverWhatWasMissedInOffsetOrder() {
    node = new SessionFixture();
    RecordingTransport alice = node.open(null);
    alice.connect("\"agent_id\":\"alice\"");
    String epoch = alice.request("{\"type\":\"join\",\"channel\":\"general\"}").get("result").get("epoch").asText();
    for (int i = 1; i <= 3; i++) {
      assertEquals(i, alice.request(post("general", "m" + i)).get("result").get("offset").asLong());
    }
    RecordingTransport bob = node.open(null);
    bob.connect("\"agent_id\":\"bob\",\"subscriptions\":[\"channel.message.*\"]");
    ObjectNode join = bob.request("{\"type\":\"join\",\"channel\":\"general\",\"since\":{\"offset\":1,\"epoch\":\""
        + epoch + "\"}}").with("result");
    assertEquals("{\"channel\":\"general\",\"offset\":3,\"epoch\":\"" + epoch + "\",\"members\":2,\"recovered\":true}",
        join.toString());
    assertEquals(2, bob.nextEvent().get("offset").asLong());
    assertEquals(3, bob.nextEvent().get("offset").asLong());
    bob.assertNothingElse();

    bob.session().close((short) 1000, "bye");
    assertEquals("1000 bye", bob.awaitClose());
    alice.request(post("general", "m4"));
    alice.request(post("general", "m5"));
    RecordingTransport again = node.open(null);
    ObjectNode ack = again.connect("\"agent_id\":\"bob\",\"subscriptions\":[\"channel.message.*\"],"
        + "\"recover\":{\"channels\":{\"general\":{\"offset\":3,\"epoch\":\"" + epoch + "\"}}}");
    assertEquals("{\"channels\":{\"general\":{\"recovered\":true,\"offset\":5,\"epoch\":\"" + epoch + "\"}}}",
        ack.get("recovery").toString());
    List<String> texts = new ArrayList<>();
    texts.add(again.nextEvent().get("payload").get("text").asText());
    texts.add(again.nextEvent().get("payload").get("text").asText());
    assertEquals(List.of("m4", "m5"), texts);
    again.assertNothingElse();
  }

  @Test
  void aTokensChannelPermissionsRefuseJoinAndPublish() {
    node = new SessionFixture(new ServerOptions(), TOKENS);
    RecordingTransport bob = node.open(new Authenticator.Identity("default", "bob", 0, null));
    bob.connect("\"subscriptions\":[\"channel.message.*\"]");
    bob.request("{\"type\":\"join\",\"channel\":\"general\"}");
    RecordingTransport carol = node.open(new Authenticator.Identity("default", "carol", 0, List.of("team-*")));
    ObjectNode ack = carol.connect("\"agent_id\":\"carol\"");
    assertEquals("carol", ack.get("agent_id").asText());
    assertError(ErrorCode.FORBIDDEN, carol.request("{\"type\":\"join\",\"channel\":\"general\"}"));
    ObjectNode refused = carol.request(post("general", "sneaky"));
    assertError(ErrorCode.FORBIDDEN, refused);
    assertEquals("the token does not allow channel 'general'", refused.get("message").asText());
    assertError(ErrorCode.FORBIDDEN, carol.request("{\"type\":\"history\",\"channel\":\"general\"}"));
    assertEquals("ack", type(carol.request("{\"type\":\"join\",\"channel\":\"team-a\"}")));
    assertEquals("ack", type(carol.request(post("team-a", "allowed"))));
    ObjectNode channels = carol.request("{\"type\":\"list_channels\"}").with("result");
    assertEquals(List.of("team-a"), channels.findValuesAsText("name"));
    carol.assertNothingElse();
    bob.assertNothingElse();

    RecordingTransport mallory = node.open(new Authenticator.Identity("default", "mallory", 0, null));
    assertError(ErrorCode.FORBIDDEN, mallory.request("{\"type\":\"connect\",\"agent_id\":\"bob\"}"));
    RecordingTransport nobody = node.open(null);
    assertError(ErrorCode.UNAUTHORIZED, nobody.request("{\"type\":\"connect\",\"agent_id\":\"bob\"}"));
    assertEquals("4001 unauthorized", nobody.awaitClose());
  }

  @Test
  void framesPastTheRateAreRefusedThenTheSessionIsClosedAsFlooding() {
    node = new SessionFixture(new ServerOptions().setMaxFramesPerSecond(1).setFrameBurst(5), Authenticator.NONE);
    RecordingTransport t = node.open(null);
    t.send(IntStream.rangeClosed(1, 11).mapToObj(i -> "{\"type\":\"ping\",\"id\":\"p" + i + "\"}")
        .toArray(String[]::new));
    for (int i = 1; i <= 5; i++) {
      ObjectNode pong = t.next();
      assertEquals("pong", type(pong));
      assertEquals("p" + i, pong.get("id").asText());
    }
    for (int i = 6; i <= 10; i++) {
      ObjectNode refused = t.next();
      assertError(ErrorCode.RATE_LIMITED, refused);
      assertEquals("p" + i, refused.get("id").asText());
    }
    assertEquals("4008 flooding: kept sending past 1 frames per second", t.awaitClose());
    assertFalse(t.session().isOpen());
  }

  @Test
  void mistakesInARowCloseTheSessionAndAnAnswerEndsTheRun() {
    node = new SessionFixture(new ServerOptions().setMaxErrorsInRow(3), Authenticator.NONE);
    RecordingTransport watcher = node.open(null);
    watcher.connect("\"agent_id\":\"watcher\",\"subscriptions\":[\"agent.*\"]");
    RecordingTransport t = node.open(null);
    t.connect("\"agent_id\":\"alice\"");
    assertError(ErrorCode.UNKNOWN_TYPE, t.request("{\"type\":\"dance\"}"));
    assertError(ErrorCode.INVALID_FRAME, t.request("{\"type\":\"join\"}"));
    assertEquals("ack", type(t.request("{\"type\":\"list_channels\"}")));
    assertError(ErrorCode.NOT_FOUND, t.request("{\"type\":\"members\",\"channel\":\"nowhere\"}"));
    assertError(ErrorCode.UNKNOWN_TYPE, t.request("{\"type\":\"dance\"}"));
    assertError(ErrorCode.NOT_MEMBER, t.request("{\"type\":\"leave\",\"channel\":\"general\"}"));
    assertError(ErrorCode.UNKNOWN_TYPE, t.request("{\"type\":\"dance\"}"));
    assertEquals("4008 3 errors in a row", t.awaitClose());
    assertEquals("agent.joined", watcher.nextEvent().get("event_name").asText());
    ObjectNode left = watcher.nextEvent();
    assertEquals("agent.left", left.get("event_name").asText());
    assertEquals("alice", left.get("source_id").asText());
    watcher.assertNothingElse();
  }

  @Test
  void aFullTransportClosesTheSessionAsASlowConsumer() {
    node = new SessionFixture();
    RecordingTransport alice = node.open(null);
    alice.connect("\"agent_id\":\"alice\"");
    alice.request("{\"type\":\"join\",\"channel\":\"general\"}");
    RecordingTransport bob = node.open(null);
    bob.connect("\"agent_id\":\"bob\"");
    bob.request("{\"type\":\"join\",\"channel\":\"general\"}");
    assertEquals("agent.joined", alice.nextEvent().get("event_name").asText());
    assertEquals("channel.joined", alice.nextEvent().get("event_name").asText());
    alice.assertNothingElse();
    alice.acceptOnly(0);
    bob.request(post("general", "you will not read this"));
    assertEquals("4004 outbound queue passed " + new ServerOptions().getOutboundQueueBytes() + " bytes",
        alice.awaitClose());
    ObjectNode left = bob.nextEvent();
    assertEquals("channel.left", left.get("event_name").asText());
    assertEquals("alice", left.get("payload").get("agent_id").asText());
  }
}
