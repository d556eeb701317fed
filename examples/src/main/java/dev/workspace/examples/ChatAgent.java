package dev.workspace.examples;

import dev.workspace.client.AgentClient;
import dev.workspace.client.AgentClientOptions;
import dev.workspace.client.Channel;
import dev.workspace.model.Event;
import io.vertx.core.Future;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * An agent that joins a shared channel and chats: it prints what others post, answers {@code ping} with
 * {@code pong}, and (from the command line) posts every line typed.
 *
 * <pre>scripts/example chat alice [channel]</pre>
 */
public final class ChatAgent {
  private final AgentClient client;
  private final Channel channel;

  private ChatAgent(AgentClient client, String channel) {
    this.client = client;
    this.channel = client.workspace().channel(channel);
  }

  /**
   * Connects, listens to the channel's posts, joins it and says hello.
   *
   * @param host the server's host
   * @param port the server's port
   * @param agentId this agent's id
   * @param channel the channel to chat in
   * @return the running agent
   */
  public static Future<ChatAgent> start(String host, int port, String agentId, String channel) {
    AgentClient client = AgentClient.create(new AgentClientOptions().setAgentId(agentId)
        .setSubscriptions(List.of("channel.message.posted", "channel.joined", "channel.left")));
    ChatAgent agent = new ChatAgent(client, channel);
    return client.connectToServer(host, port, Map.of("name", agentId, "capabilities", List.of("chat")))
        .compose(s -> client.registerEventHandler(agent::onEvent, "channel.>"))
        .compose(r -> agent.channel.join())
        .compose(j -> agent.channel.post("hello from " + agentId))
        .map(agent);
  }

  private void onEvent(Event e) {
    if (!e.destinationId().equals("channel:" + channel.name())) {
      return;
    }
    if (e.eventName().equals("channel.message.posted")) {
      System.out.printf("[%s] %s: %s%n", channel.name(), e.sourceId(), e.text());
      if ("ping".equalsIgnoreCase(String.valueOf(e.text()).trim())) {
        channel.post("pong");
      }
    } else {
      System.out.printf("[%s] %s %s%n", channel.name(), e.payload().path("agent_id").asText(),
          e.eventName().equals("channel.joined") ? "joined" : "left");
    }
  }

  /** @return the channel this agent chats in */
  public Channel channel() {
    return channel;
  }

  /** @return the agent's client */
  public AgentClient client() {
    return client;
  }

  /**
   * @param args agent id, then optionally the channel (default {@code general})
   * @throws Exception when standard input fails
   */
  public static void main(String[] args) throws Exception {
    String agentId = args.length > 0 ? args[0] : "chatter";
    String channel = args.length > 1 ? args[1] : "general";
    ChatAgent agent = start(Endpoint.HOST, Endpoint.PORT, agentId, channel).toCompletionStage().toCompletableFuture().get();
    System.out.println("joined #" + channel + " as " + agentId + "; type to post, Ctrl-D to leave");
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    for (String line = in.readLine(); line != null; line = in.readLine()) {
      if (!line.isBlank()) {
        agent.channel.post(line).toCompletionStage().toCompletableFuture().get();
      }
    }
    agent.client.close().toCompletionStage().toCompletableFuture().get();
  }
}
