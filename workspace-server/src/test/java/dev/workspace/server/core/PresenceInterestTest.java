package dev.workspace.server.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.workspace.model.FrameCodec;
import dev.workspace.model.SubscriptionTrie;
import dev.workspace.server.edge.DeliveryBatchCodec;
import dev.workspace.server.testing.RawClient;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Connecting and disconnecting costs work for the sessions interested in presence, not for every session: with
 * 2,000 agents that subscribed to something else, 20 agents joining and leaving never ask any of them whether
 * they want {@code agent.joined}, while the three watchers (by {@code *}, {@code agent.*} and {@code agent.>})
 * receive every announcement once, and a session that subscribes later is found by its new patterns.
 */
class PresenceInterestTest {
  private final Vertx vertx = Vertx.vertx();
  private final LocalSessions sessions;
  private final WorkspaceCore core;
  private final AtomicInteger asked = new AtomicInteger();

  PresenceInterestTest() {
    vertx.eventBus().registerCodec(new DeliveryBatchCodec());
    sessions = new LocalSessions(vertx.eventBus());
    MemoryBroker broker = new MemoryBroker(FrameCodec.DEFAULT, 100, 100);
    sessions.broker(broker);
    RawClient.await(broker.start(sessions));
    core = new WorkspaceCore("n1", broker, new MemoryDirectory(), sessions, 100, 500);
  }

  @AfterEach
  void close() {
    RawClient.await(vertx.close());
  }

  private final class Probe implements SessionRef {
    final String id = UUID.randomUUID().toString();
    final String agent;
    final boolean counted;
    volatile List<String> patterns;
    volatile SubscriptionTrie<Boolean> trie;
    final LinkedBlockingQueue<String> received = new LinkedBlockingQueue<>();

    Probe(String agent, List<String> patterns, boolean counted) {
      this.agent = agent;
      this.counted = counted;
      this.patterns = patterns;
      this.trie = SubscriptionTrie.of(patterns);
      vertx.eventBus().<DeliveryBatch>localConsumer("probe." + id, m -> {
        com.fasterxml.jackson.databind.JsonNode event = FrameCodec.DEFAULT.parseObject(
            new String(m.body().frame(), java.nio.charset.StandardCharsets.UTF_8)).get("event");
        received.add(event.get("event_name").asText() + " " + event.get("source_id").asText());
      });
    }

    void subscribe(List<String> next) {
      patterns = next;
      trie = SubscriptionTrie.of(next);
      core.subscriptionsChanged(this);
    }

    @Override
    public String sessionId() {
      return id;
    }

    @Override
    public String workspace() {
      return "w";
    }

    @Override
    public String agentId() {
      return agent;
    }

    @Override
    public String deliveryAddress() {
      return "probe." + id;
    }

    @Override
    public boolean accepts(String eventName) {
      if (counted) {
        asked.incrementAndGet();
      }
      return trie.matches(eventName);
    }

    @Override
    public Collection<String> patterns() {
      return patterns;
    }

    @Override
    public void hold(String stream) {
    }

    @Override
    public void replaced() {
    }

    List<String> take(int n) throws InterruptedException {
      List<String> out = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        String e = received.poll(10, TimeUnit.SECONDS);
        if (e == null) {
          throw new AssertionError(agent + " got " + out + ", expected " + n);
        }
        out.add(e);
      }
      return out;
    }
  }

  private Probe connect(String agent, List<String> patterns, boolean counted) {
    Probe p = new Probe(agent, patterns, counted);
    RawClient.await(core.connect(p, null, null));
    return p;
  }

  @Test
  void presenceReachesOnlyTheInterestedWithoutAskingTheOthers() throws InterruptedException {
    List<Probe> bystanders = new ArrayList<>();
    for (int i = 0; i < 2000; i++) {
      bystanders.add(connect("quiet-" + i, List.of("task.*", "channel.message.>"), true));
    }
    Probe all = connect("all", List.of("*"), false);
    Probe star = connect("star", List.of("agent.*", "agent.joined"), false);
    Probe tail = connect("tail", List.of("agent.>"), false);
    Probe late = connect("late", List.of("task.done"), false);
    assertEquals(List.of("agent.joined star", "agent.joined tail", "agent.joined late"), all.take(3));
    assertEquals(List.of("agent.joined tail", "agent.joined late"), star.take(2));
    assertEquals(List.of("agent.joined late"), tail.take(1));
    asked.set(0);
    List<String> expected = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      Probe p = connect("visitor-" + i, List.of("task.*"), true);
      RawClient.await(core.disconnect(p));
      expected.add("agent.joined visitor-" + i);
      expected.add("agent.left visitor-" + i);
    }
    late.subscribe(List.of("task.done", "agent.left"));
    for (int i = 10; i < 20; i++) {
      Probe p = connect("visitor-" + i, List.of("task.*"), true);
      RawClient.await(core.disconnect(p));
      expected.add("agent.joined visitor-" + i);
      expected.add("agent.left visitor-" + i);
    }
    assertEquals(0, asked.get(), "bystanders were asked about presence");
    assertEquals(expected, all.take(40));
    assertEquals(expected, star.take(40));
    assertEquals(expected, tail.take(40));
    assertEquals(expected.subList(20, 40).stream().filter(e -> e.startsWith("agent.left")).toList(), late.take(10));
    RawClient.await(core.disconnect(all));
    assertEquals(List.of("agent.left all"), star.take(1));
    assertEquals(List.of("agent.left all"), tail.take(1));
    assertEquals(List.of("agent.left all"), late.take(1));
    RawClient.await(core.disconnect(tail));
    assertEquals(List.of("agent.left tail"), star.take(1));
    assertEquals(List.of("agent.left tail"), late.take(1));
    assertEquals(0, bystanders.stream().mapToInt(b -> b.received.size()).sum());
    assertEquals(0, late.received.size() + star.received.size());
  }
}
