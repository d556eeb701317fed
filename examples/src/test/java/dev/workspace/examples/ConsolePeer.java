package dev.workspace.examples;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.workspace.client.AgentClient;
import dev.workspace.client.AgentClientOptions;
import dev.workspace.client.RunContext;
import dev.workspace.client.RunInput;
import dev.workspace.model.Event;
import dev.workspace.model.FrameCodec;
import io.vertx.core.Future;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * The Java agent the console's browser test ({@code console/test/}) drives: it connects with the real
 * {@link AgentClient} (card: name, description, capabilities, tools), joins {@code #general}, prints every event it
 * receives and every lifecycle change as one JSON line on stdout, posts and sends what stdin tells it to, and hosts
 * runs the same way every time: thinking, a {@code search} tool call and its result, the question "Which format do
 * you want?" ({@code summary} or {@code bullets}), an approval of {@code delete_draft}, the answer streamed in
 * chunks, and the end {@code done: <format>, draft <deleted|kept>}. A task that starts with {@code wait} only thinks
 * and then waits for a cancel, which ends it canceled; one that starts with {@code plan} asks for a plan review and
 * ends {@code plan approved} or {@code plan rejected: <feedback>}.
 *
 * <pre>java -cp ... dev.workspace.examples.ConsolePeer host port agent-id</pre>
 *
 * <p>stdin lines: {@code {"cmd":"post","channel":"general","text":"..."}}, {@code {"cmd":"send","to":"x",
 * "text":"..."}}, {@code {"cmd":"burst","channel":"x","prefix":"m ","count":250}} (posts {@code m 1} to
 * {@code m 250} in order, one after the other's ack, then prints {@code burst_done}), {@code {"cmd":"quit"}}. stdout lines: {@code {"type":"ready"}}, {@code {"type":"event",
 * "event":{...}}}, {@code {"type":"lifecycle","kind":"RECONNECTED",...}}, {@code {"type":"run","run_id","text"}},
 * {@code {"type":"answer","run_id","answer"}}, {@code {"type":"approval","run_id","approved","scope"}},
 * {@code {"type":"canceled","run_id"}}, {@code {"type":"review","run_id","approved","feedback"}}, {@code {"type":"posted","event_id"}}, {@code {"type":"error",...}}.
 */
public final class ConsolePeer {
  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
  private static final FrameCodec CODEC = FrameCodec.DEFAULT;

  private ConsolePeer() {
  }

  /**
   * @param args host, port, agent id
   * @throws Exception when stdin fails
   */
  public static void main(String[] args) throws Exception {
    String host = args[0];
    int port = Integer.parseInt(args[1]);
    String agentId = args[2];
    AgentClient client = AgentClient.create(new AgentClientOptions().setAgentId(agentId)
        .setReconnectMaxDelay(java.time.Duration.ofMillis(500)));
    client.lifecycleHandler(l -> print(JSON.objectNode().put("type", "lifecycle").put("kind", l.type().name())
        .put("code", l.closeCode())));
    Map<String, Object> card = Map.of("name", "Console test peer", "role", "researcher", "version", "1.0",
        "description", "answers in a fixed way so a browser test can follow it",
        "capabilities", List.of("research"), "streaming", true,
        "tools", List.of(Map.of("name", "search", "description", "searches the notes"),
            Map.of("name", "delete_draft", "description", "deletes the working draft")));
    client.connectToServer(host, port, card)
        .compose(s -> client.registerEventHandler(ConsolePeer::onEvent, "*"))
        .compose(r -> client.host(ConsolePeer::run))
        .compose(r -> client.workspace().channel("general").join())
        .onSuccess(j -> print(JSON.objectNode().put("type", "ready").put("agent_id", agentId)))
        .onFailure(e -> {
          print(JSON.objectNode().put("type", "error").put("message", String.valueOf(e)));
          System.exit(1);
        });
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    String line;
    while ((line = in.readLine()) != null) {
      JsonNode cmd = CODEC.mapper().readTree(line);
      switch (cmd.path("cmd").asText()) {
        case "post" -> client.workspace().channel(cmd.path("channel").asText()).post(cmd.path("text").asText())
            .onSuccess(r -> print(JSON.objectNode().put("type", "posted").put("event_id", r.eventId())
                .put("text", cmd.path("text").asText())))
            .onFailure(e -> print(JSON.objectNode().put("type", "error").put("message", String.valueOf(e))));
        case "send" -> client.workspace().agent(cmd.path("to").asText()).send(cmd.path("text").asText())
            .onSuccess(r -> print(JSON.objectNode().put("type", "sent").put("event_id", r.eventId())))
            .onFailure(e -> print(JSON.objectNode().put("type", "error").put("message", String.valueOf(e))));
        case "burst" -> burst(client, cmd.path("channel").asText(), cmd.path("prefix").asText(),
            Math.min(10_000, cmd.path("count").asInt()));
        case "quit" -> {
          client.close().toCompletionStage().toCompletableFuture().get();
          System.exit(0);
        }
        default -> print(JSON.objectNode().put("type", "error").put("message", "unknown command " + line));
      }
    }
    client.close().toCompletionStage().toCompletableFuture().get();
    System.exit(0);
  }

  private static void burst(AgentClient client, String channel, String prefix, int count) {
    Future<?> chain = client.workspace().channel(channel).join();
    for (int i = 1; i <= count; i++) {
      String text = prefix + i;
      chain = chain.compose(v -> client.workspace().channel(channel).post(text));
    }
    chain.onSuccess(v -> print(JSON.objectNode().put("type", "burst_done").put("channel", channel)
            .put("count", count)))
        .onFailure(e -> print(JSON.objectNode().put("type", "error").put("message", String.valueOf(e))));
  }

  private static void onEvent(Event e) {
    ObjectNode line = JSON.objectNode().put("type", "event");
    try {
      line.set("event", CODEC.mapper().readTree(CODEC.encodeEvent(e)));
    } catch (java.io.IOException ex) {
      throw new IllegalStateException(ex);
    }
    print(line);
  }

  private static void run(RunContext run) {
    String text = run.text() == null ? "" : run.text();
    print(JSON.objectNode().put("type", "run").put("run_id", run.runId()).put("from", run.caller()).put("text", text));
    run.onCancel(reason -> {
      print(JSON.objectNode().put("type", "canceled").put("run_id", run.runId()).put("reason", reason));
      run.canceled(reason);
    });
    run.thinking("looking into '" + text + "'");
    if (text.startsWith("wait")) {
      return;
    }
    if (text.startsWith("plan")) {
      run.reviewPlan("1. read the notes\n2. write the summary").onSuccess(review -> {
        print(JSON.objectNode().put("type", "review").put("run_id", run.runId()).put("approved", review.isApproved())
            .put("feedback", review.feedback()));
        run.complete(review.isApproved() ? "plan approved" : "plan rejected: " + review.feedback());
      });
      return;
    }
    String call = run.toolCall("search", JSON.objectNode().put("q", text));
    run.toolResult(call, JSON.textNode("3 notes about " + text));
    run.askUser("Which format do you want?", List.of("summary", "bullets"), false).compose(format -> {
      print(JSON.objectNode().put("type", "answer").put("run_id", run.runId()).put("answer", format.answer()));
      return run.requestApproval("delete_draft", JSON.objectNode().put("path", "draft.txt"))
          .map(approval -> answer(run, format, approval));
    }).compose(answer -> {
      for (String chunk : answer.split("(?<= )")) {
        run.text(chunk);
      }
      return run.complete(answer);
    }).onFailure(e -> {
      if (!run.isCancelRequested()) {
        run.fail("peer_failed", String.valueOf(e.getMessage()));
      }
    });
  }

  private static String answer(RunContext run, RunInput format, RunInput approval) {
    print(JSON.objectNode().put("type", "approval").put("run_id", run.runId()).put("approved", approval.isApproved())
        .put("scope", approval.scope() == null ? null : approval.scope().name().toLowerCase(java.util.Locale.ROOT)));
    if (approval.isApproved()) {
      String call = run.toolCall("delete_draft", JSON.objectNode().put("path", "draft.txt"));
      run.toolResult(call, JSON.textNode("deleted"));
    }
    return "done: " + format.answer() + ", draft " + (approval.isApproved() ? "deleted" : "kept");
  }

  private static synchronized void print(ObjectNode line) {
    System.out.println(line.toString());
    System.out.flush();
  }
}
