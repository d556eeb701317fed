package dev.workspace.server.core;

/**
 * Where a published event landed.
 *
 * @param offset its offset in the stream
 * @param epoch the stream's epoch
 */
public record Published(long offset, String epoch) {
}
