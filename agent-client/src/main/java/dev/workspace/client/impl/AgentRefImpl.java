package dev.workspace.client.impl;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.workspace.client.AgentRef;
import dev.workspace.client.PublishResult;
import dev.workspace.model.Attachment;
import dev.workspace.model.Event;
import dev.workspace.model.EventNames;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.Objects;

/** An {@link AgentRef} of an {@link AgentClientImpl}. */
final class AgentRefImpl implements AgentRef {
  private final AgentClientImpl client;
  private final String id;

  AgentRefImpl(AgentClientImpl client, String id) {
    this.client = client;
    this.id = id;
  }

  @Override
  public String id() {
    return id;
  }

  @Override
  public Future<PublishResult> send(String text) {
    return send(EventNames.AGENT_MESSAGE, AgentClientImpl.textPayload(text));
  }

  @Override
  public Future<PublishResult> send(ObjectNode payload) {
    return send(EventNames.AGENT_MESSAGE, payload);
  }

  @Override
  public Future<PublishResult> send(String text, Attachment... attachments) {
    return send(EventNames.AGENT_MESSAGE, Attachment.putAll(AgentClientImpl.textPayload(text),
        java.util.List.of(attachments)));
  }

  @Override
  public Future<PublishResult> send(String eventName, ObjectNode payload) {
    return client.sendEvent(message(eventName, payload));
  }

  @Override
  public Future<Event> sendAndWait(String text, Duration timeout) {
    return sendAndWait(AgentClientImpl.textPayload(text), timeout);
  }

  @Override
  public Future<Event> sendAndWait(ObjectNode payload, Duration timeout) {
    return client.sendAndWait(message(EventNames.AGENT_MESSAGE, payload), timeout);
  }

  private Event message(String eventName, ObjectNode payload) {
    Objects.requireNonNull(eventName, "eventName");
    Objects.requireNonNull(payload, "payload");
    return Event.of(eventName, "agent:" + id).withPayload(payload);
  }
}
