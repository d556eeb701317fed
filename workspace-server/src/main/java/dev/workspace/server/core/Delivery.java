package dev.workspace.server.core;

/**
 * One event on its way to a node's local sessions, already encoded as the {@code event} frame every receiver is
 * sent. Carries what routing needs without decoding the frame again.
 *
 * @param workspace the workspace
 * @param audience who receives it
 * @param stream the stream it belongs to, or {@code null} for presence events that have no offset
 * @param offset its offset in {@code stream}, or -1; a stream's event without one is the notice that the stream's
 *     epoch changed, after which offsets are compared afresh
 * @param eventName the event name, for subscription filtering
 * @param sourceId the sending agent, which is not sent its own channel and broadcast events
 * @param reply whether it answers a request (replies reach their agent whatever its subscriptions)
 * @param frame the encoded {@code event} frame, UTF-8 JSON, shared by every receiver and never modified
 */
public record Delivery(String workspace, Audience audience, StreamKey stream, long offset, String eventName,
    String sourceId, boolean reply, byte[] frame) {
}
