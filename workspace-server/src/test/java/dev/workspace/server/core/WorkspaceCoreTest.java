package dev.workspace.server.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.workspace.model.ErrorCode;
import dev.workspace.model.Event;
import dev.workspace.model.FrameCodec;
import dev.workspace.model.ProtocolException;
import dev.workspace.model.SubscriptionTrie;
import dev.workspace.server.edge.DeliveryBatchCodec;
import dev.workspace.server.testing.RawClient;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Who receives what, decided by the routing core alone: no sockets, sessions are plain objects. */
class WorkspaceCoreTest {
  private final Vertx vertx = Vertx.vertx();
  private final FrameCodec codec = FrameCodec.DEFAULT;
  private final LocalSessions sessions;
  private final WorkspaceCore core;

  WorkspaceCoreTest() {
    vertx.eventBus().registerCodec(new DeliveryBatchCodec());
    sessions = new LocalSessions(vertx.eventBus());
    MemoryBroker broker = new MemoryBroker(codec, 100, 100);
    sessions.broker(broker);
    RawClient.await(broker.start(sessions));
    core = new WorkspaceCore("n1", broker, new MemoryDirectory(), sessions, 100, 500);
  }

  @AfterEach
  void close() {
    RawClient.await(vertx.close());
  }

  /** A session that records the event names it is sent. */
  private final class Probe implements SessionRef {
    final String id = UUID.randomUUID().toString();
    final String address = "probe." + id;
    final String agent;
    final String workspace;
    final SubscriptionTrie<Boolean> trie;
    final Set<String> channels = ConcurrentHashMap.newKeySet();
    final LinkedBlockingQueue<JsonNode> received = new LinkedBlockingQueue<>();

    Probe(String workspace, String agent, List<String> patterns) {
      this.agent = agent;
      this.workspace = workspace;
      this.trie = SubscriptionTrie.of(patterns);
      vertx.eventBus().<DeliveryBatch>localConsumer(address, m ->
          received.add(codec.parseObject(new String(m.body().frame(), java.nio.charset.StandardCharsets.UTF_8)).get("event")));
    }

    @Override
    public String sessionId() {
      return id;
    }

    @Override
    public String workspace() {
      return workspace;
    }

    @Override
    public String agentId() {
      return agent;
    }

    @Override
    public String deliveryAddress() {
      return address;
    }

    @Override
    public boolean accepts(String eventName) {
      return trie.matches(eventName);
    }

    @Override
    public Set<String> channels() {
      return channels;
    }

    @Override
    public void hold(String stream) {
    }

    @Override
    public void replaced() {
    }

    JsonNode next() throws InterruptedException {
      JsonNode e = received.poll(10, TimeUnit.SECONDS);
      if (e == null) {
        throw new AssertionError(agent + " received nothing");
      }
      return e;
    }

    /** Drains what arrived, after a marker event proves every earlier delivery has been handed over. */
    List<String> names() throws InterruptedException {
      RawClient.await(core.publishAs(workspace, "marker", Event.of("test.marker", "agent:" + agent)
          .withResponseTo("marker")));
      List<String> names = new ArrayList<>();
      while (true) {
        JsonNode e = next();
        if (e.get("event_name").asText().equals("test.marker")) {
          return names;
        }
        names.add(e.get("event_name").asText());
      }
    }
  }

  private Probe connect(String ws, String agent, String... patterns) {
    Probe p = new Probe(ws, agent, List.of(patterns));
    RawClient.await(core.connect(p, null, null));
    return p;
  }

  private static Event post(String channel, String text) {
    Event e = Event.of("channel.message.posted", "channel:" + channel);
    e.payload().put("text", text);
    return e;
  }

  @Test
  void quietBotOnBusyChannelIsSentOnlyItsMentions() throws Exception {
    Probe alice = connect("w", "alice", "channel.message.*");
    Probe bot = connect("w", "bot", "channel.message.mentioned");
    RawClient.await(core.join(alice, "general", null));
    RawClient.await(core.join(bot, "general", null));
    for (int i = 0; i < 5; i++) {
      RawClient.await(core.publish(alice, post("general", "chatter " + i)));
    }
    RawClient.await(core.publish(alice, post("general", "hey @bot, and @nobody")));
    JsonNode mention = bot.next();
    assertEquals("channel.message.mentioned", mention.get("event_name").asText());
    assertEquals("alice", mention.get("source_id").asText());
    assertEquals("general", mention.get("payload").get("channel").asText());
    assertEquals(6, mention.get("payload").get("post_offset").asLong());
    assertEquals(List.of(), bot.names());
  }

  @Test
  void workspacesAreIsolated() throws Exception {
    Probe a = connect("one", "alice", "*");
    Probe b = connect("two", "bob", "*");
    Probe c = connect("two", "carol", "*");
    RawClient.await(core.publish(a, Event.of("agent.broadcast", "agent:broadcast")));
    Future<?> dm = core.publish(a, Event.of("agent.message", "agent:bob"));
    ProtocolException e = assertInstanceOf(ProtocolException.class, awaitFailure(dm));
    assertEquals(ErrorCode.NOT_FOUND, e.code());
    assertEquals(List.of("agent.joined"), b.names());
    assertEquals(List.of(), c.names());
    assertEquals(List.of(), a.names());
  }

  @Test
  void repliesReachTheRequesterWhateverItsSubscriptions() throws Exception {
    Probe asker = connect("w", "asker");
    Probe worker = connect("w", "worker", "task.>");
    Event request = Event.of("task.run", "agent:worker").withRequiresResponse(true).withEventId("req-1");
    RawClient.await(core.publish(asker, request));
    JsonNode got = worker.next();
    assertEquals("req-1", got.get("event_id").asText());
    assertTrue(got.get("requires_response").asBoolean());
    RawClient.await(core.publish(worker, Event.of("task.done", "agent:asker").withResponseTo("req-1")));
    JsonNode reply = asker.next();
    assertEquals("task.done", reply.get("event_name").asText());
    assertEquals("req-1", reply.get("response_to").asText());
    assertEquals(List.of(), asker.names());
    assertEquals(List.of(), worker.names());
  }

  private static Throwable awaitFailure(Future<?> f) {
    try {
      f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      return e.getCause();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
    throw new AssertionError("expected a failure");
  }
}
