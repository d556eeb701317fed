package dev.workspace.model;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The JSON codec of {@link Frame}s and {@link Event}s. Decoding checks structure and types and answers every
 * mistake with a {@link ProtocolException} carrying the right {@link ErrorCode} and, when it could be read, the
 * frame's id. Thread-safe.
 */
public final class FrameCodec {
  /** Deepest JSON nesting accepted by default. */
  public static final int DEFAULT_MAX_DEPTH = 32;
  /** Longest request id, in characters. */
  public static final int MAX_ID_LENGTH = 128;

  /** A codec with the default limits. */
  public static final FrameCodec DEFAULT = new FrameCodec(DEFAULT_MAX_DEPTH);

  private static final Set<String> EVENT_FIELDS = Set.of("event_id", "event_name", "source_id", "destination_id",
      "payload", "metadata", "timestamp", "response_to", "requires_response", "offset");
  /** The same fields, each at the bit {@code streamEvent} marks it seen with. */
  private static final List<String> STREAMED_EVENT_FIELDS = List.copyOf(EVENT_FIELDS);

  private final ObjectMapper mapper;
  private final int maxDepth;
  private final AckResultJson results;

  /**
   * @param maxDepth the deepest JSON nesting to accept
   */
  public FrameCodec(int maxDepth) {
    if (maxDepth < 4) {
      throw new IllegalArgumentException("maxDepth must be at least 4, was " + maxDepth);
    }
    this.maxDepth = maxDepth;
    JsonFactory factory = JsonFactory.builder()
        .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(maxDepth).build())
        .build();
    this.mapper = new ObjectMapper(factory);
    this.results = new AckResultJson(this, mapper);
  }

  /** @return the mapper this codec uses (for building payloads) */
  public ObjectMapper mapper() {
    return mapper;
  }

  // ------------------------------------------------------------------ decoding

  /**
   * Decodes a frame a client sent.
   *
   * @param text one WebSocket text message
   * @return the frame
   * @throws ProtocolException for any mistake
   */
  public Frame.ClientFrame decodeClient(String text) {
    Frame.Publish publish = streamPublish(text);
    return publish != null ? publish : decodeClientTree(text);
  }

  /** {@link #decodeClient} from the frame's tree, whatever its type. */
  Frame.ClientFrame decodeClientTree(String text) {
    ObjectNode node = parseObject(text);
    String id = readId(node);
    try {
      String type = requireString(node, "type");
      return switch (type) {
        case "connect" -> new Frame.Connect(id, optString(node, "workspace"), optString(node, "agent_id"),
            optString(node, "token"), optObject(node, "metadata"), optStringList(node, "subscriptions"),
            readRecovery(node.get("recover")));
        case "publish" -> new Frame.Publish(requireId(id), decodeEvent(requireObject(node, "event")));
        case "subscribe" -> new Frame.Subscribe(requireId(id), requireStringList(node, "patterns"));
        case "unsubscribe" -> new Frame.Unsubscribe(requireId(id), requireStringList(node, "patterns"));
        case "join" -> new Frame.Join(requireId(id), requireString(node, "channel"),
            readPosition(node.get("since"), "since"));
        case "leave" -> new Frame.Leave(requireId(id), requireString(node, "channel"));
        case "history" -> new Frame.History(requireId(id), requireString(node, "channel"), optLong(node, "before"),
            optLong(node, "after"), optInt(node, "limit"));
        case "list_agents" -> new Frame.ListAgents(requireId(id), optString(node, "capability"));
        case "list_channels" -> new Frame.ListChannels(requireId(id));
        case "members" -> new Frame.Members(requireId(id), requireString(node, "channel"));
        case "get_run" -> new Frame.GetRun(requireId(id), requireString(node, "run_id"), optLong(node, "after_seq"));
        case "update_metadata" -> new Frame.UpdateMetadata(requireId(id), requireObject(node, "metadata"));
        case "ping" -> new Frame.Ping(id);
        case "pong" -> new Frame.Pong(id);
        default -> throw new ProtocolException(ErrorCode.UNKNOWN_TYPE, "unknown frame type '" + Text.clip(type) + "'");
      };
    } catch (ProtocolException e) {
      throw e.withRequestId(id);
    }
  }

  /**
   * Reads a well-formed {@code publish} in one pass over its tokens, building a tree only for its payload and
   * metadata: the frame agents send most. Anything it does not expect (another type, an unknown, repeated or
   * {@code null} field, a value of the wrong type, a name or destination that does not check out, bad JSON) makes
   * it give up, and the frame is decoded from its tree instead, which answers every mistake as it always has; so
   * it changes how fast a publish is read, never what it reads or how it is refused.
   *
   * @return the frame, or {@code null} when the tree must decide
   */
  Frame.Publish streamPublish(String text) {
    try (JsonParser p = mapper.createParser(text)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        return null;
      }
      String id = null;
      Event event = null;
      boolean typed = false;
      String field;
      while ((field = p.nextFieldName()) != null) {
        JsonToken t = p.nextToken();
        switch (field) {
          case "type" -> {
            if (typed || t != JsonToken.VALUE_STRING || !p.getText().equals("publish")) {
              return null;
            }
            typed = true;
          }
          case "id" -> {
            if (id != null || t != JsonToken.VALUE_STRING) {
              return null;
            }
            id = p.getText();
            if (id.isEmpty() || id.length() > MAX_ID_LENGTH) {
              return null;
            }
          }
          case "event" -> {
            if (event != null || t != JsonToken.START_OBJECT) {
              return null;
            }
            event = streamEvent(p);
            if (event == null) {
              return null;
            }
          }
          default -> {
            return null;
          }
        }
      }
      if (!typed || id == null || event == null || p.nextToken() != null) {
        return null;
      }
      return new Frame.Publish(id, event);
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  /** The fields of an {@code event} object, the parser on its start; {@code null} when the tree must decide. */
  private Event streamEvent(JsonParser p) throws IOException {
    String eventId = null;
    String name = null;
    String source = null;
    String destination = null;
    String responseTo = null;
    ObjectNode payload = null;
    ObjectNode metadata = null;
    long timestamp = 0;
    long offset = -1;
    boolean requiresResponse = false;
    int seen = 0;
    String field;
    while ((field = p.nextFieldName()) != null) {
      JsonToken t = p.nextToken();
      int at = STREAMED_EVENT_FIELDS.indexOf(field);
      if (at < 0 || (seen & (1 << at)) != 0) {
        return null;
      }
      seen |= 1 << at;
      switch (field) {
        case "payload", "metadata" -> {
          if (t != JsonToken.START_OBJECT) {
            return null;
          }
          ObjectNode tree = mapper.readTree(p);
          if (field.equals("payload")) {
            payload = tree;
          } else {
            metadata = tree;
          }
        }
        case "timestamp", "offset" -> {
          if (t != JsonToken.VALUE_NUMBER_INT || p.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
            return null;
          }
          if (field.equals("timestamp")) {
            timestamp = p.getLongValue();
          } else {
            offset = p.getLongValue();
          }
        }
        case "requires_response" -> {
          if (t != JsonToken.VALUE_TRUE && t != JsonToken.VALUE_FALSE) {
            return null;
          }
          requiresResponse = t == JsonToken.VALUE_TRUE;
        }
        default -> {
          if (t != JsonToken.VALUE_STRING) {
            return null;
          }
          String v = p.getText();
          switch (field) {
            case "event_id" -> eventId = v;
            case "event_name" -> name = v;
            case "source_id" -> source = v;
            case "destination_id" -> destination = v;
            default -> responseTo = v;
          }
        }
      }
    }
    if (eventId != null && (eventId.isEmpty() || eventId.length() > MAX_ID_LENGTH)
        || responseTo != null && (responseTo.isEmpty() || responseTo.length() > MAX_ID_LENGTH)) {
      return null;
    }
    EventNames.validate(name);
    Destination parsed = Destination.parse(destination);
    Event event = Event.create(eventId, name, source, destination, payload, metadata, timestamp, responseTo,
        requiresResponse, offset);
    event.parsedDestination(parsed);
    return event;
  }

  /**
   * Decodes a frame a server sent.
   *
   * @param text one WebSocket text message
   * @return the frame
   * @throws ProtocolException for any mistake
   */
  public Frame.ServerFrame decodeServer(String text) {
    ObjectNode node = parseObject(text);
    String id = readId(node);
    String type = requireString(node, "type");
    return switch (type) {
      case "ack" -> new Frame.Ack(id, node.has("result") ? requireObject(node, "result") : mapper.createObjectNode());
      case "error" -> new Frame.ErrorFrame(id, ErrorCode.fromWire(requireString(node, "code")),
          optString(node, "message"));
      case "event" -> new Frame.Deliver(decodeEvent(requireObject(node, "event")));
      case "ping" -> new Frame.Ping(id);
      case "pong" -> new Frame.Pong(id);
      default -> throw new ProtocolException(ErrorCode.UNKNOWN_TYPE, "unknown frame type '" + Text.clip(type) + "'", id);
    };
  }

  /**
   * Decodes an event object and checks its structure, name and destination. {@code source_id},
   * {@code timestamp} and {@code offset} are read when present (a server overwrites them).
   *
   * @param node the {@code event} object
   * @return the event
   * @throws ProtocolException with {@code invalid_event}, {@code invalid_name} or {@code invalid_destination}
   */
  public Event decodeEvent(ObjectNode node) {
    Iterator<String> names = node.fieldNames();
    while (names.hasNext()) {
      String f = names.next();
      if (!EVENT_FIELDS.contains(f)) {
        throw new ProtocolException(ErrorCode.INVALID_EVENT, "unknown event field '" + Text.clip(f)
            + "' (put extra data in payload or metadata)");
      }
    }
    String eventId = eventString(node, "event_id");
    if (eventId != null && (eventId.isEmpty() || eventId.length() > MAX_ID_LENGTH)) {
      throw new ProtocolException(ErrorCode.INVALID_EVENT, "event_id must be 1-" + MAX_ID_LENGTH + " characters");
    }
    String name = eventString(node, "event_name");
    EventNames.validate(name);
    String destination = eventString(node, "destination_id");
    Destination parsed = Destination.parse(destination);
    String responseTo = eventString(node, "response_to");
    if (responseTo != null && (responseTo.isEmpty() || responseTo.length() > MAX_ID_LENGTH)) {
      throw new ProtocolException(ErrorCode.INVALID_EVENT, "response_to must be 1-" + MAX_ID_LENGTH + " characters");
    }
    Event event = Event.create(eventId, name, eventString(node, "source_id"), destination,
        eventObject(node, "payload"), eventObject(node, "metadata"), eventLong(node, "timestamp", 0), responseTo,
        eventBoolean(node, "requires_response"), eventLong(node, "offset", -1));
    event.parsedDestination(parsed);
    return event;
  }

  /**
   * Parses text into a JSON object.
   *
   * @param text JSON text
   * @return the object
   * @throws ProtocolException {@code bad_json} when it is not JSON or not an object, {@code limit_exceeded} when
   *     it nests deeper than allowed
   */
  public ObjectNode parseObject(String text) {
    JsonNode node;
    try (JsonParser parser = mapper.createParser(text)) {
      node = mapper.readTree(parser);
      if (node != null && parser.nextToken() != null) {
        throw new ProtocolException(ErrorCode.BAD_JSON, "trailing data after the JSON object");
      }
    } catch (StreamConstraintsException e) {
      throw new ProtocolException(ErrorCode.LIMIT_EXCEEDED, "JSON nests deeper than " + maxDepth + " levels");
    } catch (JsonProcessingException e) {
      throw new ProtocolException(ErrorCode.BAD_JSON, "not valid JSON: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw new ProtocolException(ErrorCode.BAD_JSON, "not valid JSON");
    }
    if (!(node instanceof ObjectNode obj)) {
      throw new ProtocolException(ErrorCode.BAD_JSON, "a frame must be a JSON object");
    }
    return obj;
  }

  private static String readId(ObjectNode node) {
    JsonNode id = node.get("id");
    if (id == null || id.isNull()) {
      return null;
    }
    if (!id.isTextual() || id.asText().isEmpty() || id.asText().length() > MAX_ID_LENGTH) {
      throw new ProtocolException(ErrorCode.INVALID_FRAME, "id must be a string of 1-" + MAX_ID_LENGTH + " characters");
    }
    return id.asText();
  }

  private static String requireId(String id) {
    if (id == null) {
      throw new ProtocolException(ErrorCode.INVALID_FRAME, "id is required");
    }
    return id;
  }

  private Frame.Recovery readRecovery(JsonNode node) {
    if (node == null || node.isNull()) {
      return null;
    }
    if (!node.isObject()) {
      throw new ProtocolException(ErrorCode.INVALID_FRAME, "recover must be an object");
    }
    Map<String, StreamPosition> channels = new LinkedHashMap<>();
    JsonNode ch = node.get("channels");
    if (ch != null && !ch.isNull()) {
      if (!ch.isObject()) {
        throw new ProtocolException(ErrorCode.INVALID_FRAME, "recover.channels must be an object");
      }
      Iterator<Map.Entry<String, JsonNode>> it = ch.fields();
      while (it.hasNext()) {
        Map.Entry<String, JsonNode> e = it.next();
        channels.put(e.getKey(), readPosition(e.getValue(), "recover.channels." + Text.clip(e.getKey())));
      }
    }
    return new Frame.Recovery(channels, readPosition(node.get("inbox"), "recover.inbox"),
        readPosition(node.get("broadcast"), "recover.broadcast"));
  }

  private static StreamPosition readPosition(JsonNode node, String what) {
    if (node == null || node.isNull()) {
      return null;
    }
    if (!node.isObject() || !node.path("offset").isIntegralNumber() || !node.path("offset").canConvertToLong()
        || !node.path("epoch").isTextual()) {
      throw new ProtocolException(ErrorCode.INVALID_FRAME, what + " must be {\"offset\": integer, \"epoch\": string}");
    }
    long offset = node.get("offset").asLong();
    if (offset < 0) {
      throw new ProtocolException(ErrorCode.INVALID_FRAME, what + ".offset must not be negative");
    }
    return new StreamPosition(offset, node.get("epoch").asText());
  }

  private static String requireString(ObjectNode node, String field) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      throw new ProtocolException(ErrorCode.INVALID_FRAME, field + " is required");
    }
    if (!v.isTextual()) {
      throw new ProtocolException(ErrorCode.INVALID_FRAME, field + " must be a string");
    }
    return v.asText();
  }

  private static String optString(ObjectNode node, String field) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isTextual()) {
      throw new ProtocolException(ErrorCode.INVALID_FRAME, field + " must be a string");
    }
    return v.asText();
  }

  private static ObjectNode requireObject(ObjectNode node, String field) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      throw new ProtocolException(ErrorCode.INVALID_FRAME, field + " is required");
    }
    if (!v.isObject()) {
      throw new ProtocolException(ErrorCode.INVALID_FRAME, field + " must be an object");
    }
    return (ObjectNode) v;
  }

  private static ObjectNode optObject(ObjectNode node, String field) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isObject()) {
      throw new ProtocolException(ErrorCode.INVALID_FRAME, field + " must be an object");
    }
    return (ObjectNode) v;
  }

  private static Long optLong(ObjectNode node, String field) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isIntegralNumber() || !v.canConvertToLong()) {
      throw new ProtocolException(ErrorCode.INVALID_FRAME, field + " must be an integer");
    }
    return v.asLong();
  }

  private static Integer optInt(ObjectNode node, String field) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isIntegralNumber() || !v.canConvertToInt()) {
      throw new ProtocolException(ErrorCode.INVALID_FRAME, field + " must be an integer");
    }
    return v.asInt();
  }

  private static List<String> requireStringList(ObjectNode node, String field) {
    List<String> list = optStringList(node, field);
    if (list == null) {
      throw new ProtocolException(ErrorCode.INVALID_FRAME, field + " is required");
    }
    return list;
  }

  private static List<String> optStringList(ObjectNode node, String field) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isArray()) {
      throw new ProtocolException(ErrorCode.INVALID_FRAME, field + " must be an array of strings");
    }
    List<String> out = new ArrayList<>(v.size());
    for (JsonNode item : v) {
      if (!item.isTextual()) {
        throw new ProtocolException(ErrorCode.INVALID_FRAME, field + " must be an array of strings");
      }
      out.add(item.asText());
    }
    return out;
  }

  private static String eventString(ObjectNode node, String field) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isTextual()) {
      throw new ProtocolException(ErrorCode.INVALID_EVENT, field + " must be a string");
    }
    return v.asText();
  }

  private static ObjectNode eventObject(ObjectNode node, String field) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isObject()) {
      throw new ProtocolException(ErrorCode.INVALID_EVENT, field + " must be an object");
    }
    return (ObjectNode) v;
  }

  private static long eventLong(ObjectNode node, String field, long absent) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      return absent;
    }
    if (!v.isIntegralNumber() || !v.canConvertToLong()) {
      throw new ProtocolException(ErrorCode.INVALID_EVENT, field + " must be an integer");
    }
    return v.asLong();
  }

  private static boolean eventBoolean(ObjectNode node, String field) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      return false;
    }
    if (!v.isBoolean()) {
      throw new ProtocolException(ErrorCode.INVALID_EVENT, field + " must be true or false");
    }
    return v.asBoolean();
  }

  // ------------------------------------------------------------------ encoding

  /**
   * Encodes a frame.
   *
   * @param frame the frame
   * @return its JSON text
   */
  public String encode(Frame frame) {
    StringWriter out = new StringWriter(128);
    write(frame, out);
    return out.toString();
  }

  /**
   * Encodes a frame as UTF-8 bytes, the form written to every receiver of an event.
   *
   * @param frame the frame
   * @return its JSON text as UTF-8
   */
  public byte[] encodeBytes(Frame frame) {
    if (frame instanceof Frame.Deliver d) {
      Event e = d.event();
      byte[] body = e.cachedEncoding();
      if (body != null) {
        e.cacheEncoding(null);
        return deliverFrame(body, e.offset());
      }
      JsonBytes out = JsonBytes.scratch().raw(DELIVER_PREFIX);
      eventBody(e, out);
      if (e.offset() >= 0) {
        out.raw(OFFSET_FIELD).number(e.offset());
      }
      return out.raw('}').raw('}').done();
    }
    return generatorBytes(frame);
  }

  /** Encodes a frame with the Jackson generator, the general path that the shortcuts above must equal. */
  byte[] generatorBytes(Frame frame) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(256);
    try (JsonGenerator g = mapper.getFactory().createGenerator(out)) {
      writeFrame(frame, g);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /**
   * Measures an event as {@link #encodeEvent} encodes it, in UTF-8 bytes, and keeps that encoding on the event so
   * that the {@code event} frame that delivers it (or a copy of it with another {@link Event#withOffset offset})
   * reuses it instead of encoding the event again. The frame that uses it lets it go.
   *
   * @param event the event, not to be changed afterwards
   * @return the size of its JSON object in UTF-8 bytes
   */
  public long measureEvent(Event event) {
    byte[] body = event.cachedEncoding();
    if (body == null) {
      JsonBytes out = JsonBytes.scratch();
      eventBody(event, out);
      body = out.done();
      event.cacheEncoding(body);
    }
    return body.length + (event.offset() >= 0 ? OFFSET_FIELD.length + digits(event.offset()) : 0) + 1;
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  private static final byte[] DELIVER_PREFIX = ascii("{\"type\":\"event\",\"event\":");
  private static final byte[] OFFSET_FIELD = ascii(",\"offset\":");
  private static final byte[] EVENT_ID_FIELD = ascii("\"event_id\":");
  private static final byte[] EVENT_NAME_FIELD = ascii("\"event_name\":");
  private static final byte[] SOURCE_ID_FIELD = ascii(",\"source_id\":");
  private static final byte[] DESTINATION_ID_FIELD = ascii(",\"destination_id\":");
  private static final byte[] PAYLOAD_FIELD = ascii(",\"payload\":");
  private static final byte[] METADATA_FIELD = ascii(",\"metadata\":");
  private static final byte[] TIMESTAMP_FIELD = ascii(",\"timestamp\":");
  private static final byte[] RESPONSE_TO_FIELD = ascii(",\"response_to\":");
  private static final byte[] REQUIRES_RESPONSE_TRUE = ascii(",\"requires_response\":true");
  private static final byte[] ACK_PREFIX = ascii("{\"type\":\"ack\"");
  private static final byte[] ID_FIELD = ascii(",\"id\":");
  private static final byte[] PUBLISHED_PREFIX = ascii(",\"result\":{\"event_id\":");
  private static final byte[] QUEUED_TRUE = ascii(",\"queued\":true");
  private static final byte[] AGENT_ID_FIELD = ascii(",\"agent_id\":");
  private static final byte[] SEQ_FIELD = ascii(",\"seq\":");
  private static final byte[] DELIVERED_FALSE = ascii(",\"delivered\":false");

  /**
   * Writes an event object as {@link #writeEvent} does, without its {@code offset} and its closing brace (the
   * offset is the last field).
   */
  private void eventBody(Event event, JsonBytes out) {
    out.raw('{');
    if (event.eventId() != null) {
      out.raw(EVENT_ID_FIELD).string(event.eventId()).raw(',');
    }
    out.raw(EVENT_NAME_FIELD).string(event.eventName());
    if (event.sourceId() != null) {
      out.raw(SOURCE_ID_FIELD).string(event.sourceId());
    }
    out.raw(DESTINATION_ID_FIELD).string(event.destinationId());
    out.raw(PAYLOAD_FIELD).tree(event.payload(), mapper);
    out.raw(METADATA_FIELD).tree(event.metadata(), mapper);
    if (event.timestamp() > 0) {
      out.raw(TIMESTAMP_FIELD).number(event.timestamp());
    }
    if (event.responseTo() != null) {
      out.raw(RESPONSE_TO_FIELD).string(event.responseTo());
    }
    if (event.requiresResponse()) {
      out.raw(REQUIRES_RESPONSE_TRUE);
    }
  }

  private static byte[] deliverFrame(byte[] body, long offset) {
    byte[] digits = offset >= 0 ? Long.toString(offset).getBytes(StandardCharsets.US_ASCII) : null;
    int length = DELIVER_PREFIX.length + body.length + (digits == null ? 0 : OFFSET_FIELD.length + digits.length) + 2;
    byte[] frame = new byte[length];
    System.arraycopy(DELIVER_PREFIX, 0, frame, 0, DELIVER_PREFIX.length);
    int at = DELIVER_PREFIX.length;
    System.arraycopy(body, 0, frame, at, body.length);
    at += body.length;
    if (digits != null) {
      System.arraycopy(OFFSET_FIELD, 0, frame, at, OFFSET_FIELD.length);
      at += OFFSET_FIELD.length;
      System.arraycopy(digits, 0, frame, at, digits.length);
      at += digits.length;
    }
    frame[at] = '}';
    frame[at + 1] = '}';
    return frame;
  }

  private static int digits(long n) {
    return Long.toString(n).length();
  }


  /**
   * Encodes an {@code ack} frame with a typed result.
   *
   * @param id the request id, or {@code null}
   * @param result the result
   * @return the frame's JSON text as UTF-8
   */
  public byte[] encodeAck(String id, AckResult result) {
    if (result instanceof AckResult.Published p) {
      JsonBytes out = JsonBytes.scratch().raw(ACK_PREFIX);
      if (id != null) {
        out.raw(ID_FIELD).string(id);
      }
      out.raw(PUBLISHED_PREFIX).string(p.eventId()).raw(TIMESTAMP_FIELD).number(p.timestamp());
      if (p.offset() >= 0) {
        out.raw(OFFSET_FIELD).number(p.offset());
      }
      if (p.queued()) {
        out.raw(QUEUED_TRUE);
      }
      if (p.agentId() != null) {
        out.raw(AGENT_ID_FIELD).string(p.agentId());
      }
      if (p.seq() >= 0) {
        out.raw(SEQ_FIELD).number(p.seq());
      }
      if (!p.delivered()) {
        out.raw(DELIVERED_FALSE);
      }
      return out.raw('}').raw('}').done();
    }
    return generatorAck(id, result);
  }

  /** Encodes an {@code ack} frame with the Jackson generator, the general path that the shortcut above must equal. */
  byte[] generatorAck(String id, AckResult result) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(256);
    try (JsonGenerator g = mapper.getFactory().createGenerator(out)) {
      g.writeStartObject();
      g.writeStringField("type", "ack");
      if (id != null) {
        g.writeStringField("id", id);
      }
      g.writeFieldName("result");
      results.write(result, g);
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /**
   * Encodes a typed result alone, as the {@code result} object of its ack (the REST API's bodies).
   *
   * @param result the result
   * @return its JSON text
   */
  public String encodeResult(AckResult result) {
    StringWriter out = new StringWriter(128);
    try (JsonGenerator g = mapper.getFactory().createGenerator(out)) {
      results.write(result, g);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }

  /**
   * Reads an ack's {@code result} as the typed result of the request it answers. Lenient: a field that is absent
   * or of the wrong type reads as {@code null}, 0, -1 (a {@code publish} offset) or an empty list, and a malformed
   * stream position as {@code null}.
   *
   * @param type the result type, such as {@code AckResult.Joined.class}
   * @param result the ack's {@code result} object
   * @param <T> the result type
   * @return the result
   * @throws ProtocolException when a history event cannot be decoded
   */
  public <T extends AckResult> T decodeResult(Class<T> type, ObjectNode result) {
    return results.read(type, result);
  }

  /**
   * Reads a stream position leniently.
   *
   * @param node a {@code {"offset","epoch"}} object, or {@code null}
   * @return the position, or {@code null} when absent or malformed
   */
  public static StreamPosition lenientPosition(JsonNode node) {
    return AckResultJson.position(node);
  }

  /**
   * Encodes an event object alone.
   *
   * @param event the event
   * @return its JSON text
   */
  public String encodeEvent(Event event) {
    StringWriter out = new StringWriter(128);
    try (JsonGenerator g = mapper.getFactory().createGenerator(out)) {
      writeEvent(event, g);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }

  /**
   * Writes an event as a JSON object to a generator.
   *
   * @param event the event
   * @param g the generator
   * @throws IOException from the generator
   */
  public void writeEvent(Event event, JsonGenerator g) throws IOException {
    g.writeStartObject();
    if (event.eventId() != null) {
      g.writeStringField("event_id", event.eventId());
    }
    g.writeStringField("event_name", event.eventName());
    if (event.sourceId() != null) {
      g.writeStringField("source_id", event.sourceId());
    }
    g.writeStringField("destination_id", event.destinationId());
    g.writeFieldName("payload");
    mapper.writeTree(g, event.payload());
    g.writeFieldName("metadata");
    mapper.writeTree(g, event.metadata());
    if (event.timestamp() > 0) {
      g.writeNumberField("timestamp", event.timestamp());
    }
    if (event.responseTo() != null) {
      g.writeStringField("response_to", event.responseTo());
    }
    if (event.requiresResponse()) {
      g.writeBooleanField("requires_response", true);
    }
    if (event.offset() >= 0) {
      g.writeNumberField("offset", event.offset());
    }
    g.writeEndObject();
  }

  private void write(Frame frame, Writer out) {
    try (JsonGenerator g = mapper.getFactory().createGenerator(out)) {
      writeFrame(frame, g);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void writeFrame(Frame frame, JsonGenerator g) throws IOException {
    g.writeStartObject();
    g.writeStringField("type", typeOf(frame));
    if (frame.id() != null) {
      g.writeStringField("id", frame.id());
    }
    if (frame instanceof Frame.Connect c) {
      optField(g, "workspace", c.workspace());
      optField(g, "agent_id", c.agentId());
      optField(g, "token", c.token());
      if (c.metadata() != null) {
        g.writeFieldName("metadata");
        mapper.writeTree(g, c.metadata());
      }
      if (c.subscriptions() != null) {
        writeList(g, "subscriptions", c.subscriptions());
      }
      if (c.recover() != null) {
        g.writeObjectFieldStart("recover");
        g.writeObjectFieldStart("channels");
        for (Map.Entry<String, StreamPosition> e : c.recover().channels().entrySet()) {
          writePosition(g, e.getKey(), e.getValue());
        }
        g.writeEndObject();
        if (c.recover().inbox() != null) {
          writePosition(g, "inbox", c.recover().inbox());
        }
        if (c.recover().broadcast() != null) {
          writePosition(g, "broadcast", c.recover().broadcast());
        }
        g.writeEndObject();
      }
    } else if (frame instanceof Frame.Publish p) {
      g.writeFieldName("event");
      writeEvent(p.event(), g);
    } else if (frame instanceof Frame.Subscribe s) {
      writeList(g, "patterns", s.patterns());
    } else if (frame instanceof Frame.Unsubscribe u) {
      writeList(g, "patterns", u.patterns());
    } else if (frame instanceof Frame.Join j) {
      g.writeStringField("channel", j.channel());
      if (j.since() != null) {
        writePosition(g, "since", j.since());
      }
    } else if (frame instanceof Frame.Leave l) {
      g.writeStringField("channel", l.channel());
    } else if (frame instanceof Frame.History h) {
      g.writeStringField("channel", h.channel());
      if (h.before() != null) {
        g.writeNumberField("before", h.before());
      }
      if (h.after() != null) {
        g.writeNumberField("after", h.after());
      }
      if (h.limit() != null) {
        g.writeNumberField("limit", h.limit());
      }
    } else if (frame instanceof Frame.ListAgents a) {
      optField(g, "capability", a.capability());
    } else if (frame instanceof Frame.Members m) {
      g.writeStringField("channel", m.channel());
    } else if (frame instanceof Frame.GetRun r) {
      g.writeStringField("run_id", r.runId());
      if (r.afterSeq() != null) {
        g.writeNumberField("after_seq", r.afterSeq());
      }
    } else if (frame instanceof Frame.UpdateMetadata u) {
      g.writeFieldName("metadata");
      mapper.writeTree(g, u.metadata());
    } else if (frame instanceof Frame.Ack a) {
      g.writeFieldName("result");
      mapper.writeTree(g, a.result() == null ? mapper.createObjectNode() : a.result());
    } else if (frame instanceof Frame.ErrorFrame e) {
      g.writeStringField("code", e.code().wireName());
      optField(g, "message", e.message());
    } else if (frame instanceof Frame.Deliver d) {
      g.writeFieldName("event");
      writeEvent(d.event(), g);
    }
    g.writeEndObject();
  }

  /**
   * @param frame a frame
   * @return its wire {@code type}
   */
  public static String typeOf(Frame frame) {
    if (frame instanceof Frame.Connect) {
      return "connect";
    } else if (frame instanceof Frame.Publish) {
      return "publish";
    } else if (frame instanceof Frame.Subscribe) {
      return "subscribe";
    } else if (frame instanceof Frame.Unsubscribe) {
      return "unsubscribe";
    } else if (frame instanceof Frame.Join) {
      return "join";
    } else if (frame instanceof Frame.Leave) {
      return "leave";
    } else if (frame instanceof Frame.History) {
      return "history";
    } else if (frame instanceof Frame.ListAgents) {
      return "list_agents";
    } else if (frame instanceof Frame.ListChannels) {
      return "list_channels";
    } else if (frame instanceof Frame.Members) {
      return "members";
    } else if (frame instanceof Frame.GetRun) {
      return "get_run";
    } else if (frame instanceof Frame.UpdateMetadata) {
      return "update_metadata";
    } else if (frame instanceof Frame.Ping) {
      return "ping";
    } else if (frame instanceof Frame.Pong) {
      return "pong";
    } else if (frame instanceof Frame.Ack) {
      return "ack";
    } else if (frame instanceof Frame.ErrorFrame) {
      return "error";
    } else {
      return "event";
    }
  }

  private static void optField(JsonGenerator g, String name, String value) throws IOException {
    if (value != null) {
      g.writeStringField(name, value);
    }
  }

  private static void writeList(JsonGenerator g, String name, List<String> values) throws IOException {
    g.writeArrayFieldStart(name);
    for (String v : values) {
      g.writeString(v);
    }
    g.writeEndArray();
  }

  static void writePosition(JsonGenerator g, String name, StreamPosition p) throws IOException {
    g.writeObjectFieldStart(name);
    g.writeNumberField("offset", p.offset());
    g.writeStringField("epoch", p.epoch());
    g.writeEndObject();
  }
}
