package dev.workspace.client.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.workspace.client.AgentInfo;
import dev.workspace.client.ChannelInfo;
import dev.workspace.client.FailureKind;
import dev.workspace.client.HistoryPage;
import dev.workspace.client.PublishResult;
import dev.workspace.client.SessionInfo;
import dev.workspace.client.WorkspaceException;
import dev.workspace.model.FrameCodec;
import dev.workspace.model.StreamPosition;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AckResultsTest {
  private static ObjectNode json(String text) {
    return FrameCodec.DEFAULT.parseObject(text.replace('\'', '"'));
  }

  @Test
  void theConnectAckOfTheProtocolPage() {
    ObjectNode r = json("{'session_id':'8f0c','agent_id':'alice','workspace':'default','node_id':'node-1',"
        + "'server_time':1767225600000,'ping_interval_ms':25000,'ping_timeout_ms':10000,'subscriptions':['*'],"
        + "'inbox':{'offset':0,'epoch':'k3j2'},'broadcast':{'offset':17,'epoch':'p0q9'}}");
    SessionInfo s = AckResults.session(r, "ignored", "ignored");
    assertEquals(new SessionInfo("8f0c", "alice", "default", "node-1", 1767225600000L, Duration.ofSeconds(25),
        Duration.ofSeconds(10), List.of("*")), s);
    assertEquals(new StreamPosition(0, "k3j2"), AckResults.position(r.get("inbox")));
    assertEquals(new StreamPosition(17, "p0q9"), AckResults.position(r.get("broadcast")));
    assertNull(AckResults.recovery(r));
    assertEquals(Map.of(), AckResults.channelPositions(r));
  }

  @Test
  void theConnectAckNamesTheChannelsTheSessionIsIn() {
    ObjectNode r = json("{'channels':{'general':{'offset':15,'epoch':'a1b2'},'broken':{'offset':'x'}}}");
    assertEquals(Map.of("general", new StreamPosition(15, "a1b2")), AckResults.channelPositions(r));
  }

  @Test
  void aSparseConnectAckFallsBackToWhatWasAskedAndTheDefaultPings() {
    SessionInfo s = AckResults.session(json("{}"), "bob", "team");
    assertEquals("bob", s.agentId());
    assertEquals("team", s.workspace());
    assertEquals(Duration.ofMillis(AckResults.DEFAULT_PING_INTERVAL_MS), s.pingInterval());
    assertEquals(Duration.ofMillis(AckResults.DEFAULT_PING_TIMEOUT_MS), s.pingTimeout());
    assertEquals(List.of(), s.subscriptions());
  }

  @Test
  void malformedPositionsAreAbsent() {
    assertNull(AckResults.position(null));
    assertNull(AckResults.position(json("{'offset':'1','epoch':'e'}")));
    assertNull(AckResults.position(json("{'offset':1}")));
    assertNull(AckResults.position(json("{'offset':1.5,'epoch':'e'}")));
  }

  @Test
  void theRecoveryReportOfTheProtocolPage() {
    ObjectNode r = json("{'recovery':{'channels':{'general':{'recovered':true,'offset':15,'epoch':'a1b2'}},"
        + "'inbox':{'recovered':true,'offset':6,'epoch':'k3j2'},"
        + "'broadcast':{'recovered':false,'offset':17,'epoch':'p0q9'}}}");
    StreamPositions.RecoveryReport report = AckResults.recovery(r);
    assertEquals(Map.of("general", new StreamPositions.Report(true, new StreamPosition(15, "a1b2"))),
        report.channels());
    assertEquals(new StreamPositions.Report(true, new StreamPosition(6, "k3j2")), report.inbox());
    assertEquals(new StreamPositions.Report(false, new StreamPosition(17, "p0q9")), report.broadcast());
  }

  @Test
  void publishAck() {
    assertEquals(new PublishResult("e-42", 1767225600123L, 12, false),
        AckResults.publish(json("{'event_id':'e-42','timestamp':1767225600123,'offset':12}"), "mine"));
    assertEquals(new PublishResult("mine", 0, -1, false), AckResults.publish(json("{}"), "mine"));
    assertEquals(new PublishResult("e-7", 9, 3, true),
        AckResults.publish(json("{'event_id':'e-7','timestamp':9,'offset':3,'queued':true}"), "e-7"));
  }

  @Test
  void joinAckWithAMemberList() {
    ChannelInfo c = AckResults.joined(json("{'channel':'general','offset':12,'epoch':'a1b2',"
        + "'members':['alice','bob']}"), "general");
    assertEquals(new ChannelInfo("general", 2, 12, "a1b2"), c);
  }

  @Test
  void channelListTakesMembersAsAListOrACount() {
    List<ChannelInfo> channels = AckResults.channels(json("{'channels':[{'name':'general','members':['a','b','c'],"
        + "'last_offset':40,'epoch':'e1'},{'name':'random','members':5,'last_offset':0,'epoch':'e2'}]}"));
    assertEquals(List.of(new ChannelInfo("general", 3, 40, "e1"), new ChannelInfo("random", 5, 0, "e2")), channels);
    assertEquals(List.of(), AckResults.channels(json("{}")));
  }

  @Test
  void agentListWithCapabilities() {
    List<AgentInfo> agents = AckResults.agents(json("{'agents':[{'agent_id':'alice','metadata':{'name':'Alice',"
        + "'capabilities':['search','summarize']},'connected_since':1000,'status':'online','node_id':'n1'},"
        + "{'agent_id':'bob','connected_since':2000,'status':'online','node_id':'n2'}]}"));
    assertEquals(2, agents.size());
    assertEquals("alice", agents.get(0).agentId());
    assertEquals("Alice", agents.get(0).metadata().get("name").asText());
    assertEquals(List.of("search", "summarize"), agents.get(0).capabilities());
    assertEquals(1000, agents.get(0).connectedSince());
    assertEquals("online", agents.get(0).status());
    assertEquals("n1", agents.get(0).nodeId());
    assertEquals(List.of(), agents.get(1).capabilities());
    assertTrue(agents.get(1).metadata().isEmpty());
  }

  @Test
  void historyPage() {
    HistoryPage page = AckResults.history(json("{'channel':'general','epoch':'a1b2','has_more':true,"
        + "'first_offset':1,'last_offset':12,'events':[{'event_id':'e-11','event_name':'channel.message.posted',"
        + "'source_id':'bob','destination_id':'channel:general','payload':{'text':'hi'},'timestamp':5,'offset':11},"
        + "{'event_id':'e-12','event_name':'channel.message.posted','source_id':'alice',"
        + "'destination_id':'channel:general','payload':{'text':'yo'},'timestamp':6,'offset':12}]}"),
        "general", FrameCodec.DEFAULT);
    assertEquals("general", page.channel());
    assertEquals("a1b2", page.epoch());
    assertTrue(page.hasMore());
    assertEquals(1, page.firstOffset());
    assertEquals(12, page.lastOffset());
    assertEquals(List.of("e-11", "e-12"), page.events().stream().map(e -> e.eventId()).toList());
    assertEquals("hi", page.events().get(0).text());
    assertEquals(11, page.events().get(0).offset());
  }

  @Test
  void anEmptyHistoryPage() {
    HistoryPage page = AckResults.history(json("{'channel':'x','epoch':'e','events':[],'has_more':false,"
        + "'first_offset':0,'last_offset':0}"), "x", FrameCodec.DEFAULT);
    assertEquals(List.of(), page.events());
    assertFalse(page.hasMore());
  }

  @Test
  void anUnreadableHistoryEventFailsTheWholePage() {
    WorkspaceException e = assertThrows(WorkspaceException.class, () -> AckResults.history(
        json("{'events':[{'event_name':'Bad Name','destination_id':'channel:x'}]}"), "x", FrameCodec.DEFAULT));
    assertEquals(FailureKind.INVALID, e.kind());
    assertTrue(e.getMessage().startsWith("unreadable ack to history of channel x: "), e.getMessage());
  }

  @Test
  void subscriptionAndMemberLists() {
    assertEquals(List.of("*", "channel.>"), AckResults.subscriptions(json("{'subscriptions':['*','channel.>']}")));
    assertEquals(List.of("alice", "bob"), AckResults.members(json("{'channel':'g','members':['alice','bob']}")));
  }
}
