package dev.workspace.examples;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.workspace.client.AgentClient;
import dev.workspace.client.AgentClientOptions;
import dev.workspace.model.Event;
import io.vertx.core.Future;
import java.util.List;
import java.util.Map;

/**
 * A worker agent: it advertises the {@code work} capability, takes {@code task.run} requests and answers each
 * with the result (here, the task's text reversed and counted, standing in for real work).
 *
 * <pre>scripts/example worker w1</pre>
 */
public final class Worker {
  /** The capability workers advertise. */
  public static final String CAPABILITY = "work";

  private final AgentClient client;

  private Worker(AgentClient client) {
    this.client = client;
  }

  /**
   * Connects and starts answering tasks.
   *
   * @param host the server's host
   * @param port the server's port
   * @param workerId the worker's agent id
   * @return the running worker
   */
  public static Future<Worker> start(String host, int port, String workerId) {
    AgentClient client = AgentClient.create(new AgentClientOptions().setAgentId(workerId)
        .setSubscriptions(List.of("task.>")));
    Worker worker = new Worker(client);
    return client.connectToServer(host, port, Map.of("name", workerId, "capabilities", List.of(CAPABILITY)))
        .compose(s -> client.registerEventHandler(worker::onTask, "task.run"))
        .map(worker);
  }

  private void onTask(Event task) {
    if (!task.requiresResponse()) {
      return;
    }
    String text = task.payload().path("text").asText("");
    ObjectNode result = JsonNodeFactory.instance.objectNode()
        .put("worker", client.session().agentId())
        .put("task", text)
        .put("result", new StringBuilder(text).reverse().toString())
        .put("length", text.length());
    client.reply(task, result);
  }

  /** @return the worker's client */
  public AgentClient client() {
    return client;
  }

  /**
   * @param args the worker id
   * @throws Exception when it cannot connect
   */
  public static void main(String[] args) throws Exception {
    String id = args.length > 0 ? args[0] : "worker-1";
    start(Endpoint.HOST, Endpoint.PORT, id).toCompletionStage().toCompletableFuture().get();
    System.out.println(id + " is taking tasks; Ctrl-C to stop");
    Thread.currentThread().join();
  }
}
