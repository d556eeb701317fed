package dev.workspace.model;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Objects;

/**
 * An event: what agents send and receive. Immutable; the {@code with*} methods return changed copies.
 *
 * <p>On the wire the fields are {@code event_id}, {@code event_name}, {@code source_id}, {@code destination_id},
 * {@code payload}, {@code metadata}, {@code timestamp} (epoch milliseconds), {@code response_to},
 * {@code requires_response} and, on delivered stream events, {@code offset}. The server assigns {@code event_id}
 * when absent and always stamps {@code source_id} and {@code timestamp}.
 */
public final class Event {
  private final String eventId;
  private final String eventName;
  private final String sourceId;
  private final String destinationId;
  private final ObjectNode payload;
  private final ObjectNode metadata;
  private final long timestamp;
  private final String responseTo;
  private final boolean requiresResponse;
  private final long offset;
  private volatile byte[] encoded;
  private Destination destination;

  private Event(String eventId, String eventName, String sourceId, String destinationId, ObjectNode payload,
      ObjectNode metadata, long timestamp, String responseTo, boolean requiresResponse, long offset) {
    this.eventId = eventId;
    this.eventName = eventName;
    this.sourceId = sourceId;
    this.destinationId = destinationId;
    this.payload = payload;
    this.metadata = metadata;
    this.timestamp = timestamp;
    this.responseTo = responseTo;
    this.requiresResponse = requiresResponse;
    this.offset = offset;
  }

  /**
   * Starts an event.
   *
   * @param eventName the event name, e.g. {@code agent.message}
   * @param destinationId where it goes: {@code agent:<id>}, {@code channel:<name>} or {@code agent:broadcast}
   * @return a new event with an empty payload and metadata
   */
  public static Event of(String eventName, String destinationId) {
    JsonNodeFactory f = JsonNodeFactory.instance;
    return new Event(null, eventName, null, destinationId, f.objectNode(), f.objectNode(), 0, null, false, -1);
  }

  /** Creates an event from all its fields; {@code null} payload or metadata means empty. */
  public static Event create(String eventId, String eventName, String sourceId, String destinationId,
      ObjectNode payload, ObjectNode metadata, long timestamp, String responseTo, boolean requiresResponse,
      long offset) {
    JsonNodeFactory f = JsonNodeFactory.instance;
    return new Event(eventId, eventName, sourceId, destinationId, payload == null ? f.objectNode() : payload,
        metadata == null ? f.objectNode() : metadata, timestamp, responseTo, requiresResponse, offset);
  }

  /** @return the event id, or {@code null} before the server or client assigns one */
  public String eventId() {
    return eventId;
  }

  /** @return the event name */
  public String eventName() {
    return eventName;
  }

  /** @return the sending agent's id, stamped by the server; {@code system} for the server's own events */
  public String sourceId() {
    return sourceId;
  }

  /** @return the destination as written: {@code agent:<id>}, {@code channel:<name>} or {@code agent:broadcast} */
  public String destinationId() {
    return destinationId;
  }

  /** @return the parsed destination */
  public Destination destination() {
    Destination d = destination;
    if (d == null) {
      d = Destination.parse(destinationId);
      destination = d;
    }
    return d;
  }

  /** @return the payload object (do not modify an event you did not build) */
  public ObjectNode payload() {
    return payload;
  }

  /** @return the metadata object (do not modify an event you did not build) */
  public ObjectNode metadata() {
    return metadata;
  }

  /** @return the server's timestamp, epoch milliseconds; 0 before the server stamps it */
  public long timestamp() {
    return timestamp;
  }

  /** @return the id of the event this one answers, or {@code null} */
  public String responseTo() {
    return responseTo;
  }

  /** @return whether the sender waits for an answer */
  public boolean requiresResponse() {
    return requiresResponse;
  }

  /** @return the event's offset in its stream (channel, inbox or broadcast), or -1 when it has none */
  public long offset() {
    return offset;
  }

  /** @return the payload's {@code text} field, or {@code null} */
  public String text() {
    return payload.hasNonNull("text") ? payload.get("text").asText() : null;
  }

  /** @return the files the payload's {@code attachments} names, typed; empty when it names none */
  public java.util.List<Attachment> attachments() {
    return Attachment.listOf(payload);
  }

  /** @return a copy with this event id */
  public Event withEventId(String id) {
    return sameDestination(new Event(id, eventName, sourceId, destinationId, payload, metadata, timestamp,
        responseTo, requiresResponse, offset));
  }

  /** @return a copy with this source */
  public Event withSourceId(String id) {
    return sameDestination(new Event(eventId, eventName, id, destinationId, payload, metadata, timestamp,
        responseTo, requiresResponse, offset));
  }

  /** @return a copy with this destination */
  public Event withDestinationId(String id) {
    return new Event(eventId, eventName, sourceId, id, payload, metadata, timestamp, responseTo, requiresResponse,
        offset);
  }

  /**
   * @param d the destination, already parsed
   * @return a copy with this destination, written as {@link Destination#toString()}
   */
  public Event withDestination(Destination d) {
    Event e = new Event(eventId, eventName, sourceId, d.toString(), payload, metadata, timestamp, responseTo,
        requiresResponse, offset);
    e.destination = d;
    return e;
  }

  /** @return a copy with this payload */
  public Event withPayload(ObjectNode p) {
    return sameDestination(new Event(eventId, eventName, sourceId, destinationId, Objects.requireNonNull(p),
        metadata, timestamp, responseTo, requiresResponse, offset));
  }

  /** @return a copy with this metadata */
  public Event withMetadata(ObjectNode m) {
    return sameDestination(new Event(eventId, eventName, sourceId, destinationId, payload,
        Objects.requireNonNull(m), timestamp, responseTo, requiresResponse, offset));
  }

  /** @return a copy with this timestamp (epoch milliseconds) */
  public Event withTimestamp(long ts) {
    return sameDestination(new Event(eventId, eventName, sourceId, destinationId, payload, metadata, ts, responseTo,
        requiresResponse, offset));
  }

  /** @return a copy answering the event with this id */
  public Event withResponseTo(String id) {
    return sameDestination(new Event(eventId, eventName, sourceId, destinationId, payload, metadata, timestamp, id,
        requiresResponse, offset));
  }

  /** @return a copy with this requires-response flag */
  public Event withRequiresResponse(boolean flag) {
    return sameDestination(new Event(eventId, eventName, sourceId, destinationId, payload, metadata, timestamp,
        responseTo, flag, offset));
  }

  /** @return a copy with this stream offset (-1 for none) */
  public Event withOffset(long off) {
    Event e = sameDestination(new Event(eventId, eventName, sourceId, destinationId, payload, metadata, timestamp,
        responseTo, requiresResponse, off));
    e.encoded = encoded;
    return e;
  }

  void parsedDestination(Destination d) {
    destination = d;
  }

  private Event sameDestination(Event e) {
    e.destination = destination;
    return e;
  }

  /**
   * The encoding {@link FrameCodec} made of this event before it was delivered, kept for the frame that delivers
   * it: the event object's UTF-8 without its {@code offset} field and without its closing brace (the offset is the
   * last field, so the same bytes serve every offset).
   */
  byte[] cachedEncoding() {
    return encoded;
  }

  void cacheEncoding(byte[] bytes) {
    encoded = bytes;
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof Event e)) {
      return false;
    }
    return timestamp == e.timestamp && requiresResponse == e.requiresResponse && offset == e.offset
        && Objects.equals(eventId, e.eventId) && Objects.equals(eventName, e.eventName)
        && Objects.equals(sourceId, e.sourceId) && Objects.equals(destinationId, e.destinationId)
        && payload.equals(e.payload) && metadata.equals(e.metadata) && Objects.equals(responseTo, e.responseTo);
  }

  @Override
  public int hashCode() {
    return Objects.hash(eventId, eventName, sourceId, destinationId, timestamp, offset);
  }

  @Override
  public String toString() {
    return FrameCodec.DEFAULT.encodeEvent(this);
  }
}
