package dev.workspace.model;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class FrameCodecTest {
  private static final FrameCodec CODEC = FrameCodec.DEFAULT;

  private static ObjectNode json(String text) {
    return CODEC.parseObject(text);
  }

  private static Event fullEvent() {
    ObjectNode payload = json("{\"text\":\"hi @bob\",\"n\":3,\"pi\":3.5,\"ok\":true,\"none\":null,"
        + "\"list\":[1,\"two\",{\"three\":3}],\"nested\":{\"deep\":{\"x\":\"y\"}},\"unicode\":\"é\\u2603\\\"q\\\"\"}");
    ObjectNode metadata = json("{\"trace\":\"abc\",\"tags\":[\"x\"]}");
    return Event.create("evt-1", "channel.message.posted", "alice", "channel:general", payload, metadata,
        1_700_000_000_123L, "evt-0", true, 42);
  }

  private static Event minimalEvent() {
    return Event.of("agent.message", "agent:bob");
  }

  // ------------------------------------------------------------------ round trips

  static Stream<Arguments> clientFrames() {
    Map<String, StreamPosition> channels = new LinkedHashMap<>();
    channels.put("general", new StreamPosition(10, "e1"));
    channels.put("ops", new StreamPosition(0, "e2"));
    return Stream.of(
        new Frame.Connect("c1", "team", "alice", "tok.en.sig", json("{\"name\":\"Alice\",\"capabilities\":[\"x\"]}"),
            List.of("*", "channel.>"), new Frame.Recovery(channels, new StreamPosition(5, "in"),
                new StreamPosition(7, "bc"))),
        new Frame.Connect(null, null, null, null, null, null, null),
        new Frame.Connect("c2", null, "bob", null, null, List.of(), new Frame.Recovery(Map.of(), null, null)),
        new Frame.Publish("p1", fullEvent()),
        new Frame.Publish("p2", minimalEvent()),
        new Frame.Publish("p3", Event.of("agent.broadcast", "agent:broadcast").withOffset(0)),
        new Frame.Subscribe("s1", List.of("channel.message.*", "agent.>", "*")),
        new Frame.Subscribe("s2", List.of()),
        new Frame.Unsubscribe("u1", List.of("channel.message.*")),
        new Frame.Join("j1", "general", null),
        new Frame.Join("j2", "general", new StreamPosition(99, "epoch-1")),
        new Frame.Leave("l1", "general"),
        new Frame.History("h1", "general", null, null, null),
        new Frame.History("h2", "general", 100L, 5L, 50),
        new Frame.History("h3", "general", Long.MAX_VALUE, 0L, Integer.MAX_VALUE),
        new Frame.ListAgents("a1", null),
        new Frame.ListAgents("a2", "summarize"),
        new Frame.ListChannels("lc1"),
        new Frame.Members("m1", "general"),
        new Frame.GetRun("g1", "run-1", null),
        new Frame.GetRun("g2", "run-1", 7L),
        new Frame.UpdateMetadata("um1", JsonNodeFactory.instance.objectNode().put("name", "Bob")),
        new Frame.Ping("pi1"),
        new Frame.Ping(null),
        new Frame.Pong("po1"),
        new Frame.Pong(null)
    ).map(f -> Arguments.of(FrameCodec.typeOf(f), f));
  }

  @ParameterizedTest(name = "{0}: {1}")
  @MethodSource("clientFrames")
  void clientFramesRoundTrip(String type, Frame.ClientFrame frame) {
    String text = CODEC.encode(frame);
    assertEquals(type, json(text).get("type").asText());
    assertEquals(frame, CODEC.decodeClient(text));
    assertArrayEquals(text.getBytes(StandardCharsets.UTF_8), CODEC.encodeBytes(frame));
  }

  @Test
  void everyClientFrameTypeIsCovered() {
    Set<String> covered = new TreeSet<>();
    clientFrames().forEach(a -> covered.add(a.get()[1].getClass().getSimpleName()));
    Set<String> all = new TreeSet<>();
    for (Class<?> c : Frame.ClientFrame.class.getPermittedSubclasses()) {
      all.add(c.getSimpleName());
    }
    assertEquals(all, covered);
  }

  static Stream<Arguments> serverFrames() {
    return Stream.of(
        new Frame.Ack("r1", json("{}")),
        new Frame.Ack("r2", json("{\"event_id\":\"e1\",\"offset\":3,\"agents\":[{\"agent_id\":\"a\"}]}")),
        new Frame.Ack(null, json("{}")),
        new Frame.ErrorFrame("r3", ErrorCode.NOT_FOUND, "no agent 'x'"),
        new Frame.ErrorFrame(null, ErrorCode.BAD_JSON, "not valid JSON"),
        new Frame.ErrorFrame("r4", ErrorCode.RATE_LIMITED, null),
        new Frame.Deliver(fullEvent()),
        new Frame.Deliver(minimalEvent().withSourceId("system").withTimestamp(1)),
        new Frame.Ping("sp1"),
        new Frame.Ping(null),
        new Frame.Pong("sp2"),
        new Frame.Pong(null)
    ).map(f -> Arguments.of(FrameCodec.typeOf(f), f));
  }

  @ParameterizedTest(name = "{0}: {1}")
  @MethodSource("serverFrames")
  void serverFramesRoundTrip(String type, Frame.ServerFrame frame) {
    String text = CODEC.encode(frame);
    assertEquals(type, json(text).get("type").asText());
    assertEquals(frame, CODEC.decodeServer(text));
    assertArrayEquals(text.getBytes(StandardCharsets.UTF_8), CODEC.encodeBytes(frame));
  }

  @Test
  void everyServerFrameTypeIsCovered() {
    Set<String> covered = new TreeSet<>();
    serverFrames().forEach(a -> covered.add(a.get()[1].getClass().getSimpleName()));
    Set<String> all = new TreeSet<>();
    for (Class<?> c : Frame.ServerFrame.class.getPermittedSubclasses()) {
      all.add(c.getSimpleName());
    }
    assertEquals(all, covered);
  }

  @Test
  void everyErrorCodeRoundTrips() {
    for (ErrorCode code : ErrorCode.values()) {
      Frame.ErrorFrame frame = new Frame.ErrorFrame("r", code, "m");
      String text = CODEC.encode(frame);
      assertEquals(code.wireName(), json(text).get("code").asText());
      assertEquals(frame, CODEC.decodeServer(text));
      assertEquals(code, ErrorCode.fromWire(code.wireName()));
    }
    assertEquals(ErrorCode.INTERNAL, ErrorCode.fromWire("no_such_code"));
    assertEquals(ErrorCode.INTERNAL,
        ((Frame.ErrorFrame) CODEC.decodeServer("{\"type\":\"error\",\"id\":\"r\",\"code\":\"brand_new\"}")).code());
  }

  @Test
  void ackWithoutResultDecodesAsEmptyResultAndNullResultEncodesAsEmpty() {
    assertEquals(new Frame.Ack("r", json("{}")), CODEC.decodeServer("{\"type\":\"ack\",\"id\":\"r\"}"));
    assertEquals("{\"type\":\"ack\",\"id\":\"r\",\"result\":{}}", CODEC.encode(new Frame.Ack("r", null)));
  }

  @Test
  void eventRoundTripsAlone() {
    for (Event e : List.of(fullEvent(), minimalEvent(), minimalEvent().withOffset(0).withTimestamp(5))) {
      assertEquals(e, CODEC.decodeEvent(json(CODEC.encodeEvent(e))));
      assertEquals(CODEC.encodeEvent(e), e.toString());
    }
  }

  // ------------------------------------------------------------------ encoded shapes

  private static Set<String> fieldNames(JsonNode node) {
    Set<String> names = new TreeSet<>();
    Iterator<String> it = node.fieldNames();
    it.forEachRemaining(names::add);
    return names;
  }

  @Test
  void encodedEventHasExactlyTheDocumentedFields() {
    ObjectNode full = json(CODEC.encodeEvent(fullEvent()));
    assertEquals(new TreeSet<>(List.of("event_id", "event_name", "source_id", "destination_id", "payload",
        "metadata", "timestamp", "response_to", "requires_response", "offset")), fieldNames(full));
    assertEquals("evt-1", full.get("event_id").asText());
    assertEquals("channel.message.posted", full.get("event_name").asText());
    assertEquals("alice", full.get("source_id").asText());
    assertEquals("channel:general", full.get("destination_id").asText());
    assertEquals(fullEvent().payload(), full.get("payload"));
    assertEquals(fullEvent().metadata(), full.get("metadata"));
    assertTrue(full.get("timestamp").isIntegralNumber());
    assertEquals(1_700_000_000_123L, full.get("timestamp").asLong());
    assertEquals("evt-0", full.get("response_to").asText());
    assertTrue(full.get("requires_response").isBoolean());
    assertTrue(full.get("requires_response").asBoolean());
    assertEquals(42, full.get("offset").asLong());
  }

  @Test
  void encodedEventOmitsAbsentOptionalFields() {
    ObjectNode minimal = json(CODEC.encodeEvent(minimalEvent()));
    assertEquals(new TreeSet<>(List.of("event_name", "destination_id", "payload", "metadata")), fieldNames(minimal));
    assertEquals(json("{}"), minimal.get("payload"));
    assertEquals(json("{}"), minimal.get("metadata"));

    ObjectNode offsetZero = json(CODEC.encodeEvent(minimalEvent().withOffset(0)));
    assertEquals(new TreeSet<>(List.of("event_name", "destination_id", "payload", "metadata", "offset")),
        fieldNames(offsetZero));
    assertEquals(0, offsetZero.get("offset").asLong());
  }

  @Test
  void encodedFramesHaveTheDocumentedShape() {
    assertEquals("{\"type\":\"ping\"}", CODEC.encode(new Frame.Ping(null)));
    assertEquals("{\"type\":\"pong\",\"id\":\"x\"}", CODEC.encode(new Frame.Pong("x")));
    assertEquals("{\"type\":\"subscribe\",\"id\":\"s\",\"patterns\":[\"a.*\"]}",
        CODEC.encode(new Frame.Subscribe("s", List.of("a.*"))));
    assertEquals("{\"type\":\"join\",\"id\":\"j\",\"channel\":\"g\",\"since\":{\"offset\":3,\"epoch\":\"e\"}}",
        CODEC.encode(new Frame.Join("j", "g", new StreamPosition(3, "e"))));
    assertEquals("{\"type\":\"error\",\"id\":\"r\",\"code\":\"not_member\",\"message\":\"join first\"}",
        CODEC.encode(new Frame.ErrorFrame("r", ErrorCode.NOT_MEMBER, "join first")));
    ObjectNode deliver = json(CODEC.encode(new Frame.Deliver(minimalEvent())));
    assertEquals(Set.of("type", "event"), fieldNames(deliver));
    assertEquals("event", deliver.get("type").asText());
  }

  // ------------------------------------------------------------------ decoding what clients really write

  @Test
  void decodesAHandWrittenPublish() {
    Frame.ClientFrame frame = CODEC.decodeClient("""
        {"type": "publish", "id": "r1",
         "event": {"event_name": "channel.message.posted", "destination_id": "channel:general",
                   "payload": {"text": "hello"}, "requires_response": false}}
        """);
    Frame.Publish publish = assertInstanceOf(Frame.Publish.class, frame);
    assertEquals("r1", publish.id());
    Event e = publish.event();
    assertNull(e.eventId());
    assertNull(e.sourceId());
    assertNull(e.responseTo());
    assertEquals("channel.message.posted", e.eventName());
    assertEquals("channel:general", e.destinationId());
    assertEquals("hello", e.text());
    assertEquals(json("{}"), e.metadata());
    assertEquals(0, e.timestamp());
    assertEquals(-1, e.offset());
    assertFalse(e.requiresResponse());
  }

  // ------------------------------------------------------------------ a publish read in one pass

  /** Publishes in the shapes clients write them: the one-pass reader must take each. */
  static Stream<String> publishesReadInOnePass() {
    return Stream.of(
        "{\"type\":\"publish\",\"id\":\"r1\",\"event\":{\"event_name\":\"a.b\",\"destination_id\":\"agent:bob\"}}",
        "{\"id\":\"r1\",\"event\":{\"destination_id\":\"channel:general\",\"event_name\":\"channel.message.posted\","
            + "\"payload\":{\"text\":\"hi @bob\",\"n\":[1,2.5,{\"x\":null}],\"t\":true}},\"type\":\"publish\"}",
        " { \"type\" : \"publish\" , \"id\" : \"r-\\u00e9\\\"q\" , \"event\" : { \"event_id\" : \"e\\n1\" ,"
            + " \"event_name\" : \"task.ask\" , \"destination_id\" : \"agent:w-1\" , \"requires_response\" : true ,"
            + " \"metadata\" : {\"session_id\":\"s1\",\"stream\":false} , \"payload\" : {} } } \n",
        "{\"type\":\"publish\",\"id\":\"r2\",\"event\":{\"event_name\":\"task.done\",\"destination_id\":\"agent:alice\","
            + "\"response_to\":\"e1\",\"requires_response\":false,\"source_id\":\"spoof\",\"timestamp\":-5,"
            + "\"offset\":9223372036854775807,\"payload\":{\"result\":{\"deep\":{\"er\":[[]]}}}}}",
        "{\"type\":\"publish\",\"id\":\"" + "i".repeat(FrameCodec.MAX_ID_LENGTH) + "\",\"event\":{\"event_id\":\""
            + "e".repeat(FrameCodec.MAX_ID_LENGTH) + "\",\"event_name\":\"x.y\",\"destination_id\":\"agent:broadcast\"}}",
        "{\"type\":\"publish\",\"id\":\"r3\",\"event\":{\"event_name\":\"task.ask\",\"destination_id\":\"pool:summarize\","
            + "\"requires_response\":true,\"payload\":{\"text\":\"\\ud83d\\ude00 caf\u00e9\"}}}");
  }

  @ParameterizedTest
  @MethodSource("publishesReadInOnePass")
  void aPublishReadInOnePassIsTheOneItsTreeGives(String text) {
    Frame.Publish streamed = CODEC.streamPublish(text);
    assertTrue(streamed != null, "read in one pass: " + text);
    Frame.ClientFrame tree = CODEC.decodeClientTree(text);
    assertEquals(tree, streamed);
    Event fromTree = ((Frame.Publish) tree).event();
    assertEquals(fromTree.destination(), streamed.event().destination());
    assertEquals(CODEC.encodeEvent(fromTree), CODEC.encodeEvent(streamed.event()));
    assertEquals(tree, CODEC.decodeClient(text));
  }

  /** Publishes the one-pass reader leaves to the tree: odd but valid ones, and every kind of mistake. */
  static Stream<String> publishesLeftToTheTree() {
    String event = "\"event\":{\"event_name\":\"a.b\",\"destination_id\":\"agent:bob\"}";
    return Stream.of(
        "{\"type\":\"publish\",\"id\":\"r1\",\"extra\":1," + event + "}",
        "{\"type\":\"publish\",\"id\":\"r1\",\"id\":\"r2\"," + event + "}",
        "{\"type\":\"publish\",\"type\":\"publish\",\"id\":\"r1\"," + event + "}",
        "{\"type\":\"publish\",\"id\":\"r1\",\"event\":{\"event_name\":\"a.b\",\"event_name\":\"c\","
            + "\"destination_id\":\"agent:bob\"}}",
        "{\"type\":\"publish\",\"id\":\"r1\",\"event\":{\"event_name\":\"a.b\",\"destination_id\":\"agent:bob\","
            + "\"payload\":null,\"metadata\":null,\"requires_response\":null,\"timestamp\":null}}",
        "{\"type\":\"join\",\"id\":\"r1\",\"channel\":\"general\"}",
        "{\"type\":\"publish\",\"id\":null," + event + "}",
        "{\"type\":\"publish\"," + event + "}",
        "{\"type\":\"publish\",\"id\":\"r1\"}",
        "{\"type\":\"publish\",\"id\":\"r1\",\"event\":[]}",
        "{\"type\":\"publish\",\"id\":7," + event + "}",
        "{\"type\":\"publish\",\"id\":\"\"," + event + "}",
        "{\"type\":\"publish\",\"id\":\"" + "i".repeat(FrameCodec.MAX_ID_LENGTH + 1) + "\"," + event + "}",
        "{\"type\":\"publish\",\"id\":\"r1\"," + event + "} {}",
        "{\"type\":\"publish\",\"id\":\"r1\"," + event,
        "{\"type\":\"publish\",\"id\":\"r1\",\"event\":{\"event_name\":\"a.b\",\"destination_id\":\"agent:bob\","
            + "\"colour\":\"red\"}}",
        "{\"type\":\"publish\",\"id\":\"r1\",\"event\":{\"destination_id\":\"agent:bob\"}}",
        "{\"type\":\"publish\",\"id\":\"r1\",\"event\":{\"event_name\":\"A..b\",\"destination_id\":\"agent:bob\"}}",
        "{\"type\":\"publish\",\"id\":\"r1\",\"event\":{\"event_name\":\"a.b\",\"destination_id\":\"nowhere:x\"}}",
        "{\"type\":\"publish\",\"id\":\"r1\",\"event\":{\"event_name\":\"a.b\"}}",
        "{\"type\":\"publish\",\"id\":\"r1\",\"event\":{\"event_name\":\"a.b\",\"destination_id\":\"agent:bob\","
            + "\"event_id\":\"\"}}",
        "{\"type\":\"publish\",\"id\":\"r1\",\"event\":{\"event_name\":\"a.b\",\"destination_id\":\"agent:bob\","
            + "\"response_to\":\"" + "x".repeat(FrameCodec.MAX_ID_LENGTH + 1) + "\"}}",
        "{\"type\":\"publish\",\"id\":\"r1\",\"event\":{\"event_name\":\"a.b\",\"destination_id\":\"agent:bob\","
            + "\"timestamp\":1.5}}",
        "{\"type\":\"publish\",\"id\":\"r1\",\"event\":{\"event_name\":\"a.b\",\"destination_id\":\"agent:bob\","
            + "\"offset\":99999999999999999999}}",
        "{\"type\":\"publish\",\"id\":\"r1\",\"event\":{\"event_name\":\"a.b\",\"destination_id\":\"agent:bob\","
            + "\"requires_response\":\"yes\"}}",
        "{\"type\":\"publish\",\"id\":\"r1\",\"event\":{\"event_name\":5,\"destination_id\":\"agent:bob\"}}",
        "{\"type\":\"publish\",\"id\":\"r1\",\"event\":{\"event_name\":\"a.b\",\"destination_id\":\"agent:bob\","
            + "\"payload\":[1]}}",
        "{\"type\":\"publish\",\"id\":\"r1\",\"event\":{\"event_name\":\"a.b\",\"destination_id\":\"agent:bob\","
            + "\"payload\":" + nested(FrameCodec.DEFAULT_MAX_DEPTH + 2) + "}}",
        "{\"type\":\"publish\",\"id\":\"r1\",\"event\":{\"event_name\":\"a.b\",\"destination_id\":\"agent:bob\","
            + "\"payload\":{\"a\":}}}",
        "[]", "", "publish");
  }

  @ParameterizedTest
  @MethodSource("publishesLeftToTheTree")
  void aPublishTheOnePassReaderLeavesIsAnsweredByItsTree(String text) {
    assertNull(CODEC.streamPublish(text), text);
    assertEquals(outcome(() -> CODEC.decodeClientTree(text)), outcome(() -> CODEC.decodeClient(text)));
  }

  /** A decoded frame, or the code, message and request id of the refusal. */
  private static Object outcome(java.util.function.Supplier<Frame.ClientFrame> decode) {
    try {
      return decode.get();
    } catch (ProtocolException e) {
      return e.code() + " " + e.getMessage() + " id=" + e.requestId();
    }
  }

  @Test
  void nullOptionalFieldsMeanAbsent() {
    Frame.ClientFrame frame = CODEC.decodeClient("""
        {"type": "publish", "id": "r1",
         "event": {"event_id": null, "event_name": "a.b", "destination_id": "bob", "payload": null,
                   "metadata": null, "timestamp": null, "response_to": null, "requires_response": null,
                   "offset": null, "source_id": null}}
        """);
    assertEquals(new Frame.Publish("r1", Event.of("a.b", "bob")), frame);
    assertEquals(new Frame.Connect(null, null, null, null, null, null, null),
        CODEC.decodeClient("{\"type\":\"connect\",\"id\":null,\"workspace\":null,\"recover\":null}"));
  }

  @Test
  void pingAndPongAcceptNoId() {
    assertEquals(new Frame.Ping(null), CODEC.decodeClient("{\"type\":\"ping\"}"));
    assertEquals(new Frame.Pong(null), CODEC.decodeClient("{\"type\":\"pong\"}"));
  }

  // ------------------------------------------------------------------ decoding errors

  private static ProtocolException decodeFails(FrameCodec codec, String text, ErrorCode code, String requestId) {
    ProtocolException e = assertThrows(ProtocolException.class, () -> codec.decodeClient(text),
        () -> "expected " + code + " for " + text);
    assertEquals(code, e.code(), () -> "for " + text + ": " + e.getMessage());
    assertEquals(requestId, e.requestId(), () -> "request id for " + text);
    assertFalse(e.getMessage() == null || e.getMessage().isBlank());
    return e;
  }

  private static ProtocolException decodeFails(String text, ErrorCode code, String requestId) {
    return decodeFails(CODEC, text, code, requestId);
  }

  private static String publish(String eventJson) {
    return "{\"type\":\"publish\",\"id\":\"r9\",\"event\":" + eventJson + "}";
  }

  @ParameterizedTest
  @ValueSource(strings = {"not json", "{", "{\"type\":", "{'type':'ping'}", "{type:\"ping\"}", "", "   ",
      "{\"type\":\"ping\",}", "\"ping\""})
  void rejectsTextThatIsNotAJsonObject(String text) {
    decodeFails(text, ErrorCode.BAD_JSON, null);
  }

  @ParameterizedTest
  @ValueSource(strings = {"[]", "[{\"type\":\"ping\"}]", "42", "true", "null", "\"text\""})
  void rejectsJsonThatIsNotAnObject(String text) {
    decodeFails(text, ErrorCode.BAD_JSON, null);
  }

  @ParameterizedTest
  @ValueSource(strings = {"{\"type\":\"ping\"} {}", "{\"type\":\"ping\"}{\"type\":\"ping\"}",
      "{\"type\":\"ping\"} x", "{\"type\":\"ping\"} 1", "{\"type\":\"ping\"}]"})
  void rejectsTrailingData(String text) {
    decodeFails(text, ErrorCode.BAD_JSON, null);
  }

  @Test
  void acceptsTrailingWhitespace() {
    assertEquals(new Frame.Ping("a"), CODEC.decodeClient("  {\"type\":\"ping\",\"id\":\"a\"} \n\t"));
  }

  @Test
  void rejectsAMissingOrMistypedType() {
    ProtocolException e = decodeFails("{\"id\":\"r1\"}", ErrorCode.INVALID_FRAME, "r1");
    assertTrue(e.getMessage().contains("type"), e.getMessage());
    decodeFails("{\"id\":\"r1\",\"type\":null}", ErrorCode.INVALID_FRAME, "r1");
    decodeFails("{\"id\":\"r1\",\"type\":7}", ErrorCode.INVALID_FRAME, "r1");
    decodeFails("{\"id\":\"r1\",\"type\":[\"ping\"]}", ErrorCode.INVALID_FRAME, "r1");
    decodeFails("{}", ErrorCode.INVALID_FRAME, null);
  }

  @Test
  void rejectsUnknownTypesKeepingTheId() {
    ProtocolException e = decodeFails("{\"type\":\"launch\",\"id\":\"r7\"}", ErrorCode.UNKNOWN_TYPE, "r7");
    assertTrue(e.getMessage().contains("launch"), e.getMessage());
    decodeFails("{\"type\":\"PING\",\"id\":\"r8\"}", ErrorCode.UNKNOWN_TYPE, "r8");
    decodeFails("{\"type\":\"ack\",\"id\":\"r8\"}", ErrorCode.UNKNOWN_TYPE, "r8");
    decodeFails("{\"type\":\"\"}", ErrorCode.UNKNOWN_TYPE, null);

    ProtocolException server = assertThrows(ProtocolException.class,
        () -> CODEC.decodeServer("{\"type\":\"subscribe\",\"id\":\"s1\"}"));
    assertEquals(ErrorCode.UNKNOWN_TYPE, server.code());
    assertEquals("s1", server.requestId());
  }

  @ParameterizedTest
  @ValueSource(strings = {"publish", "subscribe", "unsubscribe", "join", "leave", "history", "list_agents",
      "list_channels", "members"})
  void rejectsRequestsWithoutAnId(String type) {
    String body = switch (type) {
      case "publish" -> ",\"event\":{\"event_name\":\"a.b\",\"destination_id\":\"bob\"}";
      case "subscribe", "unsubscribe" -> ",\"patterns\":[\"a.*\"]";
      case "join", "leave", "history", "members" -> ",\"channel\":\"general\"";
      default -> "";
    };
    ProtocolException e = decodeFails("{\"type\":\"" + type + "\"" + body + "}", ErrorCode.INVALID_FRAME, null);
    assertTrue(e.getMessage().contains("id"), e.getMessage());
    decodeFails("{\"type\":\"" + type + "\",\"id\":null" + body + "}", ErrorCode.INVALID_FRAME, null);
  }

  @ParameterizedTest
  @ValueSource(strings = {"1", "true", "{}", "[\"r1\"]", "\"\""})
  void rejectsAMistypedId(String id) {
    decodeFails("{\"type\":\"ping\",\"id\":" + id + "}", ErrorCode.INVALID_FRAME, null);
  }

  @Test
  void rejectsAnIdLongerThanTheLimit() {
    String ok = "i".repeat(FrameCodec.MAX_ID_LENGTH);
    assertEquals(new Frame.Ping(ok), CODEC.decodeClient("{\"type\":\"ping\",\"id\":\"" + ok + "\"}"));
    decodeFails("{\"type\":\"ping\",\"id\":\"" + ok + "x\"}", ErrorCode.INVALID_FRAME, null);
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "{\"type\":\"subscribe\",\"id\":\"r1\"}",
      "{\"type\":\"subscribe\",\"id\":\"r1\",\"patterns\":\"a.*\"}",
      "{\"type\":\"subscribe\",\"id\":\"r1\",\"patterns\":[\"a.*\",3]}",
      "{\"type\":\"subscribe\",\"id\":\"r1\",\"patterns\":[null]}",
      "{\"type\":\"unsubscribe\",\"id\":\"r1\",\"patterns\":{}}",
      "{\"type\":\"join\",\"id\":\"r1\"}",
      "{\"type\":\"join\",\"id\":\"r1\",\"channel\":5}",
      "{\"type\":\"join\",\"id\":\"r1\",\"channel\":\"g\",\"since\":3}",
      "{\"type\":\"leave\",\"id\":\"r1\",\"channel\":{}}",
      "{\"type\":\"members\",\"id\":\"r1\",\"channel\":null}",
      "{\"type\":\"history\",\"id\":\"r1\",\"channel\":\"g\",\"before\":\"10\"}",
      "{\"type\":\"history\",\"id\":\"r1\",\"channel\":\"g\",\"after\":1.5}",
      "{\"type\":\"history\",\"id\":\"r1\",\"channel\":\"g\",\"before\":99999999999999999999}",
      "{\"type\":\"history\",\"id\":\"r1\",\"channel\":\"g\",\"limit\":true}",
      "{\"type\":\"history\",\"id\":\"r1\",\"channel\":\"g\",\"limit\":10.0}",
      "{\"type\":\"history\",\"id\":\"r1\",\"channel\":\"g\",\"limit\":3000000000}",
      "{\"type\":\"list_agents\",\"id\":\"r1\",\"capability\":[\"x\"]}",
      "{\"type\":\"connect\",\"id\":\"r1\",\"agent_id\":7}",
      "{\"type\":\"connect\",\"id\":\"r1\",\"workspace\":false}",
      "{\"type\":\"connect\",\"id\":\"r1\",\"token\":{}}",
      "{\"type\":\"connect\",\"id\":\"r1\",\"metadata\":\"name\"}",
      "{\"type\":\"connect\",\"id\":\"r1\",\"subscriptions\":\"*\"}",
      "{\"type\":\"connect\",\"id\":\"r1\",\"subscriptions\":[1]}",
      "{\"type\":\"publish\",\"id\":\"r1\"}",
      "{\"type\":\"publish\",\"id\":\"r1\",\"event\":\"a.b\"}",
      "{\"type\":\"publish\",\"id\":\"r1\",\"event\":[]}",
  })
  void rejectsMissingOrMistypedFields(String text) {
    decodeFails(text, ErrorCode.INVALID_FRAME, "r1");
  }

  @Test
  void rejectsUnknownEventFields() {
    ProtocolException e = decodeFails(
        publish("{\"event_name\":\"a.b\",\"destination_id\":\"bob\",\"colour\":\"red\"}"),
        ErrorCode.INVALID_EVENT, "r9");
    assertTrue(e.getMessage().contains("colour"), e.getMessage());
    decodeFails(publish("{\"event_name\":\"a.b\",\"destination_id\":\"bob\",\"eventName\":\"a.b\"}"),
        ErrorCode.INVALID_EVENT, "r9");
    decodeFails(publish("{\"event_name\":\"a.b\",\"destination_id\":\"bob\",\"type\":\"x\"}"),
        ErrorCode.INVALID_EVENT, "r9");
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "{\"event_name\":\"a.b\",\"destination_id\":\"bob\",\"payload\":\"text\"}",
      "{\"event_name\":\"a.b\",\"destination_id\":\"bob\",\"payload\":[1,2]}",
      "{\"event_name\":\"a.b\",\"destination_id\":\"bob\",\"payload\":3}",
      "{\"event_name\":\"a.b\",\"destination_id\":\"bob\",\"metadata\":true}",
      "{\"event_name\":7,\"destination_id\":\"bob\"}",
      "{\"event_name\":\"a.b\",\"destination_id\":[\"bob\"]}",
      "{\"event_name\":\"a.b\",\"destination_id\":\"bob\",\"event_id\":5}",
      "{\"event_name\":\"a.b\",\"destination_id\":\"bob\",\"event_id\":\"\"}",
      "{\"event_name\":\"a.b\",\"destination_id\":\"bob\",\"source_id\":1}",
      "{\"event_name\":\"a.b\",\"destination_id\":\"bob\",\"response_to\":\"\"}",
      "{\"event_name\":\"a.b\",\"destination_id\":\"bob\",\"response_to\":{}}",
      "{\"event_name\":\"a.b\",\"destination_id\":\"bob\",\"requires_response\":\"yes\"}",
      "{\"event_name\":\"a.b\",\"destination_id\":\"bob\",\"requires_response\":1}",
      "{\"event_name\":\"a.b\",\"destination_id\":\"bob\",\"timestamp\":\"now\"}",
      "{\"event_name\":\"a.b\",\"destination_id\":\"bob\",\"timestamp\":1.5}",
      "{\"event_name\":\"a.b\",\"destination_id\":\"bob\",\"offset\":99999999999999999999}",
  })
  void rejectsMalformedEvents(String event) {
    decodeFails(publish(event), ErrorCode.INVALID_EVENT, "r9");
  }

  @Test
  void rejectsEventIdsLongerThanTheLimit() {
    String ok = "e".repeat(FrameCodec.MAX_ID_LENGTH);
    Frame.Publish p = (Frame.Publish) CODEC.decodeClient(
        publish("{\"event_name\":\"a.b\",\"destination_id\":\"bob\",\"event_id\":\"" + ok + "\",\"response_to\":\""
            + ok + "\"}"));
    assertEquals(ok, p.event().eventId());
    assertEquals(ok, p.event().responseTo());
    decodeFails(publish("{\"event_name\":\"a.b\",\"destination_id\":\"bob\",\"event_id\":\"" + ok + "x\"}"),
        ErrorCode.INVALID_EVENT, "r9");
    decodeFails(publish("{\"event_name\":\"a.b\",\"destination_id\":\"bob\",\"response_to\":\"" + ok + "x\"}"),
        ErrorCode.INVALID_EVENT, "r9");
  }

  @ParameterizedTest
  @ValueSource(strings = {"\"Agent.Message\"", "\"agent\"", "\"a..b\"", "\"1a.b\"", "\"a.b c\"", "\"\"", "null"})
  void rejectsBadEventNames(String name) {
    decodeFails(publish("{\"event_name\":" + name + ",\"destination_id\":\"bob\"}"), ErrorCode.INVALID_NAME, "r9");
  }

  @Test
  void rejectsAMissingEventName() {
    decodeFails(publish("{\"destination_id\":\"bob\"}"), ErrorCode.INVALID_NAME, "r9");
  }

  @ParameterizedTest
  @ValueSource(strings = {"\"queue:x\"", "\"agent:\"", "\"channel:\"", "\"bad id\"", "\"agent:a:b\"", "\"\"",
      "null"})
  void rejectsBadDestinations(String destination) {
    decodeFails(publish("{\"event_name\":\"a.b\",\"destination_id\":" + destination + "}"),
        ErrorCode.INVALID_DESTINATION, "r9");
  }

  @Test
  void rejectsAMissingDestination() {
    decodeFails(publish("{\"event_name\":\"a.b\"}"), ErrorCode.INVALID_DESTINATION, "r9");
  }

  // ------------------------------------------------------------------ nesting limit

  private static String nested(int objects) {
    return "{\"k\":".repeat(objects - 1) + "{}" + "}".repeat(objects - 1);
  }

  @Test
  void rejectsNestingDeeperThanTheLimit() {
    FrameCodec codec = new FrameCodec(8);
    // Depth: frame 1, event 2, payload 3, then 5 more levels = 8.
    String atLimit = publish("{\"event_name\":\"a.b\",\"destination_id\":\"bob\",\"payload\":" + nested(6) + "}");
    Frame.Publish ok = (Frame.Publish) codec.decodeClient(atLimit);
    assertEquals(json(nested(6)), ok.event().payload());

    String tooDeep = publish("{\"event_name\":\"a.b\",\"destination_id\":\"bob\",\"payload\":" + nested(7) + "}");
    ProtocolException e = decodeFails(codec, tooDeep, ErrorCode.LIMIT_EXCEEDED, null);
    assertTrue(e.getMessage().contains("8"), e.getMessage());

    decodeFails(codec, "[[[[[[[[[[]]]]]]]]]]", ErrorCode.LIMIT_EXCEEDED, null);
    decodeFails(codec, "{\"type\":\"ping\",\"x\":" + nested(8) + "}", ErrorCode.LIMIT_EXCEEDED, null);

    // The default codec accepts what the small one refuses.
    assertInstanceOf(Frame.Publish.class, CODEC.decodeClient(tooDeep));
    String tooDeepForDefault = "{\"type\":\"ping\",\"x\":" + nested(FrameCodec.DEFAULT_MAX_DEPTH) + "}";
    decodeFails(CODEC, tooDeepForDefault, ErrorCode.LIMIT_EXCEEDED, null);
  }

  @Test
  void refusesAnUnreasonablySmallDepth() {
    assertThrows(IllegalArgumentException.class, () -> new FrameCodec(3));
    FrameCodec smallest = new FrameCodec(4);
    assertEquals(new Frame.Ping(null), smallest.decodeClient("{\"type\":\"ping\",\"x\":{\"y\":{\"z\":{}}}}"));
    decodeFails(smallest, "{\"type\":\"ping\",\"x\":{\"y\":{\"z\":{\"w\":{}}}}}", ErrorCode.LIMIT_EXCEEDED, null);
  }

  // ------------------------------------------------------------------ recovery positions

  @Test
  void decodesRecoveryPositions() {
    Frame.Connect c = (Frame.Connect) CODEC.decodeClient("""
        {"type":"connect","id":"c1","agent_id":"alice",
         "recover":{"channels":{"general":{"offset":3,"epoch":"e1"},"ops":{"offset":0,"epoch":"e2"}},
                    "inbox":{"offset":9,"epoch":"i"}}}
        """);
    Map<String, StreamPosition> expected = new LinkedHashMap<>();
    expected.put("general", new StreamPosition(3, "e1"));
    expected.put("ops", new StreamPosition(0, "e2"));
    assertEquals(new Frame.Recovery(expected, new StreamPosition(9, "i"), null), c.recover());
    assertEquals(List.of("general", "ops"), new ArrayList<>(c.recover().channels().keySet()));

    Frame.Connect empty = (Frame.Connect) CODEC.decodeClient("{\"type\":\"connect\",\"recover\":{}}");
    assertEquals(new Frame.Recovery(Map.of(), null, null), empty.recover());
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "\"recover\":[]",
      "\"recover\":\"yes\"",
      "\"recover\":{\"channels\":[]}",
      "\"recover\":{\"channels\":{\"g\":3}}",
      "\"recover\":{\"channels\":{\"g\":{\"offset\":-1,\"epoch\":\"e\"}}}",
      "\"recover\":{\"channels\":{\"g\":{\"offset\":1.5,\"epoch\":\"e\"}}}",
      "\"recover\":{\"channels\":{\"g\":{\"offset\":\"1\",\"epoch\":\"e\"}}}",
      "\"recover\":{\"channels\":{\"g\":{\"offset\":1}}}",
      "\"recover\":{\"channels\":{\"g\":{\"epoch\":\"e\"}}}",
      "\"recover\":{\"channels\":{\"g\":{\"offset\":1,\"epoch\":2}}}",
      "\"recover\":{\"channels\":{\"g\":{\"offset\":1,\"epoch\":null}}}",
      "\"recover\":{\"channels\":{\"g\":{\"offset\":18446744073709551617,\"epoch\":\"e\"}}}",
      "\"recover\":{\"inbox\":{\"offset\":-5,\"epoch\":\"e\"}}",
      "\"recover\":{\"inbox\":[1,\"e\"]}",
      "\"recover\":{\"broadcast\":{\"offset\":true,\"epoch\":\"e\"}}",
      "\"recover\":{\"broadcast\":\"e:1\"}",
  })
  void rejectsBadRecoveryPositions(String recover) {
    ProtocolException e = decodeFails("{\"type\":\"connect\",\"id\":\"c1\"," + recover + "}", ErrorCode.INVALID_FRAME,
        "c1");
    assertTrue(e.getMessage().contains("recover"), e.getMessage());
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "{\"offset\":-1,\"epoch\":\"e\"}",
      "{\"offset\":2.0,\"epoch\":\"e\"}",
      "{\"epoch\":\"e\"}",
      "{\"offset\":2}",
      "{\"offset\":18446744073709551617,\"epoch\":\"e\"}",
      "[2,\"e\"]",
  })
  void rejectsBadJoinPositions(String since) {
    ProtocolException e = decodeFails("{\"type\":\"join\",\"id\":\"j1\",\"channel\":\"g\",\"since\":" + since + "}",
        ErrorCode.INVALID_FRAME, "j1");
    assertTrue(e.getMessage().contains("since"), e.getMessage());
  }

  @Test
  void acceptsTheLargestOffset() {
    Frame.Join join = (Frame.Join) CODEC.decodeClient("{\"type\":\"join\",\"id\":\"j1\",\"channel\":\"g\","
        + "\"since\":{\"offset\":" + Long.MAX_VALUE + ",\"epoch\":\"e\"}}");
    assertEquals(new StreamPosition(Long.MAX_VALUE, "e"), join.since());
  }

  // ------------------------------------------------------------------ the encoding kept for delivery

  static Stream<Event> measuredEvents() {
    ObjectNode hostile = JsonNodeFactory.instance.objectNode()
        .put("quotes", "say \"hi\" \\ back\\slash /")
        .put("controls", "\u0000\u0001\u001f\b\f\n\r\t\u007f")
        .put("non_bmp", "\uD83D\uDE00 \uD834\uDD1E")
        .put("lone_high", "a\uD800b")
        .put("lone_low", "a\uDC00b")
        .put("line_separators", "\u2028\u2029")
        .put("seq", 7);
    return Stream.of(fullEvent(), fullEvent().withOffset(-1), minimalEvent(),
        Event.create("e\"1\\", "agent.reply", "bob", "agent:alice", hostile, hostile.deepCopy(), 5, "r\u0001\uD800",
            false, -1),
        Event.create("e2", "agent.reply", "bob", "agent:alice", hostile, null, 0, null, false, 0),
        Event.create("e3", "agent.reply", "bob", "agent:alice", null, null, 0, null, false, Long.MAX_VALUE));
  }

  @ParameterizedTest
  @MethodSource("measuredEvents")
  void theMeasuredSizeIsTheEncodedSizeAndTheDeliveringFrameReusesTheEncoding(Event event) {
    byte[] frame = CODEC.encodeBytes(new Frame.Deliver(event));
    assertArrayEquals(CODEC.generatorBytes(new Frame.Deliver(event)), frame, "as the Jackson generator writes it");
    int eventObject = frame.length - "{\"type\":\"event\",\"event\":".length() - 1;

    assertEquals(eventObject, CODEC.measureEvent(event), "the size of the event object in the delivered frame");
    assertArrayEquals(frame, CODEC.encodeBytes(new Frame.Deliver(event)), "the kept encoding makes the same frame");
    assertNull(event.cachedEncoding(), "the frame that used the kept encoding lets it go");

    CODEC.measureEvent(event);
    for (long offset : new long[] {0, 1, 42, 1_000_000_007L, Long.MAX_VALUE}) {
      Event at = event.withOffset(offset);
      byte[] expected = CODEC.generatorBytes(new Frame.Deliver(at));
      CODEC.measureEvent(event);
      assertArrayEquals(expected, CODEC.encodeBytes(new Frame.Deliver(event.withOffset(offset))),
          "offset " + offset);
      assertEquals(at, CODEC.decodeServer(new String(expected, StandardCharsets.UTF_8)) instanceof Frame.Deliver d
          ? d.event() : null);
    }
    CODEC.measureEvent(event);
    assertNull(event.withPayload(event.payload()).cachedEncoding(), "a copy with other fields encodes itself");
  }

  static Stream<String> hostileStrings() {
    StringBuilder every = new StringBuilder();
    for (int c = 0; c <= 0xFFFF; c++) {
      every.append((char) c);
    }
    java.util.Random random = new java.util.Random(7);
    List<String> out = new ArrayList<>(List.of("", "plain", "\"", "\\", "\"\\\"", "\u0000", "\u001f\u007f\u0080",
        "\u07ff\u0800\uffff", "\uD83D\uDE00", "\uD800", "\uDC00", "x\uDBFF", "\uDFFFy", "\uDE00\uD83D",
        "\u2028\u2029", "é☃\"q\"", every.toString()));
    for (int i = 0; i < 200; i++) {
      char[] chars = new char[random.nextInt(40)];
      for (int j = 0; j < chars.length; j++) {
        chars[j] = random.nextInt(4) == 0 ? (char) random.nextInt(0x80) : (char) random.nextInt(0x10000);
      }
      out.add(new String(chars));
    }
    return out.stream();
  }

  @ParameterizedTest
  @MethodSource("hostileStrings")
  void theShortcutsWriteEveryStringAsTheGeneratorDoes(String text) {
    ObjectNode payload = JsonNodeFactory.instance.objectNode().put(text, text).put("n", -12).put("big", Long.MIN_VALUE)
        .put("d", 2.5e-7).put("f", 1.0f).put("t", true).put("z", false).putNull("nil");
    payload.putArray(text).add(text).add(1).addObject().put("k", text);
    payload.put("dec", new java.math.BigDecimal("1E+3")).put("bi", new java.math.BigInteger("123456789012345678901234567890"));
    payload.put("bin", new byte[] {1, 2, 3});
    Event event = Event.create(text.isEmpty() ? null : text, text, text, text, payload, payload.deepCopy(),
        text.length(), text, !text.isEmpty(), text.length() % 3 == 0 ? -1 : text.length());
    Frame.Deliver deliver = new Frame.Deliver(event);
    assertArrayEquals(CODEC.generatorBytes(deliver), CODEC.encodeBytes(deliver));
    for (AckResult.Published p : List.of(new AckResult.Published(text, 1, -1, false, null, -1, true),
        new AckResult.Published(text, Long.MAX_VALUE, 0, true, text, 0, false),
        new AckResult.Published(text, 0, 9, false, "pool-member", 17, true))) {
      assertArrayEquals(CODEC.generatorAck(text, p), CODEC.encodeAck(text, p));
      assertArrayEquals(CODEC.generatorAck(null, p), CODEC.encodeAck(null, p));
    }
  }
}
