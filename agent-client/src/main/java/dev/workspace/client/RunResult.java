package dev.workspace.client;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.workspace.model.Attachment;
import dev.workspace.model.Event;
import java.util.List;

/**
 * The end of a run that completed.
 *
 * @param runId the run id
 * @param agentId the agent that ran it
 * @param payload the terminal event's payload ({@code text?, data?, attachments?, seq})
 * @param event the terminal event itself ({@code run.completed}, or a plain reply such as {@code agent.response})
 */
public record RunResult(String runId, String agentId, ObjectNode payload, Event event) {
  /** @return the payload's {@code text}, or {@code null} */
  public String text() {
    return payload.hasNonNull("text") ? payload.get("text").asText() : null;
  }

  /** @return the files the result names in {@code payload.attachments}; empty when it names none */
  public List<Attachment> attachments() {
    return Attachment.listOf(payload);
  }
}
