package dev.workspace.server.session;

import io.vertx.core.Context;

/**
 * What a {@link Session} needs from whatever carries it to its agent: a WebSocket, or a gateway that acts for an
 * outside caller with no socket at all. The session hands it encoded server frames (acks, errors, events) and
 * tells it when to close; the transport hands the session each client frame with {@link Session#receive(String)}
 * and tells it with {@link Session#transportClosed()} when the peer went away.
 *
 * <p>What a transport is handed are whole server frames, encoded once: {@code ack} and {@code error} answers to the
 * requests it passed in (each with the request's {@code id}), {@code event} deliveries, and {@code pong}s; a
 * transport without a socket reads them back with {@code FrameCodec.decodeServer} and an ack's result with
 * {@code FrameCodec.decodeResult}. To carry a session, a transport opens it with {@link SessionHost#open}, passes
 * each client frame to {@link Session#receive(String)}, and calls {@link Session#transportClosed()} when its
 * caller goes away.
 *
 * <p>Every method is called on {@link #context()}, the event loop that owns the session.
 */
public interface Transport {
  /**
   * Writes one encoded server frame. Must not block. The transport bounds what it queues; when a frame would pass
   * its bound it drops it and answers {@code false}, and the session closes as a slow consumer.
   *
   * @param frame a UTF-8 JSON frame; the same array may be written to many transports and must not be changed
   * @return {@code false} when the frame was refused because the outbound queue is full
   */
  boolean write(byte[] frame);

  /**
   * Closes the transport with a close code (see {@code dev.workspace.model.CloseCodes}) and a reason for people.
   * Called at most once; the session does its own cleanup and does not expect {@link Session#transportClosed()}
   * afterwards (a call is ignored).
   *
   * @param code the close code
   * @param reason at most 120 characters
   */
  void close(short code, String reason);

  /**
   * Tells the transport the session is open (the {@code connect} ack was written), so that it may start its
   * keep-alive. Does nothing by default.
   */
  default void opened() {
  }

  /**
   * Writes {@code frame} after everything already queued and completes once the socket has taken it (and so all
   * that came before), or after {@code timeoutMs}, whichever is first. By default it writes and completes at once.
   *
   * @param frame a UTF-8 JSON frame
   * @param timeoutMs the longest wait, in milliseconds
   * @return completes when written or timed out; never fails
   */
  default io.vertx.core.Future<Void> writeLast(byte[] frame, long timeoutMs) {
    write(frame);
    return io.vertx.core.Future.succeededFuture();
  }

  /**
   * @return whether the transport takes more frames now without queueing much; a replay is written only while it
   *     does, and resumed by {@link Session#transportWritable()}. Always {@code true} by default.
   */
  default boolean writable() {
    return true;
  }

  /**
   * @return whether this is the transport of a gateway the server runs itself (an A2A gateway), whose session
   *     alone may take an agent id reserved for gateways ({@code dev.workspace.model.Ids#GATEWAY_PREFIX});
   *     {@code false} by default
   */
  default boolean gateway() {
    return false;
  }

  /** @return the event loop that owns the session: every call in both directions happens on it */
  Context context();

  /** @return the peer's address, for logs */
  String remoteAddress();
}
