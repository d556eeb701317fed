package dev.workspace.client;

import java.time.Duration;
import java.util.List;

/**
 * The session the server opened for this client, from the {@code connect} acknowledgement.
 *
 * @param sessionId the server's id of this session; a new one after every reconnect
 * @param agentId the agent id the session speaks for
 * @param workspace the workspace the session is in
 * @param nodeId the id of the server node holding the connection
 * @param serverTime the server's clock when it opened the session, epoch milliseconds
 * @param pingInterval how often the server pings (default 25 s)
 * @param pingTimeout how long the server waits for a pong (default 10 s)
 * @param subscriptions the patterns the server holds for the session
 */
public record SessionInfo(String sessionId, String agentId, String workspace, String nodeId, long serverTime,
    Duration pingInterval, Duration pingTimeout, List<String> subscriptions) {
  /**
   * Copies the subscription list.
   *
   * @param sessionId the session id
   * @param agentId the agent id
   * @param workspace the workspace
   * @param nodeId the node id
   * @param serverTime the server's clock, epoch milliseconds
   * @param pingInterval the ping interval
   * @param pingTimeout the pong timeout
   * @param subscriptions the patterns held; copied
   */
  public SessionInfo {
    subscriptions = List.copyOf(subscriptions);
  }
}
