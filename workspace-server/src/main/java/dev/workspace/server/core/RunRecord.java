package dev.workspace.server.core;

import dev.workspace.model.Event;
import java.util.List;

/**
 * A run as the tracker holds it.
 *
 * @param runId the run id (the request's {@code event_id})
 * @param requester the agent that sent the request
 * @param target the agent that runs it
 * @param sessionId the request's {@code metadata.session_id}, or {@code null}
 * @param pool the capability the run was addressed to ({@code pool:<capability>}), or {@code null}
 * @param state {@code submitted}, {@code working}, {@code input_required}, {@code completed}, {@code failed},
 *     {@code canceled} or {@code rejected}
 * @param created when the request was accepted, epoch milliseconds
 * @param updated when the last event was logged, epoch milliseconds
 * @param lastSeq the {@code seq} of the last logged event, 0 when none
 * @param events the logged events, each with its {@code payload.seq}, after the sequence asked for
 */
public record RunRecord(String runId, String requester, String target, String sessionId, String pool, String state,
    long created, long updated, long lastSeq, List<Event> events) {
}
