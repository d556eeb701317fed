package dev.workspace.examples;

import dev.workspace.client.AgentClient;
import dev.workspace.client.AgentClientOptions;
import dev.workspace.model.Event;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A bot that answers only its mentions. It subscribes to {@code channel.message.mentioned} and nothing else, so
 * the chatter of the channels it sits in costs it no traffic; each mention gets an answer posted in the channel.
 *
 * <pre>scripts/example bot helper [channel...]</pre>
 */
public final class MentionBot {
  private final AgentClient client;

  private MentionBot(AgentClient client) {
    this.client = client;
  }

  /**
   * Connects with no subscriptions but mentions, and joins the channels.
   *
   * @param host the server's host
   * @param port the server's port
   * @param botId the bot's agent id
   * @param channels the channels to sit in
   * @return the running bot
   */
  public static Future<MentionBot> start(String host, int port, String botId, List<String> channels) {
    AgentClient client = AgentClient.create(new AgentClientOptions().setAgentId(botId)
        .setSubscriptions(List.of("channel.message.mentioned")));
    MentionBot bot = new MentionBot(client);
    return client.connectToServer(host, port, Map.of("name", "Mention bot", "capabilities", List.of("answer")))
        .compose(s -> client.registerEventHandler(bot::onMention, "channel.message.mentioned"))
        .compose(r -> {
          List<Future<?>> joins = new ArrayList<>();
          for (String c : channels) {
            joins.add(client.workspace().channel(c).join());
          }
          return Future.all(joins);
        })
        .map(bot);
  }

  private void onMention(Event mention) {
    String channel = mention.payload().path("channel").asText();
    String text = mention.payload().path("text").asText("");
    String question = text.replace("@" + client.session().agentId(), "").trim();
    client.workspace().channel(channel).post("@" + mention.sourceId() + " " + answer(question));
  }

  /**
   * @param question what the bot was asked
   * @return its answer
   */
  static String answer(String question) {
    if (question.isEmpty()) {
      return "you called?";
    }
    return "you asked: \"" + question + "\" (" + question.split("\\s+").length + " words)";
  }

  /** @return the bot's client */
  public AgentClient client() {
    return client;
  }

  /**
   * @param args bot id, then the channels (default {@code general})
   * @throws Exception when it cannot connect
   */
  public static void main(String[] args) throws Exception {
    String botId = args.length > 0 ? args[0] : "helper";
    List<String> channels = args.length > 1 ? List.of(args).subList(1, args.length) : List.of("general");
    start(Endpoint.HOST, Endpoint.PORT, botId, channels).toCompletionStage().toCompletableFuture().get();
    System.out.println(botId + " is listening for mentions in " + channels + "; Ctrl-C to stop");
    Thread.currentThread().join();
  }
}
