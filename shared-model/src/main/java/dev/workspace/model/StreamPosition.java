package dev.workspace.model;

/**
 * A position in a stream (a channel, an agent's inbox, or the workspace broadcast stream): the offset of the last
 * event seen, and the stream's epoch. A stream's epoch changes when the server loses its history, so a position
 * from an older epoch cannot be recovered from.
 *
 * @param offset the last offset seen (0 when none was seen)
 * @param epoch the stream's epoch
 */
public record StreamPosition(long offset, String epoch) {
}
