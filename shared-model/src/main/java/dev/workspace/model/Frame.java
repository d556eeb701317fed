package dev.workspace.model;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;

/**
 * The frames of the wire protocol. Every frame is one JSON object in one WebSocket text message, with a
 * {@code type}. Requests from a client carry an {@code id} of the client's choosing; the server answers each with
 * an {@link Ack} or an {@link ErrorFrame} carrying the same id. See {@code docs/PROTOCOL.md}.
 */
public sealed interface Frame {
  /** @return the request id, or {@code null} for frames that have none */
  String id();

  /** A frame a client sends. */
  sealed interface ClientFrame extends Frame {
  }

  /** A frame a server sends. */
  sealed interface ServerFrame extends Frame {
  }

  /**
   * Opens the session; must be the first frame.
   *
   * @param id request id
   * @param workspace the workspace to enter ({@code default} when null)
   * @param agentId the agent's id (required unless the token names it)
   * @param token a signed token, when the server requires one and it was not given at the handshake
   * @param metadata what the agent tells others about itself: {@code name}, {@code capabilities}, ...
   * @param subscriptions the patterns to start with; {@code null} means {@code ["*"]}
   * @param recover positions to recover from after a reconnect, or {@code null}
   */
  record Connect(String id, String workspace, String agentId, String token, ObjectNode metadata,
      List<String> subscriptions, Recovery recover) implements ClientFrame {
  }

  /**
   * What a reconnecting client last saw.
   *
   * @param channels last position per channel; the server re-joins these channels
   * @param inbox last position in the agent's own inbox, or {@code null}
   * @param broadcast last position in the workspace broadcast stream, or {@code null}
   */
  record Recovery(Map<String, StreamPosition> channels, StreamPosition inbox, StreamPosition broadcast) {
  }

  /**
   * Sends an event.
   *
   * @param id request id
   * @param event the event
   */
  record Publish(String id, Event event) implements ClientFrame {
  }

  /**
   * Adds subscription patterns.
   *
   * @param id request id
   * @param patterns the patterns
   */
  record Subscribe(String id, List<String> patterns) implements ClientFrame {
  }

  /**
   * Removes subscription patterns.
   *
   * @param id request id
   * @param patterns the patterns
   */
  record Unsubscribe(String id, List<String> patterns) implements ClientFrame {
  }

  /**
   * Joins a channel (creating it when new).
   *
   * @param id request id
   * @param channel the channel
   * @param since the last position seen, to receive what was missed, or {@code null}
   */
  record Join(String id, String channel, StreamPosition since) implements ClientFrame {
  }

  /**
   * Leaves a channel.
   *
   * @param id request id
   * @param channel the channel
   */
  record Leave(String id, String channel) implements ClientFrame {
  }

  /**
   * Reads a page of channel history.
   *
   * @param id request id
   * @param channel the channel
   * @param before only offsets below this, or {@code null}
   * @param after only offsets above this, or {@code null}
   * @param limit most events to return, or {@code null} for the default
   */
  record History(String id, String channel, Long before, Long after, Integer limit) implements ClientFrame {
  }

  /**
   * Lists the workspace's agents.
   *
   * @param id request id
   * @param capability only agents whose metadata lists this capability, or {@code null} for all
   */
  record ListAgents(String id, String capability) implements ClientFrame {
  }

  /**
   * Lists the workspace's channels.
   *
   * @param id request id
   */
  record ListChannels(String id) implements ClientFrame {
  }

  /**
   * Lists a channel's members.
   *
   * @param id request id
   * @param channel the channel
   */
  record Members(String id, String channel) implements ClientFrame {
  }

  /**
   * Reads a run from the run tracker: its state and the events logged after a sequence number.
   *
   * @param id request id
   * @param runId the run's id (the request's {@code event_id})
   * @param afterSeq only events with a larger {@code seq}, or {@code null} for all that are kept
   */
  record GetRun(String id, String runId, Long afterSeq) implements ClientFrame {
  }

  /**
   * Replaces the agent's metadata (its card) without reconnecting; the workspace is told with {@code agent.updated}.
   *
   * @param id request id
   * @param metadata the new metadata, whole
   */
  record UpdateMetadata(String id, ObjectNode metadata) implements ClientFrame {
  }

  /**
   * A keep-alive; the peer answers with a {@link Pong} carrying the same id. Either side may send it.
   *
   * @param id optional id
   */
  record Ping(String id) implements ClientFrame, ServerFrame {
  }

  /**
   * The answer to a {@link Ping}.
   *
   * @param id the ping's id
   */
  record Pong(String id) implements ClientFrame, ServerFrame {
  }

  /**
   * Success of the request with this id.
   *
   * @param id request id
   * @param result what the request produced (may be empty)
   */
  record Ack(String id, ObjectNode result) implements ServerFrame {
  }

  /**
   * Failure of the request with this id, or of an unreadable frame ({@code id} null).
   *
   * @param id request id, or {@code null}
   * @param code the error code
   * @param message what went wrong, for people
   */
  record ErrorFrame(String id, ErrorCode code, String message) implements ServerFrame {
  }

  /**
   * An event delivered to the client.
   *
   * @param event the event
   */
  record Deliver(Event event) implements ServerFrame {
    @Override
    public String id() {
      return null;
    }
  }
}
