package dev.workspace.client;

/**
 * The server's acknowledgement of a published event.
 *
 * @param eventId the event's id (the client assigns a random UUID when the event had none)
 * @param timestamp when the server accepted the event, epoch milliseconds
 * @param offset the event's offset in the stream it went to (the channel, the receiver's inbox or the broadcast
 *     stream); -1 when the server reported none
 * @param queued whether the receiver is away and the event waits in its inbox until it reconnects (a direct event
 *     to an agent that disconnected less than the server's inbox retention ago)
 * @param agentId the agent the server chose for an event to {@code pool:<capability>}, else {@code null}
 */
public record PublishResult(String eventId, long timestamp, long offset, boolean queued, String agentId) {
  /**
   * The result of a publish to an agent, a channel or the broadcast stream.
   *
   * @param eventId the event's id
   * @param timestamp the server's stamp, epoch milliseconds
   * @param offset the offset in its stream, or -1
   * @param queued whether it waits in the inbox of an agent that is away
   */
  public PublishResult(String eventId, long timestamp, long offset, boolean queued) {
    this(eventId, timestamp, offset, queued, null);
  }
}
