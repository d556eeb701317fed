package dev.workspace.server.session;

import dev.workspace.server.core.Replay;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * Orders one session's events per stream: while a stream's missed events are read (connect, join, recovery) its
 * live events are held; then the missed events are sent, then the held ones, each offset once and in order, and
 * afterwards any offset at or below the last one sent is dropped. Offsets are compared within one epoch only: a
 * stream's event without an offset is the notice that its epoch changed ({@code stream.gap}, {@code epoch_changed}),
 * after which the new epoch's offsets count afresh, since they may repeat ones the session had of the old epoch
 * (they continue above the offset of the node that first wrote in the new epoch, not above every node's). Events
 * without a stream (presence) that arrive before the session is open wait in a before-open buffer. Held and
 * buffered bytes together are bounded.
 *
 * <p>{@link #hold(String)} may be called from any thread (the core calls it while it attaches the session); every
 * other method runs on the session's event loop.
 */
public final class StreamGate {
  private record Held(long offset, byte[] frame) {
  }

  private static final String EPOCH_FIELD = "\"epoch\":\"";

  /** The last offset sent of one stream, updated in place so a delivery boxes nothing, and its epoch if known. */
  private static final class Position {
    long last;
    String epoch;

    Position(long last, String epoch) {
      this.last = last;
      this.epoch = epoch;
    }
  }

  private final long maxHeldBytes;
  private final Map<String, List<Held>> held = new ConcurrentHashMap<>();
  private final Map<String, Position> lastOffsets = new HashMap<>();
  private final ArrayList<byte[]> beforeOpen = new ArrayList<>();
  private long heldBytes;
  /** The replays being written, oldest first; most sessions replay one stream at a time, so it starts small. */
  private final java.util.ArrayDeque<Paced> paced = new java.util.ArrayDeque<>(2);
  private boolean pumping;
  private boolean open;

  /**
   * @param maxHeldBytes the most bytes held and buffered at once, at least 1
   */
  public StreamGate(long maxHeldBytes) {
    if (maxHeldBytes < 1) {
      throw new IllegalArgumentException("maxHeldBytes must be at least 1, was " + maxHeldBytes);
    }
    this.maxHeldBytes = maxHeldBytes;
  }

  /**
   * Starts holding the live events of a stream. Any thread.
   *
   * @param stream the stream key text
   */
  public void hold(String stream) {
    held.putIfAbsent(stream, new ArrayList<>());
  }

  /**
   * Takes one live event.
   *
   * @param stream its stream key text, or {@code null} for presence
   * @param offset its offset in the stream, or -1: for a stream, the notice that its epoch changed
   * @param frame the encoded frame
   * @param out where frames to send now go; answers {@code false} when the transport refused one
   * @return {@code false} when the event could not be kept: the held bytes passed the bound, or {@code out}
   *     refused it; the session should close as a slow consumer
   */
  public boolean deliver(String stream, long offset, byte[] frame, Predicate<byte[]> out) {
    if (stream == null) {
      if (open) {
        return out.test(frame);
      }
      beforeOpen.add(frame);
      return keep(frame);
    }
    List<Held> buffer = held.get(stream);
    if (buffer != null) {
      buffer.add(new Held(offset, frame));
      return keep(frame);
    }
    Position last = lastOffsets.get(stream);
    if (offset < 0) {
      String epoch = epochOf(frame);
      if (last != null && sameEpoch(last.epoch, epoch)) {
        // The session's replay already came from the new epoch.
        return true;
      }
      lastOffsets.put(stream, new Position(0, epoch));
      return out.test(frame);
    }
    if (last == null) {
      lastOffsets.put(stream, new Position(offset, null));
    } else if (offset <= last.last) {
      return true;
    } else {
      last.last = offset;
    }
    return out.test(frame);
  }

  private boolean keep(byte[] frame) {
    heldBytes += frame.length;
    return heldBytes <= maxHeldBytes;
  }

  /**
   * Ends the hold of a stream: sends its missed events, then what was held, skipping offsets already sent and
   * live offsets at or below the stream's position when the session attached.
   *
   * @param replay the missed events and the position
   * @param wanted which missed events the session receives (live ones were chosen when they were dispatched); an
   *     event it does not want still counts as sent
   * @param out where frames go
   * @return {@code false} when {@code out} refused a frame
   */
  public boolean release(Replay replay, Predicate<byte[]> wanted, Predicate<byte[]> out) {
    return release(replay, wanted, out, () -> true);
  }

  /**
   * Ends the hold of a stream as {@link #release(Replay, Predicate, Predicate)} does, but writes its missed events
   * only while {@code room} says the transport takes more; {@link #resume} goes on when it does again. Replays are
   * written one stream after another, and the live events of a stream stay held until its replay ends.
   *
   * @param replay the missed events and the position
   * @param wanted which missed events the session receives
   * @param out where frames go
   * @param room whether the transport takes more now
   * @return {@code false} when {@code out} refused a frame
   */
  public boolean release(Replay replay, Predicate<byte[]> wanted, Predicate<byte[]> out,
      java.util.function.BooleanSupplier room) {
    Position position = lastOffsets.get(replay.stream());
    boolean sameEpoch = position != null && (position.epoch == null || replay.epoch() == null
        || position.epoch.equals(replay.epoch()));
    paced.add(new Paced(replay, wanted, sameEpoch ? position.last : -1L));
    return resume(out, room);
  }

  /**
   * Goes on writing the replays waiting for room.
   *
   * @param out where frames go
   * @param room whether the transport takes more now
   * @return {@code false} when {@code out} refused a frame
   */
  public boolean resume(Predicate<byte[]> out, java.util.function.BooleanSupplier room) {
    if (pumping) {
      return true;
    }
    pumping = true;
    try {
      Paced p;
      while ((p = paced.peek()) != null) {
        List<byte[]> frames = p.replay.frames();
        while (p.next < frames.size()) {
          if (!room.getAsBoolean()) {
            return true;
          }
          int i = p.next++;
          long offset = p.replay.offsets().get(i);
          if (offset > p.last) {
            byte[] frame = frames.get(i);
            p.last = offset;
            if (p.wanted.test(frame) && !out.test(frame)) {
              paced.clear();
              cancel(p.replay.stream());
              return false;
            }
          }
        }
        paced.poll();
        if (!finish(p.replay.stream(), Math.max(p.last, p.replay.position()), p.replay.epoch(), out)) {
          paced.clear();
          return false;
        }
      }
      return true;
    } finally {
      pumping = false;
    }
  }

  private boolean finish(String stream, long replayed, String replayEpoch, Predicate<byte[]> out) {
    long last = replayed;
    Position position = lastOffsets.get(stream);
    String epoch = replayEpoch != null ? replayEpoch : position == null ? null : position.epoch;
    boolean ok = true;
    List<Held> buffer = held.remove(stream);
    if (buffer != null) {
      for (Held h : buffer) {
        heldBytes -= h.frame().length;
        if (!ok) {
          continue;
        }
        if (h.offset() < 0) {
          String next = epochOf(h.frame());
          if (!sameEpoch(epoch, next)) {
            ok = out.test(h.frame());
            last = 0;
            epoch = next;
          }
        } else if (h.offset() > last) {
          ok = out.test(h.frame());
          last = h.offset();
        }
      }
    }
    if (position == null) {
      lastOffsets.put(stream, new Position(last, epoch));
    } else {
      position.last = last;
      position.epoch = epoch;
    }
    return ok;
  }

  private static boolean sameEpoch(String known, String next) {
    return known != null && known.equals(next);
  }

  /** @return the {@code epoch} an {@code epoch_changed} notice names, or {@code null} */
  static String epochOf(byte[] frame) {
    String text = new String(frame, StandardCharsets.UTF_8);
    int at = text.indexOf(EPOCH_FIELD);
    if (at < 0) {
      return null;
    }
    int from = at + EPOCH_FIELD.length();
    int to = text.indexOf('"', from);
    return to < 0 ? null : text.substring(from, to);
  }

  /** A replay being written: the next frame to consider and the last offset sent or skipped. */
  private static final class Paced {
    final Replay replay;
    final Predicate<byte[]> wanted;
    int next;
    long last;

    Paced(Replay replay, Predicate<byte[]> wanted, long last) {
      this.replay = replay;
      this.wanted = wanted;
      this.last = last;
    }
  }

  /**
   * Drops the hold of a stream whose attach failed, with what it held.
   *
   * @param stream the stream key text
   */
  public void cancel(String stream) {
    List<Held> buffer = held.remove(stream);
    if (buffer != null) {
      buffer.forEach(h -> heldBytes -= h.frame().length);
    }
  }

  /** Drops every hold, after a {@code connect} failed; the before-open buffer stays for the next attempt. */
  public void cancelAll() {
    paced.clear();
    for (String stream : List.copyOf(held.keySet())) {
      cancel(stream);
    }
  }

  /**
   * Opens the gate for events without a stream: sends the before-open buffer, in arrival order.
   *
   * @param out where frames go
   * @return {@code false} when {@code out} refused a frame
   */
  public boolean open(Predicate<byte[]> out) {
    open = true;
    boolean ok = true;
    for (byte[] frame : beforeOpen) {
      heldBytes -= frame.length;
      ok = ok && out.test(frame);
    }
    beforeOpen.clear();
    beforeOpen.trimToSize();
    return ok;
  }

  /** @return the bytes held and buffered now */
  public long heldBytes() {
    return heldBytes;
  }
}
