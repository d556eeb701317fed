package dev.workspace.client;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.workspace.model.FrameCodec;
import dev.workspace.model.Ids;
import dev.workspace.model.Patterns;
import dev.workspace.model.ProtocolException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Options of an {@link AgentClient}. Setters check their argument, throw {@link IllegalArgumentException} when it is
 * wrong, and return {@code this}. The client copies the options when it is created; later changes do not affect it.
 *
 * <p>In JSON ({@link #AgentClientOptions(JsonObject)}, {@link #toJson()}) the fields are named like the properties;
 * durations are whole milliseconds in fields ending in {@code Ms}: {@code requestTimeoutMs},
 * {@code reconnectInitialDelayMs}, {@code reconnectMaxDelayMs}.
 */
public class AgentClientOptions {
  /** The workspace entered when none is named: {@code default}. */
  public static final String DEFAULT_WORKSPACE = Ids.DEFAULT_WORKSPACE;
  /** How long a request waits for its ack: 10 s. */
  public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(10);
  /** Whether the client reconnects after losing its connection: {@code true}. */
  public static final boolean DEFAULT_RECONNECT = true;
  /** The first reconnect delay's upper bound: 100 ms. */
  public static final Duration DEFAULT_RECONNECT_INITIAL_DELAY = Duration.ofMillis(100);
  /** The cap on reconnect delays: 10 s. */
  public static final Duration DEFAULT_RECONNECT_MAX_DELAY = Duration.ofSeconds(10);
  /** Most requests held while reconnecting: 1000 frames. */
  public static final int DEFAULT_RECONNECT_BUFFER_SIZE = 1000;
  /** How many recent event ids are remembered to drop duplicates: 10,000. */
  public static final int DEFAULT_DEDUPE_WINDOW_SIZE = 10_000;
  /** Most requests awaiting an ack, and separately most waiters for events or replies, at once: 10,000. */
  public static final int DEFAULT_MAX_PENDING_REQUESTS = 10_000;

  private String agentId;
  private String workspace;
  private String token;
  private ObjectNode metadata;
  private List<String> subscriptions;
  private Duration requestTimeout;
  private boolean reconnect;
  private Duration reconnectInitialDelay;
  private Duration reconnectMaxDelay;
  private int reconnectBufferSize;
  private int dedupeWindowSize;
  private int maxPendingRequests;
  private List<String> servers = List.of();

  /** Options with every default: no agent id, workspace {@code default}, no token, no metadata. */
  public AgentClientOptions() {
    workspace = DEFAULT_WORKSPACE;
    requestTimeout = DEFAULT_REQUEST_TIMEOUT;
    reconnect = DEFAULT_RECONNECT;
    reconnectInitialDelay = DEFAULT_RECONNECT_INITIAL_DELAY;
    reconnectMaxDelay = DEFAULT_RECONNECT_MAX_DELAY;
    reconnectBufferSize = DEFAULT_RECONNECT_BUFFER_SIZE;
    dedupeWindowSize = DEFAULT_DEDUPE_WINDOW_SIZE;
    maxPendingRequests = DEFAULT_MAX_PENDING_REQUESTS;
  }

  /**
   * A deep copy.
   *
   * @param other the options to copy
   */
  public AgentClientOptions(AgentClientOptions other) {
    agentId = other.agentId;
    workspace = other.workspace;
    token = other.token;
    metadata = other.metadata == null ? null : other.metadata.deepCopy();
    subscriptions = other.subscriptions == null ? null : List.copyOf(other.subscriptions);
    requestTimeout = other.requestTimeout;
    reconnect = other.reconnect;
    reconnectInitialDelay = other.reconnectInitialDelay;
    reconnectMaxDelay = other.reconnectMaxDelay;
    reconnectBufferSize = other.reconnectBufferSize;
    dedupeWindowSize = other.dedupeWindowSize;
    maxPendingRequests = other.maxPendingRequests;
    servers = other.servers;
  }

  /**
   * Options from JSON; absent fields keep their defaults, and every value is checked like its setter does.
   *
   * @param json the options as {@link #toJson()} writes them
   */
  public AgentClientOptions(JsonObject json) {
    this();
    if (json.containsKey("agentId")) {
      setAgentId(json.getString("agentId"));
    }
    if (json.containsKey("workspace")) {
      setWorkspace(json.getString("workspace"));
    }
    if (json.containsKey("token")) {
      setToken(json.getString("token"));
    }
    if (json.containsKey("metadata")) {
      JsonObject m = json.getJsonObject("metadata");
      setMetadata(m == null ? null : FrameCodec.DEFAULT.parseObject(m.encode()));
    }
    if (json.containsKey("subscriptions")) {
      JsonArray s = json.getJsonArray("subscriptions");
      List<String> list = null;
      if (s != null) {
        list = new ArrayList<>(s.size());
        for (int i = 0; i < s.size(); i++) {
          list.add(s.getString(i));
        }
      }
      setSubscriptions(list);
    }
    if (json.containsKey("requestTimeoutMs")) {
      setRequestTimeout(Duration.ofMillis(json.getLong("requestTimeoutMs")));
    }
    if (json.containsKey("reconnect")) {
      setReconnect(json.getBoolean("reconnect"));
    }
    if (json.containsKey("reconnectInitialDelayMs")) {
      setReconnectInitialDelay(Duration.ofMillis(json.getLong("reconnectInitialDelayMs")));
    }
    if (json.containsKey("reconnectMaxDelayMs")) {
      setReconnectMaxDelay(Duration.ofMillis(json.getLong("reconnectMaxDelayMs")));
    }
    if (json.containsKey("reconnectBufferSize")) {
      setReconnectBufferSize(json.getInteger("reconnectBufferSize"));
    }
    if (json.containsKey("dedupeWindowSize")) {
      setDedupeWindowSize(json.getInteger("dedupeWindowSize"));
    }
    if (json.containsKey("maxPendingRequests")) {
      setMaxPendingRequests(json.getInteger("maxPendingRequests"));
    }
    if (json.containsKey("servers")) {
      JsonArray s = json.getJsonArray("servers");
      List<String> list = new ArrayList<>();
      if (s != null) {
        for (int i = 0; i < s.size(); i++) {
          list.add(s.getString(i));
        }
      }
      setServers(list);
    }
  }

  /**
   * @return these options as JSON; fields whose value is {@code null} are left out. The token, when set, is
   *     included: do not log the result.
   */
  public JsonObject toJson() {
    JsonObject json = new JsonObject();
    if (agentId != null) {
      json.put("agentId", agentId);
    }
    json.put("workspace", workspace);
    if (token != null) {
      json.put("token", token);
    }
    if (metadata != null) {
      json.put("metadata", new JsonObject(metadata.toString()));
    }
    if (subscriptions != null) {
      json.put("subscriptions", new JsonArray(new ArrayList<>(subscriptions)));
    }
    json.put("requestTimeoutMs", requestTimeout.toMillis());
    json.put("reconnect", reconnect);
    json.put("reconnectInitialDelayMs", reconnectInitialDelay.toMillis());
    json.put("reconnectMaxDelayMs", reconnectMaxDelay.toMillis());
    json.put("reconnectBufferSize", reconnectBufferSize);
    json.put("dedupeWindowSize", dedupeWindowSize);
    json.put("maxPendingRequests", maxPendingRequests);
    if (!servers.isEmpty()) {
      json.put("servers", new JsonArray(new ArrayList<>(servers)));
    }
    return json;
  }

  /** @return the agent id, or {@code null} (default) when the token names the agent or it is given at connect */
  public String getAgentId() {
    return agentId;
  }

  /**
   * @param agentId 1-64 characters of {@code A-Z a-z 0-9 _ - .} starting with a letter or digit, not {@code system}
   *     or {@code broadcast}; {@code null} to leave it to the token or to {@code connectToServer}
   * @return this
   */
  public AgentClientOptions setAgentId(String agentId) {
    if (agentId != null) {
      requireValid(() -> Ids.requireAgentId(agentId));
    }
    this.agentId = agentId;
    return this;
  }

  /** @return the workspace to enter; default {@value Ids#DEFAULT_WORKSPACE} */
  public String getWorkspace() {
    return workspace;
  }

  /**
   * @param workspace a workspace name, following the agent-id character rules
   * @return this
   */
  public AgentClientOptions setWorkspace(String workspace) {
    Objects.requireNonNull(workspace, "workspace");
    requireValid(() -> Ids.requireWorkspace(workspace));
    this.workspace = workspace;
    return this;
  }

  /** @return the token sent as {@code Authorization: Bearer} at the handshake, or {@code null} (default) */
  public String getToken() {
    return token;
  }

  /**
   * @param token a signed token, or {@code null} for none; must not be empty or hold white space
   * @return this
   */
  public AgentClientOptions setToken(String token) {
    if (token != null && (token.isEmpty() || token.chars().anyMatch(Character::isWhitespace))) {
      throw new IllegalArgumentException("token must be non-empty and hold no white space");
    }
    this.token = token;
    return this;
  }

  /** @return a copy of the metadata others see in discovery, or {@code null} (default) for none */
  public ObjectNode getMetadata() {
    return metadata == null ? null : metadata.deepCopy();
  }

  /**
   * @param metadata what others see in discovery ({@code name}, {@code capabilities}, ...), copied; or {@code null}
   * @return this
   */
  public AgentClientOptions setMetadata(ObjectNode metadata) {
    this.metadata = metadata == null ? null : metadata.deepCopy();
    return this;
  }

  /**
   * @param metadata what others see in discovery, as a map converted to JSON with Jackson; or {@code null}
   * @return this
   */
  public AgentClientOptions setMetadata(Map<String, ?> metadata) {
    if (metadata == null) {
      this.metadata = null;
      return this;
    }
    try {
      this.metadata = FrameCodec.DEFAULT.mapper().valueToTree(metadata);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("metadata cannot be converted to JSON: " + e.getMessage(), e);
    }
    return this;
  }

  /**
   * @return the patterns to start with, or {@code null} (default) for the server's default {@code ["*"]}; an empty
   *     list means nothing but replies until something is subscribed
   */
  public List<String> getSubscriptions() {
    return subscriptions;
  }

  /**
   * Sets the initial subscriptions. These patterns stay subscribed when handlers using them are unregistered; only
   * {@link AgentClient#unsubscribe} removes them.
   *
   * @param subscriptions valid patterns (see {@link Patterns}), or {@code null} for the server default {@code ["*"]}
   * @return this
   */
  public AgentClientOptions setSubscriptions(List<String> subscriptions) {
    if (subscriptions != null) {
      for (String p : subscriptions) {
        requireValid(() -> Patterns.validate(p));
      }
      subscriptions = List.copyOf(subscriptions);
    }
    this.subscriptions = subscriptions;
    return this;
  }

  /** @return how long a request waits for its ack (including time spent buffered while reconnecting); default 10 s */
  public Duration getRequestTimeout() {
    return requestTimeout;
  }

  /**
   * @param requestTimeout at least 1 ms
   * @return this
   */
  public AgentClientOptions setRequestTimeout(Duration requestTimeout) {
    this.requestTimeout = requirePositive(requestTimeout, "requestTimeout");
    return this;
  }

  /** @return whether the client reconnects after losing its connection; default {@code true} */
  public boolean isReconnect() {
    return reconnect;
  }

  /**
   * @param reconnect whether to reconnect automatically (never after close codes 4001, 4005, 4007 or
   *     {@code disconnect()})
   * @return this
   */
  public AgentClientOptions setReconnect(boolean reconnect) {
    this.reconnect = reconnect;
    return this;
  }

  /**
   * @return the upper bound of the first reconnect delay; attempt {@code n} (from 0) waits a random time between 0
   *     and {@code min(maxDelay, initialDelay * 2^n)}; default 100 ms
   */
  public Duration getReconnectInitialDelay() {
    return reconnectInitialDelay;
  }

  /**
   * @param reconnectInitialDelay at least 1 ms
   * @return this
   */
  public AgentClientOptions setReconnectInitialDelay(Duration reconnectInitialDelay) {
    this.reconnectInitialDelay = requirePositive(reconnectInitialDelay, "reconnectInitialDelay");
    return this;
  }

  /** @return the cap on any reconnect delay; default 10 s */
  public Duration getReconnectMaxDelay() {
    return reconnectMaxDelay;
  }

  /**
   * @param reconnectMaxDelay at least 1 ms
   * @return this
   */
  public AgentClientOptions setReconnectMaxDelay(Duration reconnectMaxDelay) {
    this.reconnectMaxDelay = requirePositive(reconnectMaxDelay, "reconnectMaxDelay");
    return this;
  }

  /**
   * @return most requests held while (re)connecting, sent once the session is open; past it calls fail with
   *     {@link FailureKind#REJECTED}; default 1000 frames
   */
  public int getReconnectBufferSize() {
    return reconnectBufferSize;
  }

  /**
   * @param reconnectBufferSize 0 or more (0: fail every request at once while disconnected)
   * @return this
   */
  public AgentClientOptions setReconnectBufferSize(int reconnectBufferSize) {
    if (reconnectBufferSize < 0) {
      throw new IllegalArgumentException("reconnectBufferSize must not be negative, was " + reconnectBufferSize);
    }
    this.reconnectBufferSize = reconnectBufferSize;
    return this;
  }

  /** @return how many recent event ids are remembered so no event reaches handlers twice; default 10,000 */
  public int getDedupeWindowSize() {
    return dedupeWindowSize;
  }

  /**
   * @param dedupeWindowSize at least 1
   * @return this
   */
  public AgentClientOptions setDedupeWindowSize(int dedupeWindowSize) {
    if (dedupeWindowSize < 1) {
      throw new IllegalArgumentException("dedupeWindowSize must be at least 1, was " + dedupeWindowSize);
    }
    this.dedupeWindowSize = dedupeWindowSize;
    return this;
  }

  /**
   * @return most requests awaiting an ack at once, and separately most pending {@code waitEvent}/{@code sendAndWait}
   *     waiters; past it calls fail with {@link FailureKind#REJECTED}; default 10,000
   */
  public int getMaxPendingRequests() {
    return maxPendingRequests;
  }

  /**
   * @param maxPendingRequests at least 1
   * @return this
   */
  public AgentClientOptions setMaxPendingRequests(int maxPendingRequests) {
    if (maxPendingRequests < 1) {
      throw new IllegalArgumentException("maxPendingRequests must be at least 1, was " + maxPendingRequests);
    }
    this.maxPendingRequests = maxPendingRequests;
    return this;
  }

  /**
   * @return other servers of the same cluster ({@code ws://host:port/ws}), besides the one given to {@code connect};
   *     default none
   */
  public List<String> getServers() {
    return servers;
  }

  /**
   * When a node says it is stopping (close 4009, after a {@code server.draining} event) the client reconnects at
   * once, without a backoff, to the next server of the list made of the URI given to {@code connect} followed by
   * these; when a reconnect attempt fails it also moves on to the next one.
   *
   * @param servers {@code ws://} or {@code wss://} URIs of other nodes of the same cluster
   * @return this
   */
  public AgentClientOptions setServers(List<String> servers) {
    Objects.requireNonNull(servers, "servers");
    for (String s : servers) {
      if (s == null || !(s.startsWith("ws://") || s.startsWith("wss://"))) {
        throw new IllegalArgumentException("a server is a ws:// or wss:// URI, was '" + s + "'");
      }
    }
    this.servers = List.copyOf(servers);
    return this;
  }

  private static Duration requirePositive(Duration d, String name) {
    Objects.requireNonNull(d, name);
    if (d.toMillis() < 1) {
      throw new IllegalArgumentException(name + " must be at least 1 ms, was " + d.toMillis() + " ms");
    }
    return d;
  }

  private static void requireValid(Runnable check) {
    try {
      check.run();
    } catch (ProtocolException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
  }
}
