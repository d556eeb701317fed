package dev.workspace.server.session;

import dev.workspace.server.core.Replay;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * Orders one session's events per stream: while a stream's missed events are read (connect, join, recovery) its
 * live events are held; then the missed events are sent, then the held ones, each offset once and in order, and
 * afterwards any offset at or below the last one sent is dropped. Events without a stream (presence) that arrive
 * before the session is open wait in a before-open buffer. Held and buffered bytes together are bounded.
 *
 * <p>{@link #hold(String)} may be called from any thread (the core calls it while it attaches the session); every
 * other method runs on the session's event loop.
 */
public final class StreamGate {
  private record Held(long offset, byte[] frame) {
  }

  private final long maxHeldBytes;
  private final Map<String, List<Held>> held = new ConcurrentHashMap<>();
  private final Map<String, Long> lastOffsets = new HashMap<>();
  private final List<byte[]> beforeOpen = new ArrayList<>();
  private long heldBytes;
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
   * @param offset its offset in the stream, or -1
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
    Long last = lastOffsets.get(stream);
    if (last != null && offset <= last) {
      return true;
    }
    lastOffsets.put(stream, offset);
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
    long last = lastOffsets.getOrDefault(replay.stream(), -1L);
    boolean ok = true;
    for (int i = 0; i < replay.frames().size() && ok; i++) {
      long offset = replay.offsets().get(i);
      if (offset > last) {
        byte[] frame = replay.frames().get(i);
        ok = !wanted.test(frame) || out.test(frame);
        last = offset;
      }
    }
    last = Math.max(last, replay.position());
    List<Held> buffer = held.remove(replay.stream());
    if (buffer != null) {
      for (Held h : buffer) {
        heldBytes -= h.frame().length;
        if (ok && h.offset() > last) {
          ok = out.test(h.frame());
          last = h.offset();
        }
      }
    }
    lastOffsets.put(replay.stream(), last);
    return ok;
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
    return ok;
  }

  /** @return the bytes held and buffered now */
  public long heldBytes() {
    return heldBytes;
  }
}
