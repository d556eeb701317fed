package dev.workspace.server.core;

import dev.workspace.model.Event;
import dev.workspace.model.StreamPosition;
import io.vertx.core.Future;

/**
 * The seam between the routing core and the transport between nodes. A broker assigns stream offsets, keeps
 * bounded stream history, and carries each encoded event to every node that has receivers for it, where it hands
 * the event to that node's {@link DeliverySink}. {@link MemoryBroker} serves one node alone; a Redis broker
 * serves a cluster. Nothing outside the implementations knows which one is in use.
 */
public interface Broker {
  /**
   * Starts the broker.
   *
   * @param sink where deliveries for this node's sessions go
   * @return completes when the broker can publish
   */
  Future<Void> start(DeliverySink sink);

  /** @return completes when the broker released its resources */
  Future<Void> close();

  /**
   * Appends an event to a stream: assigns the next offset, encodes the event once, keeps it in the stream's
   * history, and delivers it to the stream's audience on every node, in offset order.
   *
   * @param workspace the workspace
   * @param stream the stream
   * @param event the event, fully stamped but for its offset
   * @return where it landed
   */
  Future<Published> publish(String workspace, StreamKey stream, Event event);

  /**
   * Delivers an event that belongs to no stream (presence), with no offset and no history.
   *
   * @param workspace the workspace
   * @param audience who receives it
   * @param event the event
   * @return completes when handed to the transport
   */
  Future<Void> publishTransient(String workspace, Audience audience, Event event);

  /**
   * Attaches a receiver to a stream. {@code attach} registers the receiver locally; the broker runs it so that no
   * event of the stream falls between the history it reads and the live events the receiver gets (it may still
   * see a few events twice, which the receiver drops by offset).
   *
   * @param workspace the workspace
   * @param stream the stream
   * @param since the last position the receiver saw, or {@code null} to recover nothing
   * @param attach the local registration
   * @return the stream's position and what was missed since {@code since}
   */
  Future<Attached> attach(String workspace, StreamKey stream, StreamPosition since, Runnable attach);

  /**
   * Reads a page of a stream's history.
   *
   * @param workspace the workspace
   * @param stream the stream
   * @param before only offsets below this, or {@code null}
   * @param after only offsets above this, or {@code null}
   * @param limit most events
   * @return the page
   */
  Future<HistoryPage> history(String workspace, StreamKey stream, Long before, Long after, int limit);

  /**
   * @param workspace the workspace
   * @param stream the stream
   * @return the stream's last offset (0 when empty) and epoch
   */
  Future<StreamPosition> position(String workspace, StreamKey stream);

  /**
   * Tells the broker whether this node has local receivers for an audience, so that a distributed broker
   * receives only the traffic this node needs. Called when the count goes from 0 to 1 and back.
   *
   * @param workspace the workspace
   * @param audience the audience
   * @param interested whether this node now has local receivers for it
   */
  void interest(String workspace, Audience audience, boolean interested);

  /** @return whether the broker can reach everything it needs (for {@code /ready}) */
  boolean isReady();
}
