package dev.workspace.server.core;

import dev.workspace.model.Patterns;
import java.util.Collection;
import java.util.List;

/**
 * What the routing core knows of a session: who it is, where its deliveries go, and what it wants. A read-only
 * view, implemented by {@code session.Session}; the core never sees a transport, and keeps the session's channel
 * membership itself ({@link LocalSessions}).
 */
public interface SessionRef {
  /** @return the session's unique id */
  String sessionId();

  /** @return the workspace */
  String workspace();

  /** @return the agent's id */
  String agentId();

  /** @return the event-bus address of the event loop that owns the session */
  String deliveryAddress();

  /**
   * Called from any thread.
   *
   * @param eventName an event name
   * @return whether the session's subscription patterns match it
   */
  boolean accepts(String eventName);

  /**
   * The patterns the node indexes the session by for presence and broadcasts, so that those reach the sessions
   * interested in them without a walk over every session; {@link #accepts} still has the last word. Read on the
   * session's own thread when it is added and when it reports a change ({@link WorkspaceCore#subscriptionsChanged}).
   *
   * @return the session's subscription patterns; by default {@code *}, everything
   */
  default Collection<String> patterns() {
    return List.of(Patterns.ALL);
  }

  /**
   * Starts holding back live deliveries of a stream while its missed events are read, so that they can be sent
   * in offset order afterwards. Called from any thread, before the session is registered for the stream.
   *
   * @param stream the stream key text
   */
  void hold(String stream);

  /**
   * Called from any thread.
   *
   * @param channel a channel name
   * @return whether the session's credentials let it use the channel; a channel it may not use is not re-joined
   *     when the session takes over from an earlier one of the same agent
   */
  default boolean mayUseChannel(String channel) {
    return true;
  }

  /**
   * Ends the session because another connection took over its agent id. Called from any thread.
   */
  void replaced();
}
