package dev.workspace.examples;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.workspace.client.AgentClient;
import dev.workspace.client.AgentClientOptions;
import dev.workspace.client.RunContext;
import io.vertx.core.Future;
import java.util.List;
import java.util.Map;

/**
 * A worker agent of a pool: it advertises the {@code work} capability and hosts runs ({@link AgentClient#host}),
 * answering each with the result (here, the task's text reversed and counted, standing in for real work). The
 * server hands each run sent to {@code pool:work} to the member with the fewest open runs.
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
        .setSubscriptions(List.of("agent.task")));
    Worker worker = new Worker(client);
    return client.connectToServer(host, port, Map.of("name", workerId, "role", "worker",
            "capabilities", List.of(CAPABILITY)))
        .compose(s -> client.host(worker::onTask))
        .map(worker);
  }

  private void onTask(RunContext run) {
    String text = run.text() == null ? "" : run.text();
    run.thinking("reversing " + text.length() + " characters");
    ObjectNode result = JsonNodeFactory.instance.objectNode()
        .put("worker", client.session().agentId())
        .put("task", text)
        .put("result", new StringBuilder(text).reverse().toString())
        .put("length", text.length());
    run.complete(result);
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
