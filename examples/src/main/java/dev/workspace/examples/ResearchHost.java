package dev.workspace.examples;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.workspace.client.AgentClient;
import dev.workspace.client.AgentClientOptions;
import dev.workspace.client.RunContext;
import dev.workspace.client.RunInput;
import io.vertx.core.Future;
import java.util.List;
import java.util.Map;

/**
 * A host agent that others call as if it were local: for each task it streams its thinking and tool calls, asks
 * the caller which format it wants, asks for approval before the "dangerous" {@code delete_draft} tool (an approval
 * for the session is not asked again in that session), streams the answer in chunks and completes. A cancel ends
 * the run as canceled.
 *
 * <pre>scripts/example host researcher</pre>
 */
public final class ResearchHost {
  /** The capability the host advertises. */
  public static final String CAPABILITY = "research";
  /** The tool it asks approval for. */
  public static final String DANGEROUS_TOOL = "delete_draft";

  private final AgentClient client;

  private ResearchHost(AgentClient client) {
    this.client = client;
  }

  /**
   * Connects and starts hosting runs.
   *
   * @param host the server's host
   * @param port the server's port
   * @param id the host's agent id
   * @return the running host
   */
  public static Future<ResearchHost> start(String host, int port, String id) {
    AgentClient client = AgentClient.create(new AgentClientOptions().setAgentId(id)
        .setSubscriptions(List.of("agent.task")));
    ResearchHost h = new ResearchHost(client);
    Map<String, Object> card = Map.of("name", "Research assistant", "role", "researcher", "version", "1.0",
        "description", "searches, asks what you want, and cleans up its drafts with your approval",
        "capabilities", List.of(CAPABILITY), "streaming", true,
        "tools", List.of(Map.of("name", "search", "description", "searches the notes"),
            Map.of("name", DANGEROUS_TOOL, "description", "deletes the working draft")));
    return client.connectToServer(host, port, card).compose(s -> client.host(h::research)).map(h);
  }

  private void research(RunContext run) {
    String topic = run.text() == null ? "nothing" : run.text();
    run.onCancel(reason -> run.canceled(reason));
    run.thinking("planning how to research '" + topic + "'");
    run.askUser("Which format do you want?", List.of("summary", "bullets"), false).compose(format -> {
      String call = run.toolCall("search", JsonNodeFactory.instance.objectNode().put("q", topic));
      run.toolResult(call, JsonNodeFactory.instance.textNode("3 notes about " + topic));
      return run.requestApproval(DANGEROUS_TOOL, JsonNodeFactory.instance.objectNode().put("path", "draft.txt"))
          .map(approval -> answer(run, topic, format, approval));
    }).compose(text -> {
      for (String chunk : text.split("(?<= )")) {
        run.text(chunk);
      }
      return run.complete(text);
    }).onFailure(e -> {
      if (!run.isCancelRequested()) {
        run.fail("research_failed", e.getMessage());
      }
    });
  }

  private static String answer(RunContext run, String topic, RunInput format, RunInput approval) {
    String cleanup;
    if (approval.isApproved()) {
      String call = run.toolCall(DANGEROUS_TOOL, JsonNodeFactory.instance.objectNode().put("path", "draft.txt"));
      run.toolResult(call, JsonNodeFactory.instance.textNode("deleted"));
      cleanup = "draft deleted";
    } else {
      cleanup = "draft kept" + (approval.feedback() == null ? "" : " (" + approval.feedback() + ")");
    }
    String body = "bullets".equals(format.answer()) ? "- " + topic + " has 3 notes" : topic + " has 3 notes.";
    return body + " " + cleanup;
  }

  /** @return the host's client */
  public AgentClient client() {
    return client;
  }

  /**
   * @param args the host's agent id
   * @throws Exception when it cannot connect
   */
  public static void main(String[] args) throws Exception {
    String id = args.length > 0 ? args[0] : "researcher";
    start(Endpoint.HOST, Endpoint.PORT, id).toCompletionStage().toCompletableFuture().get();
    System.out.println(id + " hosts runs; Ctrl-C to stop");
    Thread.currentThread().join();
  }
}
