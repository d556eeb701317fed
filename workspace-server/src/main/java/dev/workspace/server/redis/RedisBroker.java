package dev.workspace.server.redis;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.workspace.model.Destination;
import dev.workspace.model.Event;
import dev.workspace.model.Frame;
import dev.workspace.model.FrameCodec;
import dev.workspace.model.Ids;
import dev.workspace.model.StreamPosition;
import dev.workspace.server.core.Attached;
import dev.workspace.server.core.Audience;
import dev.workspace.server.core.Broker;
import dev.workspace.server.core.Delivery;
import dev.workspace.server.core.HistoryPage;
import dev.workspace.server.core.DeliverySink;
import dev.workspace.server.core.Published;
import dev.workspace.server.core.StreamKey;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The broker of a cluster node: stream offsets, epochs and bounded history live in Redis, and each event crosses
 * to the other nodes as one Redis PUBLISH (SPUBLISH in a Redis Cluster) on the channel of its audience
 * ({@code ws:{<workspace>}:ch:<channel>}, {@code ws:{<workspace>}:agent:<id>}, {@code ws:{<workspace>}:all}).
 *
 * <p>Publishing a stream event is one script that takes the next offset, splices it into the frame encoded once
 * here, appends the result to the stream's history and publishes it: offset order is publish order, and every node
 * (this one too) delivers events to its sessions from its pub/sub connection, in that order. A node subscribes
 * only to the audiences it has local receivers for ({@link #interest}); agents' patterns are matched on the node by
 * {@link DeliverySink}, never by Redis.
 *
 * <p>Per stream of interest the node remembers the last offset it delivered. A missing offset (after a reconnect
 * or any hole) is read back from history before later events; events no longer in history, a stream whose epoch
 * changed, and events other nodes could only deliver locally while they could not reach Redis are announced to
 * the affected sessions with a {@value #GAP} event. While Redis cannot be reached, events still reach the sessions
 * of this node, without an offset.
 */
public final class RedisBroker implements Broker, RedisLink.Listener {
  /** The event the server sends when a session may have missed events it cannot recover. */
  public static final String GAP = dev.workspace.model.EventNames.STREAM_GAP;
  /** Most live events held per stream while its missed events are read; beyond it they are read again. */
  static final int MAX_HELD = 10_000;

  private static final Logger LOG = LoggerFactory.getLogger(RedisBroker.class);
  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

  private record Ref(String workspace, StreamKey stream) {
  }

  /** What this node delivered of one stream. Changed on the link's context only. */
  private static final class Track {
    final Ref ref;
    volatile String epoch;
    volatile long last;
    boolean recovering;
    boolean overflow;
    List<Inbound> held = new ArrayList<>();

    Track(Ref ref, String epoch, long last) {
      this.ref = ref;
      this.epoch = epoch;
      this.last = last;
    }
  }

  private final RedisLink link;
  private final FrameCodec codec;
  private final String nodeId;
  private final int channelHistory;
  private final int inboxHistory;
  private final Map<Ref, Track> tracks = new ConcurrentHashMap<>();
  private final Map<Ref, AtomicLong> unreplicated = new ConcurrentHashMap<>();
  private final Set<String> workspaces = ConcurrentHashMap.newKeySet();
  private volatile DeliverySink sink;
  private volatile java.util.function.LongConsumer publishLatency = nanos -> { };

  RedisBroker(RedisLink link, FrameCodec codec, String nodeId, int channelHistory, int inboxHistory) {
    this.link = link;
    this.codec = codec;
    this.nodeId = nodeId;
    this.channelHistory = channelHistory;
    this.inboxHistory = inboxHistory;
  }

  @Override
  public Future<Void> start(DeliverySink sink) {
    this.sink = sink;
    return link.start();
  }

  /**
   * Measures every publish script from now on.
   *
   * @param nanos takes how long each took, until Redis answered (after the replicas confirmed, when waited for)
   */
  public void publishLatency(java.util.function.LongConsumer nanos) {
    this.publishLatency = nanos;
  }

  /** The link is closed by the directory, which is closed after the broker. */
  @Override
  public Future<Void> close() {
    return Future.succeededFuture();
  }

  @Override
  public boolean isReady() {
    return link.isReady();
  }

  // ------------------------------------------------------------------ publishing

  @Override
  public Future<Published> publish(String workspace, StreamKey stream, Event event) {
    byte[] frame = codec.encodeBytes(new Frame.Deliver(event.offset() < 0 ? event : event.withOffset(-1)));
    Ref ref = new Ref(workspace, stream);
    if (!link.commandsUp()) {
      return publishLocally(ref, event, frame);
    }
    return append(Inbound.STREAM, ref, event, frame, true);
  }

  /**
   * One script: next offset, spliced into the frame, appended to history, published once.
   *
   * @param durable whether to wait for the replicas (agents' events); the server's own notices while it catches up
   *     do not, so that a primary without replicas never keeps a node from recovering
   */
  private Future<Published> append(char kind, Ref ref, Event event, byte[] frame, boolean durable) {
    if (frame.length < 2 || frame[frame.length - 1] != '}' || frame[frame.length - 2] != '}') {
      throw new IllegalStateException("an event frame must end with the event object");
    }
    StreamKey stream = ref.stream();
    String prefix = Inbound.streamPrefix(kind, ref.workspace(), stream, event.eventName(), event.sourceId(),
        event.responseTo() != null, nodeId);
    Track t = tracks.get(ref);
    int bound = stream.kind() == StreamKey.Kind.CHANNEL ? channelHistory : inboxHistory;
    Object[] args = {RedisKeys.channelOf(ref.workspace(), Audience.of(stream)), prefix, frame, bound, newEpoch(),
        t == null ? 0L : t.last, link.replicationId(), link.publishCommand().toString().toUpperCase()};
    long started = System.nanoTime();
    return (durable ? link.evalDurable(RedisScripts.PUBLISH, keys(ref), args)
        : link.eval(RedisScripts.PUBLISH, keys(ref), args))
        .map(r -> {
          publishLatency.accept(System.nanoTime() - started);
          return new Published(r.get(0).toLong(), r.get(1).toString());
        });
  }

  /** Redis cannot be reached: this node's receivers still get the event, without an offset or history. */
  private Future<Published> publishLocally(Ref ref, Event event, byte[] frame) {
    sink.dispatch(new Delivery(ref.workspace(), Audience.of(ref.stream()), null, -1, event.eventName(),
        event.sourceId(), event.responseTo() != null, frame));
    unreplicated.computeIfAbsent(ref, r -> new AtomicLong()).incrementAndGet();
    Track t = tracks.get(ref);
    return Future.succeededFuture(new Published(-1, t == null || t.epoch == null ? "" : t.epoch));
  }

  @Override
  public Future<Void> publishTransient(String workspace, Audience audience, Event event) {
    byte[] frame = codec.encodeBytes(new Frame.Deliver(event));
    if (!link.commandsUp()) {
      sink.dispatch(new Delivery(workspace, audience, null, -1, event.eventName(), event.sourceId(), false, frame));
      return Future.succeededFuture();
    }
    byte[] message = Inbound.transientMessage(Inbound.TRANSIENT, workspace, audience, event.eventName(),
        event.sourceId(), nodeId, frame);
    return link.publish(RedisKeys.channelOf(workspace, audience), message).mapEmpty();
  }

  // ------------------------------------------------------------------ reading

  @Override
  public Future<Attached> attach(String workspace, StreamKey stream, StreamPosition since, Runnable attach) {
    attach.run();
    Ref ref = new Ref(workspace, stream);
    String channel = RedisKeys.channelOf(workspace, Audience.of(stream));
    return link.whenSubscribed(channel).compose(v -> {
      Track t = tracks.get(ref);
      return link.eval(RedisScripts.ATTACH, keys(ref), newEpoch(), t == null ? 0L : t.last,
          since == null ? -1L : Math.max(0, since.offset()), since == null ? "" : since.epoch(),
          link.replicationId());
    }).map(r -> {
      long seq = r.get(0).toLong();
      String epoch = r.get(1).toString();
      int status = r.get(3).toInteger();
      List<byte[]> missed = new ArrayList<>(Math.max(0, r.size() - 4));
      for (int i = 4; i < r.size(); i++) {
        missed.add(Inbound.parse(r.get(i).toBytes()).frame());
      }
      link.execute(() -> {
        if (link.wants(channel)) {
          tracks.putIfAbsent(ref, new Track(ref, epoch, seq));
        }
      });
      return new Attached(seq, epoch, status == 0 ? null : status == 1, missed, seq);
    });
  }

  @Override
  public Future<HistoryPage> history(String workspace, StreamKey stream, Long before, Long after, int limit) {
    String mode = "before";
    String low = "-";
    String high = "+";
    if (after != null) {
      mode = "after";
      if (after >= Long.MAX_VALUE - 1 || (before != null && before - 1 < after + 1)) {
        mode = "none";
      } else {
        low = String.valueOf(after + 1);
        if (before != null) {
          high = String.valueOf(before - 1);
        }
      }
    } else if (before != null) {
      if (before <= 1) {
        mode = "none";
      } else {
        high = String.valueOf(before - 1);
      }
    }
    return link.eval(RedisScripts.HISTORY, keys(new Ref(workspace, stream)), newEpoch(), mode, low, high, limit,
            link.replicationId())
        .map(r -> {
          long seq = r.get(0).toLong();
          String epoch = r.get(1).toString();
          long first = r.get(2).toLong();
          List<Event> page = new ArrayList<>(Math.max(0, r.size() - 4));
          for (int i = 4; i < r.size(); i++) {
            byte[] frame = Inbound.parse(r.get(i).toBytes()).frame();
            Frame.ServerFrame f = codec.decodeServer(new String(frame, StandardCharsets.UTF_8));
            page.add(((Frame.Deliver) f).event());
          }
          boolean hasMore;
          if (after != null) {
            long ceiling = before == null ? seq : Math.min(seq, before - 1);
            hasMore = !page.isEmpty() && page.get(page.size() - 1).offset() < ceiling;
          } else {
            hasMore = !page.isEmpty() && page.get(0).offset() > first;
          }
          return new HistoryPage(page, hasMore, first, seq, epoch);
        });
  }

  @Override
  public Future<StreamPosition> position(String workspace, StreamKey stream) {
    return link.eval(RedisScripts.ATTACH, keys(new Ref(workspace, stream)), newEpoch(), 0L, -1L, "",
            link.replicationId())
        .map(r -> new StreamPosition(r.get(0).toLong(), r.get(1).toString()));
  }

  // ------------------------------------------------------------------ interest

  @Override
  public void interest(String workspace, Audience audience, boolean interested) {
    String channel = RedisKeys.channelOf(workspace, audience);
    if (audience.kind() == Audience.Kind.WORKSPACE) {
      if (interested) {
        workspaces.add(workspace);
      } else {
        workspaces.remove(workspace);
      }
    }
    if (interested) {
      link.subscribe(channel);
      return;
    }
    link.unsubscribe(channel);
    Ref ref = new Ref(workspace, streamOf(audience));
    link.execute(() -> {
      if (!link.wants(channel)) {
        tracks.remove(ref);
      }
    });
  }

  private static StreamKey streamOf(Audience audience) {
    return switch (audience.kind()) {
      case CHANNEL -> StreamKey.channel(audience.name());
      case AGENT -> StreamKey.inbox(audience.name());
      case WORKSPACE -> StreamKey.BROADCAST;
    };
  }

  // ------------------------------------------------------------------ receiving (on the link's context)

  @Override
  public void onMessage(String channel, byte[] message) {
    if (channel.equals(link.controlChannel())) {
      control(new String(message, StandardCharsets.UTF_8));
      return;
    }
    if (!link.wants(channel)) {
      return;
    }
    Inbound m;
    try {
      m = Inbound.parse(message);
    } catch (RuntimeException e) {
      LOG.warn("dropping a malformed message on {}: {}", channel, e.getMessage());
      return;
    }
    if (m.stream() != null) {
      onStreamEvent(m);
    } else {
      toSessions(m.delivery());
    }
  }

  private void control(String message) {
    String[] f = message.split("\t", -1);
    if (f.length == 5 && f[0].equals("C") && f[1].equals("replace")) {
      sink.replace(f[2], f[3], f[4]);
    }
  }

  private void onStreamEvent(Inbound m) {
    Ref ref = new Ref(m.workspace(), m.stream());
    Track t = tracks.computeIfAbsent(ref, r -> new Track(r, m.epoch(), m.offset() - 1));
    if (t.recovering) {
      hold(t, m);
      return;
    }
    if (!m.epoch().equals(t.epoch)) {
      hold(t, m);
      resume(t);
      return;
    }
    if (m.offset() <= t.last) {
      return;
    }
    if (m.offset() == t.last + 1) {
      t.last = m.offset();
      deliver(m);
      return;
    }
    hold(t, m);
    resume(t);
  }

  /** Hands a stream event to this node's sessions, but for this node's notices about its own traffic. */
  private void deliver(Inbound m) {
    if (m.kind() != Inbound.NOTICE || !m.origin().equals(nodeId)) {
      toSessions(m.delivery());
    }
  }

  /**
   * Every delivery of a stream that carries an offset is dispatched from the link's thread (pushes, read-backs
   * and notices), so the sessions on that thread's event loop take it in place.
   */
  private void toSessions(Delivery d) {
    if (link.onLinkThread()) {
      sink.dispatchInPlace(d);
    } else {
      sink.dispatch(d);
    }
  }

  private static void hold(Track t, Inbound m) {
    if (t.held.size() >= MAX_HELD) {
      t.overflow = true;
      return;
    }
    t.held.add(m);
  }

  /** Reads back what a stream's receivers on this node missed, then releases the events held meanwhile. */
  private Future<Void> resume(Track t) {
    t.recovering = true;
    long from = t.last;
    Promise<Void> done = Promise.promise();
    link.eval(RedisScripts.RESUME, keys(t.ref), newEpoch(), from, t.epoch == null ? "" : t.epoch,
            link.replicationId())
        .onComplete(ar -> link.execute(() -> {
          if (tracks.get(t.ref) != t) {
            done.tryComplete();
            return;
          }
          if (ar.failed()) {
            if (link.commandsUp() && RedisLink.isRedisError(ar.cause())) {
              LOG.error("could not read back stream {}: {}", t.ref, ar.cause().getMessage());
              notice(t.ref, "trimmed", t.last + 1, -1, t.epoch);
              t.last = t.held.isEmpty() ? t.last : t.held.get(0).offset() - 1;
              release(t);
              done.tryComplete();
            } else {
              done.tryFail(ar.cause());
            }
            return;
          }
          caughtUp(t, ar.result());
          release(t);
          done.tryComplete();
        }));
    return done.future();
  }

  private void caughtUp(Track t, Response r) {
    long seq = r.get(0).toLong();
    String epoch = r.get(1).toString();
    int status = r.get(3).toInteger();
    if (status == 0) {
      epochChanged(t, r, seq, epoch);
      return;
    }
    long expected = t.last + 1;
    int n = r.size() - 4;
    if (n > 0) {
      long firstFound = Inbound.parse(r.get(4).toBytes()).offset();
      if (firstFound > expected) {
        notice(t.ref, "trimmed", expected, firstFound - 1, epoch);
      }
    } else if (seq >= expected) {
      notice(t.ref, "trimmed", expected, seq, epoch);
    }
    for (int i = 4; i < r.size(); i++) {
      Inbound m = Inbound.parse(r.get(i).toBytes());
      if (m.offset() > t.last) {
        t.last = m.offset();
        deliver(m);
      }
    }
    t.last = Math.max(t.last, seq);
  }

  /**
   * The stream's epoch changed while this node was away. What history still holds after the node's offset in the
   * old epoch (after a failover, the events the new primary has that this node had not delivered yet) is delivered
   * first, then the notice, then what was published in the new epoch.
   */
  private void epochChanged(Track t, Response r, long seq, String epoch) {
    List<Inbound> later = new ArrayList<>();
    for (int i = 4; i < r.size(); i++) {
      Inbound m = Inbound.parse(r.get(i).toBytes());
      if (m.epoch().equals(t.epoch)) {
        if (m.offset() > t.last) {
          t.last = m.offset();
          deliver(m);
        }
      } else if (m.epoch().equals(epoch)) {
        later.add(m);
      }
    }
    epochNotice(t.ref, epoch);
    t.epoch = epoch;
    for (Inbound m : later) {
      deliver(m);
    }
    t.last = seq;
  }

  private void release(Track t) {
    t.recovering = false;
    List<Inbound> held = t.held;
    boolean overflow = t.overflow;
    t.held = new ArrayList<>();
    t.overflow = false;
    for (Inbound m : held) {
      onStreamEvent(m);
    }
    if (overflow && !t.recovering) {
      resume(t);
    }
  }

  /** Delivers a {@value #GAP} notice to this node's sessions of a stream's audience. */
  private void notice(Ref ref, String reason, long from, long to, String epoch) {
    ObjectNode payload = JSON.objectNode().put("stream", ref.stream().toString()).put("reason", reason);
    if (from >= 0) {
      payload.put("from_offset", from);
    }
    if (to >= 0) {
      payload.put("to_offset", to);
    }
    if (epoch != null) {
      payload.put("epoch", epoch);
    }
    deliverNotice(ref.workspace(), Audience.of(ref.stream()), payload);
  }

  /**
   * Delivers the {@code epoch_changed} notice as the stream's event without an offset, which tells each session to
   * compare the offsets after it afresh: the new epoch's may repeat ones it had of the old epoch, as they continue
   * above the offset of the node that first wrote in the new epoch, which can be below this node's.
   */
  private void epochNotice(Ref ref, String epoch) {
    Audience audience = Audience.of(ref.stream());
    ObjectNode payload = JSON.objectNode().put("stream", ref.stream().toString()).put("reason", "epoch_changed")
        .put("epoch", epoch);
    toSessions(new Delivery(ref.workspace(), audience, ref.stream(), -1, GAP, Ids.SYSTEM, false,
        codec.encodeBytes(new Frame.Deliver(gapEvent(audience, payload)))));
  }

  private void deliverNotice(String workspace, Audience audience, ObjectNode payload) {
    Event e = gapEvent(audience, payload);
    toSessions(new Delivery(workspace, audience, null, -1, GAP, Ids.SYSTEM, false,
        codec.encodeBytes(new Frame.Deliver(e))));
  }

  private static Event gapEvent(Audience audience, ObjectNode payload) {
    String destination = switch (audience.kind()) {
      case CHANNEL -> "channel:" + audience.name();
      case AGENT -> "agent:" + audience.name();
      case WORKSPACE -> Destination.BROADCAST.toString();
    };
    return Event.create(UUID.randomUUID().toString(), GAP, Ids.SYSTEM, destination, payload, null,
        System.currentTimeMillis(), null, false, -1);
  }

  @Override
  public Future<Void> onRecovered() {
    List<Future<Void>> steps = new ArrayList<>();
    for (Track t : new ArrayList<>(tracks.values())) {
      t.held.clear();
      t.overflow = false;
      steps.add(resume(t));
    }
    for (Map.Entry<Ref, AtomicLong> e : new ArrayList<>(unreplicated.entrySet())) {
      steps.add(announceUnreplicated(e.getKey(), e.getValue()));
    }
    for (String ws : new ArrayList<>(workspaces)) {
      deliverNotice(ws, Audience.WORKSPACE, JSON.objectNode().put("stream", "presence").put("reason", "disconnected"));
    }
    return Future.join(steps).mapEmpty();
  }

  /**
   * Tells the other nodes' receivers of a channel or of the broadcast stream that events published here while
   * Redis was away never reached them. The notice is a stream event, kept in history, so a node that comes back
   * later still reads it. Inbox events published meanwhile had their only receiver here.
   */
  private Future<Void> announceUnreplicated(Ref ref, AtomicLong counter) {
    long count = counter.get();
    if (count == 0 || ref.stream().kind() == StreamKey.Kind.INBOX) {
      unreplicated.remove(ref, counter);
      return Future.succeededFuture();
    }
    Audience audience = Audience.of(ref.stream());
    ObjectNode payload = JSON.objectNode().put("stream", ref.stream().toString()).put("reason", "not_replicated")
        .put("count", count).put("node_id", nodeId);
    Event notice = gapEvent(audience, payload);
    return append(Inbound.NOTICE, ref, notice, codec.encodeBytes(new Frame.Deliver(notice)), false).map(p -> {
      if (counter.addAndGet(-count) == 0) {
        unreplicated.remove(ref, counter);
      }
      return null;
    });
  }

  // ------------------------------------------------------------------ helpers

  private static List<String> keys(Ref ref) {
    return List.of(RedisKeys.streamMeta(ref.workspace(), ref.stream()), RedisKeys.streamLog(ref.workspace(), ref.stream()));
  }

  private static String newEpoch() {
    return UUID.randomUUID().toString().substring(0, 8);
  }
}
