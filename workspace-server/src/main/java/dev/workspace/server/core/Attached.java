package dev.workspace.server.core;

import java.util.List;

/**
 * What attaching a session to a stream found.
 *
 * @param offset the stream's last offset at the moment of attaching (0 when empty)
 * @param epoch the stream's epoch
 * @param recovered whether every event after the position asked for was found; {@code null} when none was asked
 * @param missed the encoded {@code event} frames after the position asked for, in offset order
 * @param lastMissedOffset the offset of the last frame in {@code missed}, or the asked position when none
 */
public record Attached(long offset, String epoch, Boolean recovered, List<byte[]> missed, long lastMissedOffset) {
}
