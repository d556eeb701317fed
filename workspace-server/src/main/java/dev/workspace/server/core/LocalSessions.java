package dev.workspace.server.core;

import dev.workspace.model.SubscriptionTrie;
import io.vertx.core.Context;
import io.vertx.core.Handler;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.internal.ContextInternal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The sessions connected to this node, indexed for delivery, and the node's fan-out: for each delivery it picks
 * the local sessions that should receive it and queues one {@link DeliveryBatch} per event loop on that loop (over
 * the event bus only for a host that named no event loop with {@link #host}).
 * Workspace-wide events (presence, broadcasts) find their receivers through an index of the sessions' patterns, so
 * a connect or disconnect costs work for the sessions interested in it, not for every session.
 * A broker that dispatches all of a stream from one thread ({@link #dispatchInPlace}) hands the batch of the event
 * loop it runs on to that loop's sessions at once, without a task and a wake-up through the event bus.
 * Thread-safe: sessions on every event loop register here, and brokers dispatch from any thread.
 */
public final class LocalSessions implements DeliverySink {
  /** Name of the local codec {@link DeliveryBatch}es travel with. */
  public static final String CODEC = "workspace-delivery-batch";

  private final EventBus eventBus;
  private final DeliveryOptions deliveryOptions = new DeliveryOptions().setCodecName(CODEC).setLocalOnly(true);
  private final Map<String, Map<String, SessionRef>> agentsByWorkspace = new ConcurrentHashMap<>();
  private final Map<String, Set<SessionRef>> channelMembers = new ConcurrentHashMap<>();
  private final Map<String, Set<String>> joined = new ConcurrentHashMap<>();
  private final Map<String, InterestIndex> interestByWorkspace = new ConcurrentHashMap<>();
  private final Map<String, Host> hosts = new ConcurrentHashMap<>();
  private volatile Broker broker;

  /**
   * @param eventBus the node's event bus (with the {@link #CODEC} codec registered)
   */
  public LocalSessions(EventBus eventBus) {
    this.eventBus = eventBus;
  }

  /** The sessions of one event loop, as their host takes batches there. */
  private record Host(ContextInternal context, Handler<DeliveryBatch> handler) {
    /**
     * Queues a batch on the host's loop as the event bus would (a task on the loop's queue, never run inline, so
     * batches reach a loop in the order they were handed over from any thread), without the event bus's message,
     * codec and handler lookup per batch.
     */
    void handOver(DeliveryBatch batch) {
      context.executor().execute(() -> context.dispatch(batch, handler));
    }
  }

  /**
   * Names the event loop whose sessions take the batches sent to an address: batches for it are queued on that
   * loop as tasks that run {@code handler}, and a batch dispatched in place on that loop's thread is handed to
   * {@code handler} there at once. Without it, every batch for the address travels over the event bus.
   *
   * @param address the event-bus address the host consumes
   * @param context the host's event-loop context
   * @param handler what the host's consumer does with a batch, run on {@code context}
   */
  public void host(String address, Context context, Handler<DeliveryBatch> handler) {
    hosts.put(address, new Host((ContextInternal) context, handler));
  }

  /**
   * Forgets a host named with {@link #host}: batches for its address travel over the event bus again.
   *
   * @param address the address
   */
  public void unhost(String address) {
    hosts.remove(address);
  }

  /** @param broker told when this node gains or loses receivers for an audience */
  public void broker(Broker broker) {
    this.broker = broker;
  }

  /**
   * Adds a session, replacing (and returning) the session the same agent had on this node.
   *
   * @param session the session
   * @return the session it replaced, or {@code null}
   */
  public SessionRef add(SessionRef session) {
    Map<String, SessionRef> agents = agentsByWorkspace.computeIfAbsent(session.workspace(), w -> {
      broker.interest(w, Audience.WORKSPACE, true);
      return new ConcurrentHashMap<>();
    });
    SessionRef previous = agents.put(session.agentId(), session);
    InterestIndex interest = interestByWorkspace.computeIfAbsent(session.workspace(), w -> new InterestIndex());
    if (previous != null) {
      interest.remove(previous);
    }
    interest.put(session);
    if (previous == null) {
      broker.interest(session.workspace(), Audience.agent(session.agentId()), true);
    }
    return previous;
  }

  /**
   * Removes a session if it is still the agent's current one.
   *
   * @param session the session
   * @return whether it was removed
   */
  public boolean remove(SessionRef session) {
    joined.remove(session.sessionId());
    Map<String, SessionRef> agents = agentsByWorkspace.get(session.workspace());
    if (agents == null || !agents.remove(session.agentId(), session)) {
      return false;
    }
    InterestIndex interest = interestByWorkspace.get(session.workspace());
    if (interest != null) {
      interest.remove(session);
    }
    broker.interest(session.workspace(), Audience.agent(session.agentId()), false);
    return true;
  }

  /**
   * Re-indexes a session whose subscription patterns changed, if it is still its agent's current one.
   *
   * @param session the session
   */
  public void interestChanged(SessionRef session) {
    InterestIndex interest = interestByWorkspace.get(session.workspace());
    if (interest != null && session(session.workspace(), session.agentId()) == session) {
      interest.put(session);
    }
  }

  /**
   * @param workspace the workspace
   * @param agentId the agent
   * @return the agent's session on this node, or {@code null}
   */
  public SessionRef session(String workspace, String agentId) {
    Map<String, SessionRef> agents = agentsByWorkspace.get(workspace);
    return agents == null ? null : agents.get(agentId);
  }

  @Override
  public void replace(String workspace, String agentId, String sessionId) {
    SessionRef s = session(workspace, agentId);
    if (s != null && s.sessionId().equals(sessionId)) {
      s.replaced();
    }
  }

  /**
   * @param session a session
   * @return the channels it is in (a read-only, thread-safe view)
   */
  public Set<String> channelsOf(SessionRef session) {
    Set<String> channels = joined.get(session.sessionId());
    return channels == null ? Set.of() : Collections.unmodifiableSet(channels);
  }

  /**
   * @param session a session
   * @param channel a channel
   * @return whether the session is in it
   */
  public boolean isMember(SessionRef session, String channel) {
    return channelsOf(session).contains(channel);
  }

  /**
   * Adds a session to a channel's local members.
   *
   * @param session the session
   * @param channel the channel
   */
  public void join(SessionRef session, String channel) {
    joined.computeIfAbsent(session.sessionId(), k -> ConcurrentHashMap.newKeySet()).add(channel);
    Set<SessionRef> members = channelMembers.computeIfAbsent(key(session.workspace(), channel), k -> {
      broker.interest(session.workspace(), Audience.channel(channel), true);
      return ConcurrentHashMap.newKeySet();
    });
    members.add(session);
  }

  /**
   * Removes a session from a channel's local members.
   *
   * @param session the session
   * @param channel the channel
   * @return whether it was a member
   */
  public boolean leave(SessionRef session, String channel) {
    Set<String> channels = joined.get(session.sessionId());
    boolean was = channels != null && channels.remove(channel);
    String key = key(session.workspace(), channel);
    channelMembers.computeIfPresent(key, (k, members) -> {
      members.remove(session);
      if (members.isEmpty()) {
        broker.interest(session.workspace(), Audience.channel(channel), false);
        return null;
      }
      return members;
    });
    return was;
  }

  /** @return how many sessions each workspace has on this node, for metrics and {@code /info} */
  public Map<String, Integer> sessionsByWorkspace() {
    Map<String, Integer> out = new java.util.TreeMap<>();
    agentsByWorkspace.forEach((ws, agents) -> {
      if (!agents.isEmpty()) {
        out.put(ws, agents.size());
      }
    });
    return out;
  }

  /** @return how many subscription patterns this node's sessions hold, over every workspace */
  public int patternCount() {
    int n = 0;
    for (InterestIndex interest : interestByWorkspace.values()) {
      n += interest.size();
    }
    return n;
  }

  /** @return how many channels have members on this node, over every workspace */
  public int channelCount() {
    return channelMembers.size();
  }

  /** @return how many sessions this node holds */
  public int size() {
    int n = 0;
    for (Map<String, SessionRef> agents : agentsByWorkspace.values()) {
      n += agents.size();
    }
    return n;
  }

  /**
   * Sends a delivery to the local sessions that should receive it: a channel's members, one agent, or every
   * agent of the workspace; never the sender itself (but for events to its own inbox); only sessions whose
   * patterns match the event name, except for replies to the agent's own requests.
   *
   * @param d the delivery
   */
  @Override
  public void dispatch(Delivery d) {
    route(d, false);
  }

  /**
   * Sends a delivery as {@link #dispatch} does, but hands the batch for the sessions of the calling thread's event
   * loop to them at once (see {@link DeliverySink#dispatchInPlace}).
   *
   * @param d the delivery
   */
  @Override
  public void dispatchInPlace(Delivery d) {
    route(d, true);
  }

  private void route(Delivery d, boolean inPlace) {
    long now = System.nanoTime();
    ByAddress byAddress = new ByAddress();
    switch (d.audience().kind()) {
      case CHANNEL -> {
        Set<SessionRef> members = channelMembers.get(key(d.workspace(), d.audience().name()));
        if (members != null) {
          for (SessionRef s : members) {
            if (!s.agentId().equals(d.sourceId()) && s.accepts(d.eventName())) {
              byAddress.add(s);
            }
          }
        }
      }
      case AGENT -> {
        SessionRef s = session(d.workspace(), d.audience().name());
        if (s != null && (d.reply() || s.accepts(d.eventName()))) {
          byAddress.add(s);
        }
      }
      case WORKSPACE -> {
        InterestIndex interest = interestByWorkspace.get(d.workspace());
        if (interest != null) {
          for (SessionRef s : interest.match(d.eventName())) {
            if (!s.agentId().equals(d.sourceId()) && s.accepts(d.eventName())) {
              byAddress.add(s);
            }
          }
        }
      }
      default -> throw new IllegalStateException("unknown audience " + d.audience());
    }
    if (byAddress.size == 0) {
      return;
    }
    String stream = d.stream() == null ? null : d.stream().toString();
    EventKind kind = EventKind.of(d);
    Host here = null;
    DeliveryBatch hereBatch = null;
    for (int i = 0; i < byAddress.size; i++) {
      String address = byAddress.addresses[i];
      DeliveryBatch batch = new DeliveryBatch(stream, d.offset(), d.frame(), byAddress.receivers[i], kind, now);
      Host h = hosts.get(address);
      if (h == null) {
        eventBus.send(address, batch, deliveryOptions);
      } else if (inPlace && h.context().inThread()) {
        here = h;
        hereBatch = batch;
      } else {
        h.handOver(batch);
      }
    }
    if (here != null) {
      // After the other loops' batches are on their way, so that they work meanwhile.
      here.context().dispatch(hereBatch, here.handler());
    }
  }

  /**
   * One delivery's receivers grouped by delivery address. A node has one address per event loop, and every session
   * of a loop returns the same address string, so a receiver finds its group by comparing references over a handful
   * of entries rather than hashing the address.
   */
  private static final class ByAddress {
    String[] addresses = new String[2];
    List<SessionRef>[] receivers = newLists(2);
    int size;

    @SuppressWarnings("unchecked")
    private static List<SessionRef>[] newLists(int n) {
      return (List<SessionRef>[]) new List<?>[n];
    }

    void add(SessionRef s) {
      String address = s.deliveryAddress();
      for (int i = 0; i < size; i++) {
        if (addresses[i] == address || addresses[i].equals(address)) {
          receivers[i].add(s);
          return;
        }
      }
      if (size == addresses.length) {
        addresses = java.util.Arrays.copyOf(addresses, size * 2);
        receivers = java.util.Arrays.copyOf(receivers, size * 2);
      }
      addresses[size] = address;
      receivers[size] = new ArrayList<>(4);
      receivers[size++].add(s);
    }
  }

  /**
   * A workspace's current sessions by their subscription patterns: what a workspace-wide event costs grows with
   * the sessions whose patterns match it, not with all sessions.
   */
  private static final class InterestIndex {
    private final SubscriptionTrie<SessionRef> trie = new SubscriptionTrie<>();
    private final Map<SessionRef, List<String>> indexed = new HashMap<>();

    synchronized void put(SessionRef session) {
      remove(session);
      List<String> patterns = List.copyOf(session.patterns());
      for (String p : patterns) {
        trie.add(p, session);
      }
      indexed.put(session, patterns);
    }

    synchronized void remove(SessionRef session) {
      List<String> patterns = indexed.remove(session);
      if (patterns != null) {
        for (String p : patterns) {
          trie.remove(p, session);
        }
      }
    }

    synchronized int size() {
      int n = 0;
      for (List<String> patterns : indexed.values()) {
        n += patterns.size();
      }
      return n;
    }

    synchronized Set<SessionRef> match(String eventName) {
      return trie.matchAll(eventName);
    }
  }

  private static String key(String workspace, String channel) {
    return workspace + '\u0000' + channel;
  }
}
