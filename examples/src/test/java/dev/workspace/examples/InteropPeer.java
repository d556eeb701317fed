package dev.workspace.examples;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.workspace.client.AgentClient;
import dev.workspace.client.AgentClientOptions;
import dev.workspace.model.Event;
import dev.workspace.model.FrameCodec;
import io.vertx.core.Future;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * A Java agent the interop tests ({@code interop/test/}) drive from outside: it connects with the real
 * {@link AgentClient}, joins {@code #general}, prints every event it receives as one JSON line on stdout, posts what
 * stdin tells it to, and hosts runs: to a request it answers with {@code run.progress.thinking},
 * {@code run.progress.tool_call} and then a reply {@code answer: <text>}; a request whose text starts with
 * {@code wait} gets one progress event and then waits for {@code run.cancel}, which it reports and ends the run
 * {@code run.canceled}; one whose text starts with {@code question} asks {@code run.input_required} "which color?"
 * and answers {@code you chose <answer>} to the {@code run.input}.
 *
 * <pre>java -cp ... dev.workspace.examples.InteropPeer host port agent-id</pre>
 *
 * <p>stdin lines: {@code {"cmd":"post","channel":"general","text":"..."}}, {@code {"cmd":"quit"}}. stdout lines:
 * {@code {"type":"ready"}}, {@code {"type":"event","event":{...}}}, {@code {"type":"request","run_id":...}},
 * {@code {"type":"cancel","run_id":...}}, {@code {"type":"posted","event_id":...}}, {@code {"type":"error",...}}.
 */
public final class InteropPeer {
  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
  private static final FrameCodec CODEC = FrameCodec.DEFAULT;

  private final AgentClient client;
  private final Map<String, Event> asking = new java.util.concurrent.ConcurrentHashMap<>();

  private InteropPeer(AgentClient client) {
    this.client = client;
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
    InteropPeer peer = new InteropPeer(client);
    client.connectToServer(host, port, Map.of("name", "Interop peer", "capabilities", List.of("echo")))
        .compose(s -> client.registerEventHandler(peer::onEvent, "*"))
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
            .onSuccess(r -> print(JSON.objectNode().put("type", "posted").put("event_id", r.eventId())))
            .onFailure(e -> print(JSON.objectNode().put("type", "error").put("message", String.valueOf(e))));
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

  private void onEvent(Event e) {
    ObjectNode line = JSON.objectNode().put("type", "event");
    try {
      line.set("event", CODEC.mapper().readTree(CODEC.encodeEvent(e)));
    } catch (java.io.IOException ex) {
      throw new IllegalStateException(ex);
    }
    print(line);
    if (e.requiresResponse()) {
      host(e);
    } else if (e.eventName().equals("run.input")) {
      Event request = asking.remove(e.payload().path("run_id").asText());
      if (request != null) {
        client.respond(request, "you chose " + e.payload().path("answer").asText());
      }
    } else if (e.eventName().equals("run.cancel")) {
      String runId = e.payload().path("run_id").asText();
      print(JSON.objectNode().put("type", "cancel").put("run_id", runId).put("from", e.sourceId()));
      send(e.sourceId(), "run.canceled", JSON.objectNode().put("reason", e.payload().path("reason").asText("")), runId);
    }
  }

  private void host(Event request) {
    String text = request.text() == null ? "" : request.text();
    print(JSON.objectNode().put("type", "request").put("run_id", request.eventId()).put("from", request.sourceId())
        .put("text", text));
    Future<?> thinking = send(request.sourceId(), "run.progress.thinking",
        JSON.objectNode().put("id", "t1").put("status", "running").put("text", "thinking about " + text),
        request.eventId());
    if (text.startsWith("wait")) {
      return;
    }
    if (text.startsWith("question")) {
      asking.put(request.eventId(), request);
      ObjectNode question = JSON.objectNode().put("kind", "ask_user").put("text", "which color?");
      question.putArray("options").add("red").add("blue");
      thinking.compose(v -> send(request.sourceId(), "run.input_required", question, request.eventId()));
      return;
    }
    thinking.compose(v -> send(request.sourceId(), "run.progress.tool_call",
            JSON.objectNode().put("tool_call_id", "c1").put("name", "search").set("args", JSON.objectNode()),
            request.eventId()))
        .compose(v -> client.respond(request, "answer: " + text));
  }

  private Future<?> send(String to, String name, ObjectNode payload, String responseTo) {
    return client.sendEvent(Event.create(null, name, null, "agent:" + to, payload, null, 0, responseTo, false, -1))
        .onFailure(e -> print(JSON.objectNode().put("type", "error").put("message", String.valueOf(e))));
  }

  private static synchronized void print(ObjectNode line) {
    System.out.println(line.toString());
    System.out.flush();
  }
}
