package dev.workspace.examples;

import com.fasterxml.jackson.databind.JsonNode;
import dev.workspace.client.AgentClient;
import dev.workspace.client.AgentClientOptions;
import dev.workspace.client.ApprovalScope;
import dev.workspace.client.Run;
import dev.workspace.client.RunResult;
import dev.workspace.model.Event;
import dev.workspace.model.RunNames;
import io.vertx.core.Future;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * An interactive caller: it starts a run on a remote agent, shows the stream (thinking, tool calls, text) in the
 * terminal, and lets a person answer the agent's questions: a choice by number or text, an approval with {@code y}
 * (once), {@code s} (for the session) or {@code n} (reject); {@code cancel} at any prompt cancels the run.
 *
 * <pre>scripts/example ask researcher "llamas"</pre>
 */
public final class InteractiveCaller {
  private InteractiveCaller() {
  }

  /**
   * Runs one task, showing its stream and asking {@code person} for every answer.
   *
   * @param client a connected client
   * @param agentId the remote agent
   * @param sessionId the conversation (an approval "for the session" holds within it)
   * @param task the task
   * @param person answers a question, given the prompt shown; runs off the event loop
   * @param out where the stream is shown
   * @return the result; fails as {@link Run#result()}
   */
  public static Future<RunResult> run(AgentClient client, String agentId, String sessionId, String task,
      Function<String, String> person, PrintStream out) {
    Run run = client.remoteAgent(agentId).session(sessionId).timeout(java.time.Duration.ofMinutes(10)).start(task);
    run.handler(e -> show(e, out, run, person));
    return run.result().andThen(ar -> out.println(ar.succeeded() ? "\n[done] " + ar.result().text()
        : "\n[ended] " + ar.cause().getMessage()));
  }

  private static void show(Event e, PrintStream out, Run run, Function<String, String> person) {
    JsonNode p = e.payload();
    switch (e.eventName()) {
      case RunNames.THINKING -> out.println("[thinking] " + p.path("text").asText());
      case RunNames.TOOL_CALL -> out.println("[tool] " + p.path("name").asText() + " " + p.path("args"));
      case RunNames.TOOL_RESULT -> out.println("[tool result] " + p.path("result"));
      case RunNames.TEXT -> out.print(p.path("text").asText());
      case RunNames.INPUT_REQUIRED -> ask(e, out, run, person);
      default -> out.println("[" + e.eventName() + "] " + p);
    }
  }

  private static void ask(Event question, PrintStream out, Run run, Function<String, String> person) {
    JsonNode p = question.payload();
    String kind = p.path("kind").asText();
    StringBuilder prompt = new StringBuilder("[question] ").append(p.path("text").asText());
    if (kind.equals("approval")) {
      prompt.append(" ").append(p.path("tool").asText()).append(" ").append(p.path("arguments"))
          .append(" [y = once, s = session, n = no]");
    } else {
      int i = 1;
      for (JsonNode o : p.path("options")) {
        prompt.append("\n  ").append(i++).append(") ").append(o.asText());
      }
    }
    String shown = prompt.toString();
    out.println(shown);
    Thread reader = new Thread(() -> {
      String line = person.apply(shown);
      String answer = line == null ? "cancel" : line.trim();
      if (answer.equals("cancel")) {
        run.cancel();
      } else if (kind.equals("approval") || kind.equals("plan_review")) {
        if (answer.startsWith("n")) {
          run.reject("declined at the terminal");
        } else {
          run.approve(answer.startsWith("s") ? ApprovalScope.SESSION : ApprovalScope.ONCE);
        }
      } else {
        run.respond(option(p.path("options"), answer));
      }
    }, "answer");
    reader.setDaemon(true);
    reader.start();
  }

  private static String option(JsonNode options, String answer) {
    try {
      int n = Integer.parseInt(answer);
      if (n >= 1 && n <= options.size()) {
        return options.get(n - 1).asText();
      }
    } catch (NumberFormatException notANumber) {
      // a typed answer
    }
    return answer;
  }

  /**
   * @param args the remote agent's id and the task
   * @throws Exception when it cannot connect
   */
  public static void main(String[] args) throws Exception {
    String agent = args.length > 0 ? args[0] : "researcher";
    String task = args.length > 1 ? String.join(" ", List.of(args).subList(1, args.length)) : "llamas";
    AgentClient client = AgentClient.create(new AgentClientOptions().setAgentId("person-" + ProcessHandle.current().pid())
        .setSubscriptions(List.of()));
    client.connectToServer(Endpoint.HOST, Endpoint.PORT, Map.of("name", "a person at a terminal"))
        .toCompletionStage().toCompletableFuture().get();
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    Function<String, String> person = prompt -> {
      try {
        System.out.print("> ");
        return in.readLine();
      } catch (java.io.IOException e) {
        return null;
      }
    };
    try {
      run(client, agent, "terminal", task, person, System.out).toCompletionStage().toCompletableFuture().get();
    } catch (java.util.concurrent.ExecutionException ended) {
      // shown already
    }
    client.close().toCompletionStage().toCompletableFuture().get();
  }
}
