package dev.workspace.client;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.workspace.client.impl.AgentClientImpl;
import dev.workspace.model.Event;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * An agent's connection to a workspace server: one WebSocket carrying requests with ids, delivered events, and
 * keep-alive (see {@code docs/PROTOCOL.md}).
 *
 * <p>Every call returns a {@link Future} (use {@link Future#toCompletionStage()} for a {@code CompletionStage}) that
 * fails with a {@link WorkspaceException}; a {@code null} argument throws {@link NullPointerException} at the call. Methods may be called from any thread; the client's state lives on one
 * Vert.x context (the caller's context when the client is created on a Vert.x thread, otherwise a new event-loop
 * context), and handlers and futures complete there. Handlers must not block.
 *
 * <p>After losing its connection the client reconnects with capped exponential backoff and full jitter, re-subscribes,
 * re-joins its channels and asks the server to replay what it missed; events are handed to handlers at most once per
 * {@code event_id}. Requests made while reconnecting are buffered and sent once the new session is open.
 */
public interface AgentClient {

  /**
   * Creates a client with its own {@link Vertx} (closed by {@link #close()}) and default options.
   *
   * @return the client, not yet connected
   */
  static AgentClient create() {
    return create(new AgentClientOptions());
  }

  /**
   * Creates a client with its own {@link Vertx} (closed by {@link #close()}).
   *
   * @param options the options, copied
   * @return the client, not yet connected
   */
  static AgentClient create(AgentClientOptions options) {
    return AgentClientImpl.create(null, options);
  }

  /**
   * Creates a client on a {@link Vertx} the caller owns, with default options.
   *
   * @param vertx the Vert.x instance; {@link #close()} does not close it
   * @return the client, not yet connected
   */
  static AgentClient create(Vertx vertx) {
    return create(vertx, new AgentClientOptions());
  }

  /**
   * Creates a client on a {@link Vertx} the caller owns.
   *
   * @param vertx the Vert.x instance; {@link #close()} does not close it
   * @param options the options, copied
   * @return the client, not yet connected
   */
  static AgentClient create(Vertx vertx, AgentClientOptions options) {
    return AgentClientImpl.create(Objects.requireNonNull(vertx, "vertx"), options);
  }

  /**
   * Connects to {@code ws://host:port/ws} with the options' agent id.
   *
   * @param host the server host
   * @param port the server port (the server's default is 8700)
   * @param metadata what others see in discovery, or {@code null} for the options' metadata
   * @return the session; see {@link #connect(URI)}
   */
  Future<SessionInfo> connectToServer(String host, int port, ObjectNode metadata);

  /**
   * Connects to {@code ws://host:port/ws} with the options' agent id.
   *
   * @param host the server host
   * @param port the server port
   * @param metadata what others see in discovery, converted to JSON; or {@code null} for the options' metadata
   * @return the session; see {@link #connect(URI)}
   */
  Future<SessionInfo> connectToServer(String host, int port, Map<String, ?> metadata);

  /**
   * Connects to {@code ws://host:port/ws} as this agent.
   *
   * @param host the server host
   * @param port the server port
   * @param agentId the agent id, or {@code null} for the options' agent id (or the token's)
   * @param metadata what others see in discovery, or {@code null} for the options' metadata
   * @return the session; see {@link #connect(URI)}
   */
  Future<SessionInfo> connectToServer(String host, int port, String agentId, ObjectNode metadata);

  /**
   * Connects to {@code ws://host:port/ws} as this agent.
   *
   * @param host the server host
   * @param port the server port
   * @param agentId the agent id, or {@code null} for the options' agent id (or the token's)
   * @param metadata what others see in discovery, converted to JSON; or {@code null} for the options' metadata
   * @return the session; see {@link #connect(URI)}
   */
  Future<SessionInfo> connectToServer(String host, int port, String agentId, Map<String, ?> metadata);

  /**
   * Connects to a server URI; see {@link #connect(URI)}.
   *
   * @param uri e.g. {@code ws://localhost:8700/ws} or {@code ws://host:8700/ws?workspace=team}
   * @return the session
   */
  Future<SessionInfo> connect(String uri);

  /**
   * Opens the WebSocket and the session. The URI is {@code ws://} or {@code wss://}; the port defaults to 8700 and
   * an empty path (or {@code /}) to {@code /ws}; a {@code workspace} query parameter names the workspace (otherwise
   * the options' one). The options' token, if any, is sent as {@code Authorization: Bearer}. The first connect is
   * not retried: a failure is reported to the caller. Once a session has been opened, losses are followed by
   * automatic reconnects.
   *
   * @param uri the server URI
   * @return the session; fails {@link FailureKind#UNAVAILABLE} when the server cannot be reached,
   *     {@link FailureKind#UNAUTHORIZED} for bad credentials, {@link FailureKind#INVALID} for a bad URI, agent id or
   *     a client already connected, {@link FailureKind#TIMEOUT} when no ack came within the request timeout,
   *     {@link FailureKind#DISCONNECTED} after {@link #close()}
   */
  Future<SessionInfo> connect(URI uri);

  /** @return the current session, or {@code null} while not connected */
  SessionInfo session();

  /** @return whether a session is open right now */
  boolean isConnected();

  /**
   * Publishes an event. The client assigns a random UUID {@code event_id} when the event has none; the server stamps
   * {@code source_id} and {@code timestamp}.
   *
   * @param event the event, with a valid name and destination
   * @return the ack; fails {@link FailureKind#INVALID} for a bad name or destination (checked before sending),
   *     {@link FailureKind#NOT_FOUND} for an agent that is not connected, {@link FailureKind#REJECTED} when refused,
   *     {@link FailureKind#TIMEOUT} when no ack came within the request timeout, {@link FailureKind#DISCONNECTED}
   *     when the connection was lost before the ack (the event may or may not have been delivered)
   */
  Future<PublishResult> sendEvent(Event event);

  /**
   * Sends a request and waits for its reply: the event goes out with {@code requires_response: true} and, when it
   * has none, a fresh {@code event_id}; the first event whose {@code response_to} is that id completes the future.
   * The reply is not passed to handlers or {@link #waitEvent} waiters. Whichever of reply, timeout or failure of the
   * publish comes first settles the future, once.
   *
   * @param request the request, typically to {@code agent:<id>}
   * @param timeout how long to wait for the reply from the call, at least 1 ms
   * @return the reply; fails {@link FailureKind#TIMEOUT} ({@code "no reply from agent:x within 5000 ms"}),
   *     {@link FailureKind#NOT_FOUND} at once when the target is not connected, or as {@link #sendEvent} fails
   */
  Future<Event> sendAndWait(Event request, Duration timeout);

  /**
   * Replies to a request: sends {@code agent.response} to the request's source with {@code response_to} set to its
   * {@code event_id}.
   *
   * @param request the request being answered
   * @param payload the reply's payload
   * @return the ack; fails {@link FailureKind#INVALID} when the request has no source or id
   */
  Future<PublishResult> reply(Event request, ObjectNode payload);

  /**
   * Replies to a request with payload {@code {"text": text}}; see {@link #reply(Event, ObjectNode)}.
   *
   * @param request the request being answered
   * @param text the reply's text
   * @return the ack
   */
  Future<PublishResult> respond(Event request, String text);

  /**
   * Registers a handler for events whose names match any of the patterns ({@code *} one segment, {@code >} the rest,
   * bare {@code *} everything). The handler is installed locally at once and gets each matching event once, on the
   * client's context. The patterns are also subscribed on the server, counted per pattern: a pattern is unsubscribed
   * when its last handler goes, unless it is in the options' initial subscriptions (the server default {@code *}
   * when none are set) or was subscribed with {@link #subscribe}.
   *
   * @param handler receives matching events; an exception it throws goes to the context's exception handler
   * @param patterns one or more valid patterns
   * @return the registration, once the server acknowledged new patterns (at once when there were none, or while not
   *     connected: the patterns are sent when the session opens); fails {@link FailureKind#INVALID} for a bad
   *     pattern, or as the server refused the subscription (the handler is then removed)
   */
  Future<Registration> registerEventHandler(Handler<Event> handler, String... patterns);

  /**
   * Subscribes patterns on the server; they stay until {@link #unsubscribe} removes them.
   *
   * @param patterns one or more valid patterns
   * @return every pattern held after the call (as the server reports it when connected)
   */
  Future<List<String>> subscribe(String... patterns);

  /**
   * Unsubscribes patterns; patterns that registered handlers still need stay subscribed until their handlers go.
   *
   * @param patterns one or more patterns
   * @return every pattern held after the call
   */
  Future<List<String>> unsubscribe(String... patterns);

  /**
   * Waits for the next delivered event matching a predicate. The waiter is registered before this method returns,
   * whatever the calling thread, so an event delivered after the call is never missed. Events consumed as replies by
   * {@link #sendAndWait} are not seen.
   *
   * @param predicate the test, run on the client's context; an exception it throws fails the future
   * @param timeout how long to wait, at least 1 ms
   * @return the first matching event; fails {@link FailureKind#TIMEOUT} ({@code "no matching event within 5000 ms"}),
   *     {@link FailureKind#REJECTED} when too many waiters are pending, {@link FailureKind#DISCONNECTED} when the
   *     client closes first
   */
  Future<Event> waitEvent(Predicate<Event> predicate, Duration timeout);

  /** @return every connected agent of the workspace */
  Future<List<AgentInfo>> listAgents();

  /**
   * @param capability a capability name, or {@code null} for all agents
   * @return the connected agents whose metadata lists the capability
   */
  Future<List<AgentInfo>> listAgents(String capability);

  /**
   * Another agent, called as if it were local: {@code remoteAgent("researcher").input("...")}.
   *
   * @param agentId the agent's id
   * @return the remote agent (nothing is sent until it is used)
   * @throws dev.workspace.client.WorkspaceException {@link FailureKind#INVALID} for a malformed id
   */
  RemoteAgent remoteAgent(String agentId);

  /**
   * A worker pool: each run goes to one connected agent whose metadata lists the capability, the one with the
   * fewest open runs, chosen by the server.
   *
   * @param capability the capability
   * @return the pool as a remote agent
   */
  RemoteAgent pool(String capability);

  /**
   * Hosts runs: every request this client receives (under its subscriptions; by default all) whose name does not
   * start with {@code run.} is handed to the handler as a {@link RunContext}, instead of to event handlers. Also
   * subscribes {@code run.cancel}, so that cancels reach the runs. Replaces an earlier handler.
   *
   * @param handler runs each task
   * @return completes when the server holds the subscription
   */
  Future<Void> host(RunHandler handler);

  /**
   * Replaces this agent's metadata (its card) without reconnecting; the workspace is told with
   * {@code agent.updated}, and a reconnect sends the new metadata.
   *
   * @param metadata the whole new metadata
   * @return completes when the server took it
   */
  Future<Void> updateMetadata(ObjectNode metadata);

  /** @return the workspace view: channels, agents, broadcast */
  Workspace workspace();

  /**
   * Sets the handler of connection changes (connected, disconnected, reconnected, recovered, closed), replacing any
   * earlier one. It runs on the client's context.
   *
   * @param handler the handler, or {@code null} to remove it
   * @return this
   */
  AgentClient lifecycleHandler(Handler<LifecycleEvent> handler);

  /**
   * Closes the session with code 1000 and stops for good: no reconnect; pending requests and waiters fail with
   * {@link FailureKind#DISCONNECTED}; a {@link Vertx} the client created is closed. Calling it again does nothing.
   *
   * @return completes when the socket and the client's own resources are closed
   */
  Future<Void> disconnect();

  /**
   * The same as {@link #disconnect()}.
   *
   * @return completes when everything is closed
   */
  Future<Void> close();
}
