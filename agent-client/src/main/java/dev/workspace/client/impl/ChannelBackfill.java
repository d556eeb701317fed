package dev.workspace.client.impl;

import dev.workspace.client.HistoryPage;
import dev.workspace.model.Destination;
import dev.workspace.model.Event;
import dev.workspace.model.ProtocolException;
import dev.workspace.model.StreamPosition;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Fills, from channel history, the gap a reconnect could not replay ({@code recovered: false}): reads forwards from
 * the last offset seen, hands each event on in offset order, and holds back the channel's live events meanwhile so
 * that they follow the history they come after. What history no longer holds is reported as a gap with its count.
 * Confined to the client's context.
 */
final class ChannelBackfill {
  /** History pages this large are asked for: the server's largest. */
  static final int PAGE = 500;

  /** Reads history. */
  interface Reader {
    /** @return the oldest events of {@code channel} with an offset above {@code after} */
    Future<HistoryPage> after(String channel, long after, int limit);
  }

  /** Where the events and the gaps go. */
  interface Sink {
    /** An event, in offset order per channel. */
    void deliver(Event event);

    /**
     * Events that are gone.
     *
     * @param stream {@code channel:<name>}
     * @param missed how many offsets are gone, or -1 when unknown (the stream's epoch changed)
     */
    void gap(String stream, long missed);
  }

  private final Reader reader;
  private final Sink sink;
  private final Map<String, List<Event>> held = new HashMap<>();

  ChannelBackfill(Reader reader, Sink sink) {
    this.reader = reader;
    this.sink = sink;
  }

  /** Starts filling the gap of every channel a reconnect did not recover. */
  void recovered(StreamPositions.Outcome outcome) {
    outcome.unrecovered().forEach(this::start);
  }

  /**
   * Starts filling a channel's gap.
   *
   * @param channel the channel
   * @param seen the last position the client had seen in it
   */
  void start(String channel, StreamPosition seen) {
    if (held.putIfAbsent(channel, new ArrayList<>()) != null) {
      return;
    }
    read(channel, seen, seen.offset(), true);
  }

  /**
   * @param event a live event
   * @return whether it was held back, to follow the history of its channel being read
   */
  boolean hold(Event event) {
    if (held.isEmpty() || event.offset() < 0) {
      return false;
    }
    String channel;
    try {
      Destination d = Destination.parse(event.destinationId());
      if (d.kind() != Destination.Kind.CHANNEL) {
        return false;
      }
      channel = d.name();
    } catch (ProtocolException e) {
      return false;
    }
    List<Event> list = held.get(channel);
    if (list == null) {
      return false;
    }
    list.add(event);
    return true;
  }

  private void read(String channel, StreamPosition seen, long after, boolean first) {
    reader.after(channel, after, PAGE).onComplete(ar -> {
      if (ar.failed()) {
        finish(channel, after);
        return;
      }
      HistoryPage page = ar.result();
      List<Event> events = page.events();
      if (first) {
        boolean sameEpoch = seen.epoch().equals(page.epoch());
        long next = events.isEmpty() ? page.lastOffset() + 1 : events.get(0).offset();
        if (!sameEpoch) {
          sink.gap("channel:" + channel, -1);
        } else if (next > after + 1) {
          sink.gap("channel:" + channel, next - after - 1);
        }
      }
      long last = after;
      for (Event e : events) {
        if (e.offset() > last) {
          sink.deliver(e);
          last = e.offset();
        }
      }
      if (page.hasMore() && !events.isEmpty()) {
        read(channel, seen, last, false);
      } else {
        finish(channel, last);
      }
    });
  }

  private void finish(String channel, long last) {
    List<Event> live = held.remove(channel);
    if (live == null) {
      return;
    }
    for (Event e : live) {
      if (e.offset() > last) {
        sink.deliver(e);
        last = e.offset();
      }
    }
  }
}
