package dev.workspace.server.core;

import java.util.List;

/**
 * One encoded event for the sessions of one event loop: the message the router sends over the Vert.x event bus.
 * It travels with a local codec, so the frame bytes are shared, never copied or encoded again.
 *
 * @param stream the stream key text, or {@code null} for presence
 * @param offset the event's offset in {@code stream}, or -1
 * @param frame the encoded {@code event} frame
 * @param receivers the receiving sessions on that event loop, to be handed the batch there (no lookup by id)
 * @param kind what kind of traffic it is, for the metrics
 * @param dispatchedNanos when the node's fan-out took the event ({@link System#nanoTime()}), for the delivery latency
 */
public record DeliveryBatch(String stream, long offset, byte[] frame, List<SessionRef> receivers, EventKind kind,
    long dispatchedNanos) {
}
