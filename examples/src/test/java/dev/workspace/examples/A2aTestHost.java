package dev.workspace.examples;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.workspace.client.AgentClient;
import dev.workspace.client.AgentClientOptions;
import dev.workspace.client.RunContext;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * A deterministic host agent for the A2A tests: it hosts runs with the real {@link AgentClient} and does what the
 * task's text says. {@code echo <x>} completes with {@code echo: <x>}; {@code stream <x>} reports a tool call
 * {@code search {q: <x>}} and its result, streams the answer {@code found <x>} in two text chunks and completes
 * with it; {@code ask} asks "Which format?" (summary, bullets) and completes with {@code format: <answer>};
 * {@code wait} waits for {@code run.cancel} and ends the run canceled; {@code fail} fails it with code
 * {@code test_failure}. Every run and cancel it sees is printed as one JSON line on stdout
 * ({@code {"type":"run",...}}, {@code {"type":"cancel",...}}), after {@code {"type":"ready"}}.
 *
 * <pre>java -cp ... dev.workspace.examples.A2aTestHost host port agent-id</pre>
 */
public final class A2aTestHost {
  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

  private A2aTestHost() {
  }

  /**
   * @param args host, port, agent id
   * @throws Exception when stdin fails
   */
  public static void main(String[] args) throws Exception {
    String host = args[0];
    int port = Integer.parseInt(args[1]);
    String agentId = args[2];
    AgentClient client = AgentClient.create(new AgentClientOptions().setAgentId(agentId));
    Map<String, Object> card = Map.of("name", "Test host " + agentId, "description", "a deterministic test host",
        "version", "2.1.0", "streaming", true, "capabilities", List.of("testing"),
        "skills", List.of(Map.of("id", "echo", "name", "Echo", "description", "says the text back",
            "tags", List.of("echo", "test"), "examples", List.of("echo hello"))));
    client.connectToServer(host, port, card).compose(s -> client.host(A2aTestHost::run))
        .onSuccess(v -> print(JSON.objectNode().put("type", "ready").put("agent_id", agentId)))
        .onFailure(e -> {
          print(JSON.objectNode().put("type", "error").put("message", String.valueOf(e)));
          System.exit(1);
        });
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    while (in.readLine() != null) {
      // stdin closing ends the host
    }
    System.exit(0);
  }

  private static void run(RunContext run) {
    String text = run.text() == null ? "" : run.text();
    ObjectNode seen = JSON.objectNode().put("type", "run").put("run_id", run.runId()).put("caller", run.caller())
        .put("text", text).put("session_id", run.sessionId());
    seen.set("metadata", run.request().metadata());
    seen.set("payload", run.request().payload());
    print(seen);
    run.onCancel(reason -> {
      print(JSON.objectNode().put("type", "cancel").put("run_id", run.runId()).put("reason", reason));
      run.canceled(reason);
    });
    String word = text.split(" ", 2)[0];
    String rest = text.contains(" ") ? text.substring(text.indexOf(' ') + 1) : "";
    switch (word) {
      case "echo" -> run.complete("echo: " + rest);
      case "stream" -> {
        String call = run.toolCall("search", JSON.objectNode().put("q", rest));
        run.toolResult(call, JSON.textNode("1 result"));
        run.text("found ");
        run.text(rest);
        run.complete("found " + rest);
      }
      case "ask" -> run.askUser("Which format?", List.of("summary", "bullets"), false)
          .compose(answer -> run.complete("format: " + answer.answer()));
      case "wait" -> run.thinking("waiting to be canceled");
      case "fail" -> run.fail("test_failure", "failed as asked");
      default -> run.complete("unknown: " + text);
    }
  }

  private static synchronized void print(ObjectNode line) {
    System.out.println(line.toString());
    System.out.flush();
  }
}
