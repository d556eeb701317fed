package dev.workspace.bench;

import io.vertx.core.Future;
import java.util.List;
import java.util.function.LongConsumer;

/**
 * One system under measurement as the load generator sees it: the same scenarios run against every peer through
 * these few operations, so only the wire protocol differs between them.
 */
interface Peer {
  /** @return the name in reports, e.g. {@code NATS (WebSocket)} */
  String name();

  /** @return a short key for files and tables, e.g. {@code nats-ws} */
  String key();

  /** @return the server process measured (CPU, write system calls, RSS), or {@code null} */
  ServerProcess server();

  /**
   * Opens a connection that receives every message published on {@code topic}.
   *
   * @param id a unique client id
   * @param topic the channel or subject
   * @param onMessage gets the {@link System#nanoTime} stamp carried by each message; called on any thread
   * @return the open, subscribed connection
   */
  Future<Conn> subscriber(String id, String topic, LongConsumer onMessage);

  /**
   * Opens a connection that publishes to {@code topic}.
   *
   * @param id a unique client id
   * @param topic the channel or subject
   * @return the publisher, ready
   */
  Future<Publisher> publisher(String id, String topic);

  /**
   * Opens a connection that answers every request sent to {@code service}.
   *
   * @param id a unique client id
   * @param service the agent or subject
   * @return the responder, ready
   */
  Future<Conn> responder(String id, String service);

  /**
   * Opens a connection that sends requests to {@code service}.
   *
   * @param id a unique client id
   * @param service the agent or subject the responder listens on
   * @return the requester, ready
   */
  Future<Requester> requester(String id, String service);

  /**
   * Opens a connection on {@code topic} holding wildcard subscriptions that match nothing published.
   *
   * @param id a unique client id
   * @param topic the channel whose traffic it is exposed to, where the protocol has membership
   * @param patterns the non-matching patterns, in the peer's own syntax
   * @return the connection
   */
  Future<Conn> bystander(String id, String topic, List<String> patterns);

  /**
   * @param i the bystander's index
   * @param j the pattern's index
   * @return a wildcard pattern in the peer's syntax that matches no published name
   */
  String nonMatchingPattern(int i, int j);

  /**
   * Opens an idle connection: the handshake the protocol requires and nothing else.
   *
   * @param id a unique client id
   * @return the connection once the server confirmed it
   */
  Future<Conn> idle(String id);

  /** A client connection. */
  interface Conn {
    /** @return completes when closed */
    Future<Void> close();
  }

  /** A publishing connection. */
  interface Publisher extends Conn {
    /** Runs {@code task} on the thread that may publish (the connection's event loop, or at once). */
    void execute(Runnable task);

    /**
     * Publishes one message of the benchmark's payload size carrying {@code stamp}. Called from {@link #execute}.
     *
     * @param stamp a {@link System#nanoTime} value
     */
    void publish(long stamp);
  }

  /** A requesting connection. */
  interface Requester extends Conn {
    /** Runs {@code task} on the thread that may send. */
    void execute(Runnable task);

    /**
     * Sends one request; {@code onReply} runs (on any thread) when its reply arrives. Called from {@link #execute}.
     *
     * @param onReply the continuation
     */
    void request(Runnable onReply);
  }
}
