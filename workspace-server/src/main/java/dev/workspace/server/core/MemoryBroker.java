package dev.workspace.server.core;

import dev.workspace.model.Event;
import dev.workspace.model.Frame;
import dev.workspace.model.FrameCodec;
import dev.workspace.model.StreamPosition;
import io.vertx.core.Future;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The broker of a node that runs alone: streams live in this process, and every delivery goes straight to the
 * node's {@link DeliverySink}. A stream's epoch is chosen when the stream is first used, so a restart changes
 * every epoch.
 */
public final class MemoryBroker implements Broker {
  private final FrameCodec codec;
  private final int channelHistory;
  private final int inboxHistory;
  private final Map<String, StreamLog> streams = new ConcurrentHashMap<>();
  private volatile DeliverySink sink;

  /**
   * @param codec encodes each event once
   * @param channelHistory events kept per channel
   * @param inboxHistory events kept per inbox and per broadcast stream
   */
  public MemoryBroker(FrameCodec codec, int channelHistory, int inboxHistory) {
    this.codec = codec;
    this.channelHistory = channelHistory;
    this.inboxHistory = inboxHistory;
  }

  private static final class StreamLog {
    final String epoch = UUID.randomUUID().toString().substring(0, 8);
    final ArrayDeque<Event> history = new ArrayDeque<>();
    final int capacity;
    long offset;

    StreamLog(int capacity) {
      this.capacity = capacity;
    }

    long firstOffset() {
      return history.isEmpty() ? 0 : history.peekFirst().offset();
    }
  }

  private StreamLog log(String workspace, StreamKey stream) {
    return streams.computeIfAbsent(workspace + '\u0000' + stream,
        k -> new StreamLog(stream.kind() == StreamKey.Kind.CHANNEL ? channelHistory : inboxHistory));
  }

  @Override
  public Future<Void> start(DeliverySink sink) {
    this.sink = sink;
    return Future.succeededFuture();
  }

  @Override
  public Future<Void> close() {
    return Future.succeededFuture();
  }

  @Override
  public Future<Published> publish(String workspace, StreamKey stream, Event event) {
    StreamLog log = log(workspace, stream);
    synchronized (log) {
      long offset = ++log.offset;
      Event stamped = event.withOffset(offset);
      byte[] frame = codec.encodeBytes(new Frame.Deliver(stamped));
      log.history.addLast(stamped);
      if (log.history.size() > log.capacity) {
        log.history.removeFirst();
      }
      sink.dispatch(new Delivery(workspace, Audience.of(stream), stream, offset, stamped.eventName(),
          stamped.sourceId(), stamped.responseTo() != null, frame));
      return Future.succeededFuture(new Published(offset, log.epoch));
    }
  }

  @Override
  public Future<Void> publishTransient(String workspace, Audience audience, Event event) {
    byte[] frame = codec.encodeBytes(new Frame.Deliver(event));
    sink.dispatch(new Delivery(workspace, audience, null, -1, event.eventName(), event.sourceId(), false, frame));
    return Future.succeededFuture();
  }

  @Override
  public Future<Attached> attach(String workspace, StreamKey stream, StreamPosition since, Runnable attach) {
    StreamLog log = log(workspace, stream);
    synchronized (log) {
      attach.run();
      if (since == null) {
        return Future.succeededFuture(new Attached(log.offset, log.epoch, null, List.of(), log.offset));
      }
      boolean sameEpoch = since.epoch().equals(log.epoch);
      boolean inHistory = since.offset() >= log.offset || since.offset() + 1 >= log.firstOffset();
      if (!sameEpoch || !inHistory || since.offset() > log.offset) {
        return Future.succeededFuture(new Attached(log.offset, log.epoch, false, List.of(), log.offset));
      }
      List<byte[]> missed = new ArrayList<>();
      for (Event e : log.history) {
        if (e.offset() > since.offset()) {
          missed.add(codec.encodeBytes(new Frame.Deliver(e)));
        }
      }
      return Future.succeededFuture(new Attached(log.offset, log.epoch, true, missed, log.offset));
    }
  }

  @Override
  public Future<HistoryPage> history(String workspace, StreamKey stream, Long before, Long after, int limit) {
    StreamLog log = log(workspace, stream);
    synchronized (log) {
      List<Event> page = new ArrayList<>(Math.min(limit, log.history.size()));
      boolean hasMore;
      if (after != null) {
        for (Event e : log.history) {
          if (page.size() == limit) {
            break;
          }
          if (e.offset() > after && (before == null || e.offset() < before)) {
            page.add(e);
          }
        }
        long ceiling = before == null ? log.offset : Math.min(log.offset, before - 1);
        hasMore = !page.isEmpty() && page.get(page.size() - 1).offset() < ceiling;
      } else {
        Iterator<Event> it = log.history.descendingIterator();
        while (it.hasNext() && page.size() < limit) {
          Event e = it.next();
          if (before == null || e.offset() < before) {
            page.add(0, e);
          }
        }
        hasMore = !page.isEmpty() && page.get(0).offset() > log.firstOffset();
      }
      return Future.succeededFuture(new HistoryPage(page, hasMore, log.firstOffset(), log.offset, log.epoch));
    }
  }

  @Override
  public Future<StreamPosition> position(String workspace, StreamKey stream) {
    StreamLog log = log(workspace, stream);
    synchronized (log) {
      return Future.succeededFuture(new StreamPosition(log.offset, log.epoch));
    }
  }

  /**
   * Drops a stream and its history (an inbox whose agent is gone for good). A later use starts a new epoch.
   *
   * @param workspace the workspace
   * @param stream the stream
   */
  public void drop(String workspace, StreamKey stream) {
    streams.remove(workspace + '\u0000' + stream);
  }

  @Override
  public void interest(String workspace, Audience audience, boolean interested) {
    // One node holds every receiver: there is no traffic to narrow.
  }

  @Override
  public boolean isReady() {
    return true;
  }
}
