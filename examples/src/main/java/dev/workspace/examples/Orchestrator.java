package dev.workspace.examples;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.workspace.client.AgentClient;
import dev.workspace.client.AgentClientOptions;
import dev.workspace.client.FailureKind;
import dev.workspace.client.RemoteAgent;
import dev.workspace.client.Run;
import dev.workspace.client.WorkspaceException;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * An orchestrator on a worker pool: it announces the batch to everyone with a broadcast, sends every task to
 * {@code pool:work} (the server hands each to exactly one connected worker, the one with the fewest open runs), and
 * gathers the answers (or the typed failure of each).
 *
 * <pre>scripts/example orchestrator "task one" "task two" ...</pre>
 */
public final class Orchestrator {
  private final AgentClient client;

  private Orchestrator(AgentClient client) {
    this.client = client;
  }

  /**
   * One task's outcome.
   *
   * @param task the task text
   * @param worker the worker it went to
   * @param answer the worker's reply payload, or {@code null} when it failed
   * @param failure what went wrong, or {@code null}
   */
  public record Outcome(String task, String worker, ObjectNode answer, WorkspaceException failure) {
  }

  /**
   * Connects an orchestrator.
   *
   * @param host the server's host
   * @param port the server's port
   * @param id its agent id
   * @return the connected orchestrator
   */
  public static Future<Orchestrator> connect(String host, int port, String id) {
    AgentClient client = AgentClient.create(new AgentClientOptions().setAgentId(id).setSubscriptions(List.of()));
    return client.connectToServer(host, port, Map.of("name", "orchestrator")).map(s -> new Orchestrator(client));
  }

  /**
   * Runs a batch: every task goes to one worker, and every outcome comes back, in task order.
   *
   * @param tasks the task texts
   * @param timeout how long to wait for each answer
   * @return the outcomes, each with the worker that ran it; a task with no worker connected fails
   *     {@link FailureKind#NOT_FOUND}
   */
  public Future<List<Outcome>> run(List<String> tasks, Duration timeout) {
    RemoteAgent pool = client.pool(Worker.CAPABILITY).timeout(timeout);
    ObjectNode announce = JsonNodeFactory.instance.objectNode().put("tasks", tasks.size());
    return client.workspace().broadcast("task.batch.started", announce).compose(b -> {
      List<Future<Outcome>> outcomes = new ArrayList<>();
      for (String task : tasks) {
        Run run = pool.start(task);
        outcomes.add(run.result().transform(ar -> Future.succeededFuture(ar.succeeded()
            ? new Outcome(task, ar.result().agentId(), ar.result().payload(), null)
            : new Outcome(task, run.accepted().result(), null, ar.cause() instanceof WorkspaceException we ? we
                : new WorkspaceException(FailureKind.UNAVAILABLE, String.valueOf(ar.cause()))))));
      }
      return Future.all(outcomes).map(all -> {
        List<Outcome> list = new ArrayList<>();
        outcomes.forEach(f -> list.add(f.result()));
        return list;
      });
    });
  }

  /** @return the orchestrator's client */
  public AgentClient client() {
    return client;
  }

  /**
   * @param args the task texts
   * @throws Exception when it cannot connect or no worker is there
   */
  public static void main(String[] args) throws Exception {
    List<String> tasks = args.length > 0 ? List.of(args) : List.of("summarize the logs", "draft the reply", "check the build");
    Orchestrator o = connect(Endpoint.HOST, Endpoint.PORT, "orchestrator").toCompletionStage().toCompletableFuture().get();
    for (Outcome outcome : o.run(tasks, Duration.ofSeconds(10)).toCompletionStage().toCompletableFuture().get()) {
      System.out.println(outcome.task() + " -> " + outcome.worker() + ": "
          + (outcome.failure() == null ? outcome.answer() : outcome.failure().getMessage()));
    }
    o.client.close().toCompletionStage().toCompletableFuture().get();
  }
}
