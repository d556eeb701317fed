package dev.workspace.client.impl;

import dev.workspace.model.Destination;
import dev.workspace.model.Event;
import dev.workspace.model.Frame;
import dev.workspace.model.ProtocolException;
import dev.workspace.model.StreamPosition;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The last position seen in each stream the client reads: every joined channel, the agent's inbox and the workspace
 * broadcast stream. A reconnect sends them as {@code recover}. Confined to the client's context.
 */
final class StreamPositions {
  /**
   * What a connect ack reported for one stream.
   *
   * @param recovered whether the missed events follow
   * @param position the stream's current position, or {@code null} when not given
   */
  record Report(boolean recovered, StreamPosition position) {
  }

  /**
   * The {@code recovery} object of a connect ack.
   *
   * @param channels per channel
   * @param inbox the inbox's, or {@code null}
   * @param broadcast the broadcast stream's, or {@code null}
   */
  record RecoveryReport(Map<String, Report> channels, Report inbox, Report broadcast) {
  }

  /**
   * What a reconnect recovered.
   *
   * @param channels per channel the client had joined, whether its missed events follow
   * @param inbox whether the missed inbox events follow
   * @param broadcast whether the missed broadcasts follow
   * @param unrecovered per channel not recovered, the last position seen before the reconnect
   */
  record Outcome(Map<String, Boolean> channels, boolean inbox, boolean broadcast,
      Map<String, StreamPosition> unrecovered) {
  }

  private final Map<String, StreamPosition> channels = new LinkedHashMap<>();
  private StreamPosition inbox;
  private StreamPosition broadcast;

  /** Forgets every position, for a fresh session. */
  void reset() {
    channels.clear();
    inbox = null;
    broadcast = null;
  }

  /**
   * Takes in a connect ack. Without a recovery report the inbox and broadcast positions become the current ones.
   * With one, a recovered stream keeps its last seen position (the missed events follow and advance it); a stream
   * that was not recovered jumps to its current position, since its gap cannot be filled by the server. Channels
   * the session is in that were not tracked (kept by the server from an earlier session of the agent) are tracked
   * from their current position.
   *
   * @param inboxNow the ack's {@code inbox} position, or {@code null}
   * @param broadcastNow the ack's {@code broadcast} position, or {@code null}
   * @param channelsNow the ack's {@code channels} positions
   * @param report the ack's {@code recovery}, or {@code null}
   * @return what was recovered, or {@code null} when there was no report
   */
  Outcome sessionOpened(StreamPosition inboxNow, StreamPosition broadcastNow, Map<String, StreamPosition> channelsNow,
      RecoveryReport report) {
    Outcome outcome = applyRecovery(inboxNow, broadcastNow, report);
    channelsNow.forEach(channels::putIfAbsent);
    return outcome;
  }

  private Outcome applyRecovery(StreamPosition inboxNow, StreamPosition broadcastNow, RecoveryReport report) {
    if (report == null) {
      inbox = inboxNow;
      broadcast = broadcastNow;
      return null;
    }
    boolean inboxRecovered = isRecovered(report.inbox(), inbox);
    if (!inboxRecovered) {
      inbox = currentOf(report.inbox(), inboxNow);
    }
    boolean broadcastRecovered = isRecovered(report.broadcast(), broadcast);
    if (!broadcastRecovered) {
      broadcast = currentOf(report.broadcast(), broadcastNow);
    }
    Map<String, Boolean> channelFlags = new LinkedHashMap<>();
    Map<String, StreamPosition> unrecovered = new LinkedHashMap<>();
    for (Map.Entry<String, StreamPosition> e : channels.entrySet()) {
      Report r = report.channels().get(e.getKey());
      boolean recovered = r != null && r.recovered();
      if (!recovered && r != null && r.position() != null) {
        if (e.getValue() != null) {
          unrecovered.put(e.getKey(), e.getValue());
        }
        e.setValue(r.position());
      }
      channelFlags.put(e.getKey(), recovered);
    }
    return new Outcome(channelFlags, inboxRecovered, broadcastRecovered, unrecovered);
  }

  private static boolean isRecovered(Report report, StreamPosition known) {
    return report != null && report.recovered() && known != null;
  }

  private static StreamPosition currentOf(Report report, StreamPosition now) {
    return report != null && report.position() != null ? report.position() : now;
  }

  /**
   * Records a join: the channel's position as the join ack reported it. Within the same epoch a position already
   * ahead is kept.
   */
  void joined(String channel, StreamPosition position) {
    channels.merge(channel, position, StreamPositions::later);
  }

  /** Forgets a channel the agent left. */
  void left(String channel) {
    channels.remove(channel);
  }

  /**
   * Advances the position of the stream a delivered event belongs to: {@code channel:x} to channel x,
   * {@code agent:broadcast} to the broadcast stream, anything else to the inbox. Events without an offset (presence)
   * and channels not joined are ignored.
   */
  void delivered(Event event) {
    if (event.offset() >= 0) {
      advance(event.destinationId(), event.offset(), true);
    } else if (dev.workspace.model.EventNames.STREAM_GAP.equals(event.eventName())) {
      gap(event);
    }
  }

  /**
   * Takes in a {@code stream.gap} notice. For {@code epoch_changed} the stream moves to its new epoch, keeping the
   * last offset seen (the new epoch's offsets go on above it), so that a later reconnect recovers from there instead
   * of being refused for a stale epoch.
   */
  private void gap(Event event) {
    com.fasterxml.jackson.databind.node.ObjectNode p = event.payload();
    if (p == null || !"epoch_changed".equals(p.path("reason").asText()) || !p.path("epoch").isTextual()) {
      return;
    }
    String epoch = p.get("epoch").asText();
    String stream = p.path("stream").asText();
    if (stream.startsWith("channel:")) {
      channels.computeIfPresent(stream.substring(8), (k, pos) -> new StreamPosition(pos.offset(), epoch));
    } else if (stream.equals("broadcast")) {
      broadcast = broadcast == null ? null : new StreamPosition(broadcast.offset(), epoch);
    } else if (stream.startsWith("inbox:")) {
      inbox = inbox == null ? null : new StreamPosition(inbox.offset(), epoch);
    }
  }

  /**
   * Advances a stream after an ack of the client's own publish, whose event the server does not send back to it:
   * the channel or broadcast stream the event went to (a direct event's offset is the receiver's inbox, not ours).
   */
  void acknowledged(String destinationId, long offset) {
    if (offset >= 0) {
      advance(destinationId, offset, false);
    }
  }

  private void advance(String destinationId, long offset, boolean includeInbox) {
    Destination d;
    try {
      d = Destination.parse(destinationId);
    } catch (ProtocolException e) {
      return;
    }
    if (d.kind() == Destination.Kind.CHANNEL) {
      channels.computeIfPresent(d.name(), (k, p) -> advanced(p, offset));
    } else if (d.kind() == Destination.Kind.BROADCAST) {
      broadcast = advanced(broadcast, offset);
    } else if (includeInbox) {
      inbox = advanced(inbox, offset);
    }
  }

  private static StreamPosition advanced(StreamPosition p, long offset) {
    return p == null || p.offset() >= offset ? p : new StreamPosition(offset, p.epoch());
  }

  private static StreamPosition later(StreamPosition known, StreamPosition reported) {
    return known.epoch().equals(reported.epoch()) && known.offset() > reported.offset() ? known : reported;
  }

  /** @return the {@code recover} object of a reconnecting {@code connect}: a snapshot of every position */
  Frame.Recovery recovery() {
    return new Frame.Recovery(new LinkedHashMap<>(channels), inbox, broadcast);
  }
}
