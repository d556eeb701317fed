package dev.workspace.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/**
 * Every typed ack result encodes byte for byte as the server's acks have always read on the wire (the golden
 * texts below), and decodes back to the same record.
 */
class AckResultCodecTest {
  private static final FrameCodec CODEC = FrameCodec.DEFAULT;

  private static String q(String text) {
    return text.replace('\'', '"');
  }

  private static ObjectNode json(String text) {
    return CODEC.parseObject(q(text));
  }

  static Stream<Arguments> golden() {
    Map<String, StreamPosition> channels = new LinkedHashMap<>();
    channels.put("general", new StreamPosition(15, "a1b2"));
    channels.put("ops", new StreamPosition(0, "c3d4"));
    Map<String, AckResult.Recovered> recovered = new LinkedHashMap<>();
    recovered.put("general", new AckResult.Recovered(true, new StreamPosition(15, "a1b2")));
    AckResult.Connected connected = new AckResult.Connected("8f0c", "alice", "default", "node-1", 1767225600000L,
        new StreamPosition(6, "k3j2"), new StreamPosition(17, "p0q9"), channels,
        new AckResult.Recovery(recovered, new AckResult.Recovered(true, new StreamPosition(6, "k3j2")),
            new AckResult.Recovered(false, new StreamPosition(17, "p0q9"))), 0, 0, null)
        .withSession(25_000, 10_000, List.of("*", "task.>"));
    AckResult.Connected fresh = new AckResult.Connected("s2", "bob", "team", "n2", 5L, new StreamPosition(0, "e1"),
        new StreamPosition(0, "e2"), Map.of(), null, 0, 0, null).withSession(25_000, 10_000, List.of("*"));
    Event posted = Event.create("evt-1", "channel.message.posted", "alice", "channel:general",
        json("{'text':'hi @bob','n':3}"), json("{'trace':'abc'}"), 1_700_000_000_123L, "evt-0", true, 42);
    Event gap = Event.create("g1", "stream.gap", "system", "channel:general", json("{'reason':'trimmed'}"), null,
        1_700_000_000_200L, null, false, 43);
    return Stream.of(
        Arguments.of(connected, "{'session_id':'8f0c','agent_id':'alice','workspace':'default','node_id':'node-1',"
            + "'server_time':1767225600000,'inbox':{'offset':6,'epoch':'k3j2'},'broadcast':{'offset':17,'epoch':'p0q9'},"
            + "'channels':{'general':{'offset':15,'epoch':'a1b2'},'ops':{'offset':0,'epoch':'c3d4'}},"
            + "'recovery':{'channels':{'general':{'recovered':true,'offset':15,'epoch':'a1b2'}},"
            + "'inbox':{'recovered':true,'offset':6,'epoch':'k3j2'},"
            + "'broadcast':{'recovered':false,'offset':17,'epoch':'p0q9'}},"
            + "'ping_interval_ms':25000,'ping_timeout_ms':10000,'subscriptions':['*','task.>']}"),
        Arguments.of(fresh, "{'session_id':'s2','agent_id':'bob','workspace':'team','node_id':'n2','server_time':5,"
            + "'inbox':{'offset':0,'epoch':'e1'},'broadcast':{'offset':0,'epoch':'e2'},'channels':{},"
            + "'ping_interval_ms':25000,'ping_timeout_ms':10000,'subscriptions':['*']}"),
        Arguments.of(new AckResult.Joined("general", 15, "a1b2", 3, null),
            "{'channel':'general','offset':15,'epoch':'a1b2','members':3}"),
        Arguments.of(new AckResult.Joined("general", 15, "a1b2", 1, false),
            "{'channel':'general','offset':15,'epoch':'a1b2','members':1,'recovered':false}"),
        Arguments.of(new AckResult.Left("general"), "{'channel':'general'}"),
        Arguments.of(new AckResult.Published("e1", 1700000000123L, 16, false),
            "{'event_id':'e1','timestamp':1700000000123,'offset':16}"),
        Arguments.of(new AckResult.Published("e2", 1700000000124L, 3, true),
            "{'event_id':'e2','timestamp':1700000000124,'offset':3,'queued':true}"),
        Arguments.of(new AckResult.Published("e3", 1700000000125L, -1, false),
            "{'event_id':'e3','timestamp':1700000000125}"),
        Arguments.of(new AckResult.Published("e4", 1700000000126L, 7, false, "w2", 3, false),
            "{'event_id':'e4','timestamp':1700000000126,'offset':7,'agent_id':'w2','seq':3,'delivered':false}"),
        Arguments.of(new AckResult.Run("r1", "alice", "bob", "s1", "summarize", "working", 10, 20, 1,
            List.of(Event.create("p1", "run.progress.text", "bob", "agent:alice", json("{'text':'a','seq':1}"), null,
                15, "r1", false, -1))),
            "{'run_id':'r1','requester':'alice','target':'bob','session_id':'s1','pool':'summarize',"
            + "'state':'working','created':10,'updated':20,'last_seq':1,'events':[{'event_id':'p1',"
            + "'event_name':'run.progress.text','source_id':'bob','destination_id':'agent:alice',"
            + "'payload':{'text':'a','seq':1},'metadata':{},'timestamp':15,'response_to':'r1'}]}"),
        Arguments.of(new AckResult.Run("r2", "alice", "bob", null, null, "submitted", 10, 10, 0, List.of()),
            "{'run_id':'r2','requester':'alice','target':'bob','state':'submitted','created':10,'updated':10,"
            + "'last_seq':0,'events':[]}"),
        Arguments.of(new AckResult.MetadataUpdated("bob", json("{'role':'researcher'}")),
            "{'agent_id':'bob','metadata':{'role':'researcher'}}"),
        Arguments.of(new AckResult.History("general", "a1b2", List.of(posted, gap), true, 40, 43),
            "{'channel':'general','epoch':'a1b2','events':[{'event_id':'evt-1','event_name':'channel.message.posted',"
            + "'source_id':'alice','destination_id':'channel:general','payload':{'text':'hi @bob','n':3},"
            + "'metadata':{'trace':'abc'},'timestamp':1700000000123,'response_to':'evt-0','requires_response':true,"
            + "'offset':42},{'event_id':'g1','event_name':'stream.gap','source_id':'system',"
            + "'destination_id':'channel:general','payload':{'reason':'trimmed'},'metadata':{},"
            + "'timestamp':1700000000200,'offset':43}],'has_more':true,'first_offset':40,'last_offset':43}"),
        Arguments.of(new AckResult.History("empty", "e9", List.of(), false, 0, 0),
            "{'channel':'empty','epoch':'e9','events':[],'has_more':false,'first_offset':0,'last_offset':0}"),
        Arguments.of(new AckResult.ChannelList(List.of(new AckResult.ChannelSummary("general", 2, 15, "a1b2"),
            new AckResult.ChannelSummary("ops", 0, 0, "c3d4"))),
            "{'channels':[{'name':'general','members':2,'last_offset':15,'epoch':'a1b2'},"
            + "{'name':'ops','members':0,'last_offset':0,'epoch':'c3d4'}]}"),
        Arguments.of(new AckResult.ChannelList(List.of()), "{'channels':[]}"),
        Arguments.of(new AckResult.AgentList(List.of(new AckResult.AgentSummary("alice",
            json("{'name':'Alice','capabilities':['search']}"), 1767225600000L, "online", "node-1"))),
            "{'agents':[{'agent_id':'alice','metadata':{'name':'Alice','capabilities':['search']},"
            + "'connected_since':1767225600000,'status':'online','node_id':'node-1'}]}"),
        Arguments.of(new AckResult.Members("general", List.of("alice", "bob")),
            "{'channel':'general','members':['alice','bob']}"),
        Arguments.of(new AckResult.Subscriptions(List.of("channel.message.*", "agent.>")),
            "{'subscriptions':['channel.message.*','agent.>']}"),
        Arguments.of(new AckResult.Subscriptions(List.of()), "{'subscriptions':[]}"));
  }

  @ParameterizedTest
  @MethodSource("golden")
  void encodesAsTheWireAlwaysRead(AckResult result, String expected) {
    assertEquals(q(expected), CODEC.encodeResult(result));
    assertEquals(q("{'type':'ack','id':'r1','result':" + expected + "}"),
        new String(CODEC.encodeAck("r1", result), StandardCharsets.UTF_8));
  }

  @ParameterizedTest
  @MethodSource("golden")
  void decodesBackToTheSameRecord(AckResult result, String expected) {
    AckResult back = CODEC.decodeResult(result.getClass(), json(expected));
    if (result instanceof AckResult.History h) {
      AckResult.History b = (AckResult.History) back;
      assertEquals(h.events().size(), b.events().size());
      for (int i = 0; i < h.events().size(); i++) {
        assertEquals(CODEC.encodeEvent(h.events().get(i)), CODEC.encodeEvent(b.events().get(i)));
      }
      assertEquals(new AckResult.History(h.channel(), h.epoch(), List.of(), h.hasMore(), h.firstOffset(),
          h.lastOffset()), new AckResult.History(b.channel(), b.epoch(), List.of(), b.hasMore(), b.firstOffset(),
          b.lastOffset()));
    } else {
      assertEquals(result, back);
    }
  }

  @Test
  void anAckWithoutIdLeavesItOut() {
    assertEquals(q("{'type':'ack','result':{'channel':'x'}}"),
        new String(CODEC.encodeAck(null, new AckResult.Left("x")), StandardCharsets.UTF_8));
  }

  @Test
  void aSparseResultDecodesToNeutralValues() {
    AckResult.Connected c = CODEC.decodeResult(AckResult.Connected.class, json("{}"));
    assertEquals(new AckResult.Connected(null, null, null, null, 0, null, null, Map.of(), null, 0, 0, List.of()), c);
    assertEquals(new AckResult.Published(null, 0, -1, false),
        CODEC.decodeResult(AckResult.Published.class, json("{'offset':'7'}")));
    assertEquals(new AckResult.Joined(null, 0, null, 2, null),
        CODEC.decodeResult(AckResult.Joined.class, json("{'members':['a','b'],'recovered':'yes'}")));
    assertEquals(Map.of("general", new StreamPosition(15, "a1b2")), CODEC.decodeResult(AckResult.Connected.class,
        json("{'channels':{'general':{'offset':15,'epoch':'a1b2'},'broken':{'offset':'x'}}}")).channels());
    assertNull(FrameCodec.lenientPosition(json("{'offset':1.5,'epoch':'e'}")));
  }

  @Test
  void aHistoryWithAnEventThatIsNotAnObjectIsRefused() {
    ProtocolException e = assertThrows(ProtocolException.class,
        () -> CODEC.decodeResult(AckResult.History.class, json("{'events':[1]}")));
    assertEquals(ErrorCode.INVALID_FRAME, e.code());
  }
}
