package dev.workspace.server.core;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.workspace.model.AckResult;
import dev.workspace.model.Destination;
import dev.workspace.model.ErrorCode;
import dev.workspace.model.Event;
import dev.workspace.model.Ids;
import dev.workspace.model.ProtocolException;
import dev.workspace.model.RunNames;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Runs and worker pools in the routing core: opens a run when a request goes to an agent or a pool, logs the
 * target's answers in the {@link RunTracker} (stamping their {@code seq}), ends the open runs of a target that left
 * with {@code run.failed {code: agent_disconnected}}, and answers {@code get_run}.
 */
public final class Runs {
  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

  private final RunTracker tracker;
  private final Directory directory;
  private final CoreMeters meters;

  /**
   * How a direct event goes out after the run rules.
   *
   * @param event the event to deliver (destination resolved, {@code seq} stamped)
   * @param target the agent it goes to
   * @param record the target's directory record when it was read here, or {@code null}
   * @param deliver whether to deliver it (progress of a run whose requester did not ask for it is only logged)
   * @param seq its {@code seq} in its run, or -1
   * @param chosen whether the target was chosen from a pool
   */
  public record Routed(Event event, String target, AgentRecord record, boolean deliver, long seq, boolean chosen) {
  }

  /**
   * @param tracker where runs are kept
   * @param directory who is connected
   */
  public Runs(RunTracker tracker, Directory directory) {
    this(tracker, directory, CoreMeters.NONE);
  }

  /**
   * @param tracker where runs are kept
   * @param directory who is connected
   * @param meters counts the runs that enter each state
   */
  public Runs(RunTracker tracker, Directory directory, CoreMeters meters) {
    this.tracker = tracker;
    this.directory = directory;
    this.meters = meters;
  }

  /** @return the tracker */
  public RunTracker tracker() {
    return tracker;
  }

  /**
   * Applies the run rules to a direct event (to {@code agent:<id>} or {@code pool:<capability>}).
   *
   * @param workspace the workspace
   * @param stamped the event, stamped by the server
   * @return how it goes out; fails {@code not_found} for a pool with no connected member or a request to an agent
   *     that is not connected, as {@link RunTracker} fails otherwise
   */
  public Future<Routed> route(String workspace, Event stamped) {
    Destination d = stamped.destination();
    if (d.kind() == Destination.Kind.POOL) {
      return pool(workspace, stamped, d.name());
    }
    if (stamped.requiresResponse()) {
      return directory.agent(workspace, d.name()).compose(rec -> {
        if (rec == null) {
          return Future.failedFuture(notConnected(workspace, d.name()));
        }
        return tracker.open(workspace, stamped, List.of(d.name()), null).map(t -> {
          meters.runs(RunNames.SUBMITTED, 1);
          return new Routed(stamped, t, rec, true, -1, false);
        });
      });
    }
    if (stamped.responseTo() != null) {
      return tracker.record(workspace, stamped).map(r -> {
        if (r.seq() < 0) {
          return new Routed(stamped, d.name(), null, true, -1, false);
        }
        if (stamped.eventName().equals(RunNames.INPUT_REQUIRED)) {
          meters.runs(RunNames.INPUT_REQUIRED_STATE, 1);
        } else if (!RunNames.isInterim(stamped.eventName())) {
          meters.runs(RunNames.terminalState(stamped.eventName()), 1);
        }
        Event withSeq = r.event() != null ? r.event()
            : stamped.withPayload(stamped.payload().deepCopy().put("seq", r.seq()));
        boolean deliver = r.stream() || !stamped.eventName().startsWith(RunNames.PROGRESS_PREFIX);
        return new Routed(withSeq, d.name(), null, deliver, r.seq(), false);
      });
    }
    return Future.succeededFuture(new Routed(stamped, d.name(), null, true, -1, false));
  }

  private Future<Routed> pool(String workspace, Event stamped, String capability) {
    return directory.agents(workspace).compose(agents -> {
      List<String> candidates = new ArrayList<>();
      for (AgentRecord a : agents) {
        if (a.hasCapability(capability) && !a.agentId().equals(stamped.sourceId())) {
          candidates.add(a.agentId());
        }
      }
      if (candidates.isEmpty()) {
        return Future.failedFuture(new ProtocolException(ErrorCode.NOT_FOUND,
            "no connected agent of workspace '" + workspace + "' has capability '" + capability + "'"));
      }
      Future<String> chosen = stamped.requiresResponse()
          ? tracker.open(workspace, stamped, candidates, capability).onSuccess(t -> meters.runs(RunNames.SUBMITTED, 1))
          : tracker.pick(workspace, capability, candidates);
      return chosen.map(target -> {
        AgentRecord rec = null;
        for (AgentRecord a : agents) {
          if (a.agentId().equals(target)) {
            rec = a;
          }
        }
        ObjectNode metadata = stamped.metadata().deepCopy().put("pool", capability);
        Event resolved = stamped.withDestinationId("agent:" + target).withMetadata(metadata);
        return new Routed(resolved, target, rec, true, -1, true);
      });
    });
  }

  /**
   * Ends, as failed with code {@code agent_disconnected}, every open run of an agent that went away.
   *
   * @param workspace the workspace
   * @param target the agent that left
   * @return the {@code run.failed} events to deliver, each to its requester's inbox
   */
  public Future<List<RunTracker.Ended>> targetLeft(String workspace, String target) {
    return tracker.targetLeft(workspace, target, (runId, requester, seq) -> {
      ObjectNode payload = JSON.objectNode().put("code", RunNames.AGENT_DISCONNECTED)
          .put("message", "agent '" + target + "' disconnected with the run open").put("seq", seq);
      return Event.create(UUID.randomUUID().toString(), RunNames.FAILED, Ids.SYSTEM, "agent:" + requester,
          payload, null, System.currentTimeMillis(), runId, false, -1);
    }).onSuccess(ended -> meters.runs("failed", ended.size()));
  }

  /**
   * Reads a run for one of its parties.
   *
   * @param workspace the workspace
   * @param agentId who asks: the run's requester or target
   * @param runId the run
   * @param afterSeq only events after this sequence number, or {@code null} for all
   * @return the {@code get_run} result; fails {@code not_found} when the run is not known or the asker is not a
   *     party to it
   */
  public Future<AckResult.Run> get(String workspace, String agentId, String runId, Long afterSeq) {
    if (afterSeq != null && afterSeq < 0) {
      return Future.failedFuture(new ProtocolException(ErrorCode.INVALID_FRAME, "after_seq must not be negative"));
    }
    return tracker.get(workspace, runId, afterSeq == null ? 0 : afterSeq).compose(run -> {
      if (run == null || (agentId != null && !agentId.equals(run.requester()) && !agentId.equals(run.target()))) {
        return Future.failedFuture(new ProtocolException(ErrorCode.NOT_FOUND, "no run '" + runId + "'"
            + (agentId == null ? "" : " of agent '" + agentId + "'") + " in workspace '" + workspace + "'"));
      }
      return Future.succeededFuture(new AckResult.Run(run.runId(), run.requester(), run.target(), run.sessionId(),
          run.pool(), run.state(), run.created(), run.updated(), run.lastSeq(), run.events()));
    });
  }

  private static ProtocolException notConnected(String workspace, String agent) {
    return new ProtocolException(ErrorCode.NOT_FOUND,
        "agent '" + agent + "' is not connected to workspace '" + workspace + "'");
  }
}
