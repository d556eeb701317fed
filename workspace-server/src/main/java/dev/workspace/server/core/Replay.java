package dev.workspace.server.core;

import java.util.List;

/**
 * What a session must send for one stream after the answer to its request: the missed events, then whatever it
 * held back, dropping offsets at or below what it already has.
 *
 * @param stream the stream key text
 * @param frames the missed {@code event} frames, in offset order
 * @param offsets the offset of each frame
 * @param position the stream's offset when the session attached: live events at or below it are not sent
 * @param epoch the stream's epoch when the session attached, or {@code null} when not known
 */
public record Replay(String stream, List<byte[]> frames, List<Long> offsets, long position, String epoch) {
  /** A replay whose epoch is not known. */
  public Replay(String stream, List<byte[]> frames, List<Long> offsets, long position) {
    this(stream, frames, offsets, position, null);
  }
}
