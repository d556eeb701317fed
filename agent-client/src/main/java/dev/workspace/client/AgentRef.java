package dev.workspace.client;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.workspace.model.Event;
import dev.workspace.model.Attachment;
import io.vertx.core.Future;
import java.time.Duration;

/**
 * Another agent of the workspace, from {@link Workspace#agent(String)}. Direct events to an agent that is not
 * connected fail at once with {@link FailureKind#NOT_FOUND}.
 */
public interface AgentRef {
  /** @return the agent's id */
  String id();

  /**
   * Sends {@code agent.message} with payload {@code {"text": text}}.
   *
   * @param text the message
   * @return the ack
   */
  Future<PublishResult> send(String text);

  /**
   * Sends {@code agent.message} with this payload.
   *
   * @param payload the payload
   * @return the ack
   */
  Future<PublishResult> send(ObjectNode payload);

  /**
   * Sends {@code agent.message} with payload {@code {"text": text, "attachments": [...]}}; the agent may then
   * download the files.
   *
   * @param text the message
   * @param attachments files uploaded with {@link AgentClient#files()}, or received; at most 10 by default
   * @return the ack
   */
  Future<PublishResult> send(String text, Attachment... attachments);

  /**
   * Sends an event of this name and payload.
   *
   * @param eventName a valid event name
   * @param payload the payload
   * @return the ack
   */
  Future<PublishResult> send(String eventName, ObjectNode payload);

  /**
   * Sends {@code agent.message} with payload {@code {"text": text}} as a request and waits for the reply.
   *
   * @param text the message
   * @param timeout how long to wait for the reply, at least 1 ms
   * @return the reply; see {@link AgentClient#sendAndWait(Event, Duration)}
   */
  Future<Event> sendAndWait(String text, Duration timeout);

  /**
   * Sends {@code agent.message} with this payload as a request and waits for the reply.
   *
   * @param payload the payload
   * @param timeout how long to wait for the reply, at least 1 ms
   * @return the reply; see {@link AgentClient#sendAndWait(Event, Duration)}
   */
  Future<Event> sendAndWait(ObjectNode payload, Duration timeout);
}
