package dev.workspace.server.redis;

import dev.workspace.model.ErrorCode;
import dev.workspace.model.Event;
import dev.workspace.model.FrameCodec;
import dev.workspace.model.ProtocolException;
import dev.workspace.model.RunNames;
import dev.workspace.server.core.RunLimits;
import dev.workspace.server.core.RunRecord;
import dev.workspace.server.core.RunTracker;
import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The run tracker of a cluster, in Redis: per run a hash and a list of its logged events; per workspace, requester
 * and target a sorted set of open runs scored by expiry, which also counts a pool member's load. Every run event is
 * one script call; keys expire {@link RunLimits#retention()} after the run's last event.
 */
public final class RedisRunTracker implements RunTracker {
  private final RedisLink link;
  private final FrameCodec codec;
  private final RunLimits limits;

  RedisRunTracker(RedisLink link, FrameCodec codec, RunLimits limits) {
    this.link = link;
    this.codec = codec;
    this.limits = limits;
  }

  @Override
  public Future<String> open(String workspace, Event request, List<String> candidates, String pool) {
    String session = request.metadata().path("session_id").isTextual()
        ? request.metadata().get("session_id").asText() : "";
    String stream = request.metadata().path("stream").asBoolean(false) ? "1" : "0";
    List<Object> args = new ArrayList<>(List.of(System.currentTimeMillis(), limits.retention().toMillis(),
        limits.maxOpenRuns(), limits.maxOpenRunsPerRequester(), request.eventId(), request.sourceId(), session,
        pool == null ? "" : pool, stream, RedisKeys.openRunsAtPrefix(workspace), candidates.size()));
    args.addAll(candidates);
    return link.eval(RedisScripts.RUN_OPEN, List.of(RedisKeys.run(workspace, request.eventId()),
        RedisKeys.openRuns(workspace), RedisKeys.openRunsOf(workspace, request.sourceId()),
        RedisKeys.poolTurn(workspace, pool == null ? "-" : pool), RedisKeys.sessionRuns(workspace, session)),
        args.toArray()).compose(r -> {
          String status = r.get(0).toString();
          return switch (status) {
            case "ok" -> Future.succeededFuture(r.get(1).toString());
            case "dup" -> Future.failedFuture(new ProtocolException(ErrorCode.INVALID_EVENT,
                "event_id '" + request.eventId() + "' is already the id of another agent's run"));
            case "ws" -> Future.failedFuture(new ProtocolException(ErrorCode.LIMIT_EXCEEDED,
                "workspace '" + workspace + "' has " + limits.maxOpenRuns() + " open runs, the limit"));
            default -> Future.failedFuture(new ProtocolException(ErrorCode.LIMIT_EXCEEDED, "agent '"
                + request.sourceId() + "' has " + limits.maxOpenRunsPerRequester()
                + " open runs, the limit per requester"));
          };
        });
  }

  @Override
  public Future<Integer> openRuns(java.util.Collection<String> workspaces) {
    long now = System.currentTimeMillis();
    List<Future<Response>> counts = new ArrayList<>();
    for (String w : workspaces) {
      counts.add(link.send(Request.cmd(Command.ZCOUNT).arg(RedisKeys.openRuns(w)).arg("(" + now).arg("+inf")));
    }
    return Future.all(counts).map(all -> {
      int n = 0;
      for (Future<Response> f : counts) {
        n += f.result().toInteger();
      }
      return n;
    });
  }

  @Override
  public Future<String> pick(String workspace, String pool, List<String> candidates) {
    if (candidates.size() == 1) {
      return Future.succeededFuture(candidates.get(0));
    }
    List<Object> args = new ArrayList<>(List.of(System.currentTimeMillis(), limits.retention().toMillis(),
        RedisKeys.openRunsAtPrefix(workspace), candidates.size()));
    args.addAll(candidates);
    return link.eval(RedisScripts.RUN_PICK, List.of(RedisKeys.poolTurn(workspace, pool)), args.toArray())
        .map(Response::toString);
  }

  @Override
  public Future<Recorded> record(String workspace, Event answer) {
    String runId = answer.responseTo();
    String destination = answer.destinationId();
    if (!destination.startsWith("agent:")) {
      return Future.succeededFuture(Recorded.UNTRACKED);
    }
    String requester = destination.substring(6);
    String name = answer.eventName();
    String kind = name.equals(RunNames.INPUT_REQUIRED) ? "i"
        : RunNames.isInterim(name) ? "p" : RunNames.terminalState(name);
    String json = codec.encodeEvent(answer);
    long size = json.getBytes(StandardCharsets.UTF_8).length;
    return link.eval(RedisScripts.RUN_RECORD, List.of(RedisKeys.run(workspace, runId),
        RedisKeys.runLog(workspace, runId), RedisKeys.openRuns(workspace), RedisKeys.openRunsOf(workspace, requester),
        RedisKeys.endedRuns(workspace), RedisKeys.endedRunsCount(workspace)),
        answer.sourceId(), requester, kind, json, size, System.currentTimeMillis(), limits.retention().toMillis(),
        limits.maxLogEvents(), limits.maxLogBytes(), runId, RedisKeys.openRunsAtPrefix(workspace),
        limits.maxEndedRuns(), RedisKeys.ws(workspace) + ":").compose(r -> {
          long code = r.get(0).toLong();
          if (code == -1) {
            return Future.succeededFuture(Recorded.UNTRACKED);
          }
          if (code == -2) {
            return Future.failedFuture(new ProtocolException(ErrorCode.NOT_FOUND,
                "run '" + runId + "' is not open: it ended " + r.get(1)));
          }
          if (code == -3) {
            return Future.failedFuture(new ProtocolException(ErrorCode.LIMIT_EXCEEDED, "run '" + runId
                + "' has logged " + r.get(1) + " events (" + r.get(2) + " bytes); the limit is "
                + limits.maxLogEvents() + " events or " + limits.maxLogBytes() + " bytes; only its end is accepted"));
          }
          return Future.succeededFuture(new Recorded(code, r.get(1).toLong() == 1L));
        });
  }

  @Override
  public Future<RunRecord> get(String workspace, String runId, long afterSeq) {
    Future<Response> fields = link.send(Request.cmd(Command.HMGET).arg(RedisKeys.run(workspace, runId))
        .arg("requester").arg("target").arg("session_id").arg("pool").arg("state").arg("created").arg("updated")
        .arg("seq"));
    Future<Response> log = link.send(Request.cmd(Command.LRANGE).arg(RedisKeys.runLog(workspace, runId))
        .arg(afterSeq).arg(-1));
    return Future.all(fields, log).map(v -> {
      Response f = fields.result();
      if (f.get(0) == null) {
        return null;
      }
      List<Event> events = new ArrayList<>();
      long seq = afterSeq;
      for (Response e : log.result()) {
        seq++;
        Event decoded = codec.decodeEvent(codec.parseObject(e.toString()));
        events.add(decoded.withPayload(decoded.payload().deepCopy().put("seq", seq)));
      }
      return new RunRecord(runId, f.get(0).toString(), f.get(1).toString(), blank(f.get(2)), blank(f.get(3)),
          f.get(4).toString(), f.get(5).toLong(), f.get(6).toLong(), f.get(7).toLong(), events);
    });
  }

  @Override
  public Future<List<String>> sessionRuns(String workspace, String sessionId, int limit) {
    int n = Math.max(1, Math.min(limit, MAX_SESSION_RUNS));
    return link.send(Request.cmd(Command.ZREVRANGE).arg(RedisKeys.sessionRuns(workspace, sessionId)).arg(0)
        .arg(n - 1)).map(r -> {
          List<String> ids = new ArrayList<>();
          if (r != null) {
            for (Response id : r) {
              ids.add(id.toString());
            }
          }
          return ids;
        });
  }

  private static String blank(Response r) {
    return r == null || r.toString().isEmpty() ? null : r.toString();
  }

  @Override
  public Future<List<Ended>> targetLeft(String workspace, String target, FailureEvent failure) {
    String openAt = RedisKeys.openRunsAtPrefix(workspace) + target;
    return link.send(Request.cmd(Command.ZRANGE).arg(openAt).arg(0).arg(-1)).compose(members -> {
      if (members == null || members.size() == 0) {
        return Future.succeededFuture(List.<Ended>of());
      }
      List<Event> events = new ArrayList<>();
      List<String> requesters = new ArrayList<>();
      List<Object> args = new ArrayList<>(List.of(System.currentTimeMillis(), limits.retention().toMillis(),
          RedisKeys.ws(workspace) + ":", limits.maxEndedRuns()));
      for (Response m : members) {
        String[] parts = m.toString().split("\t", 2);
        Event e = failure.build(parts[0], parts[1], 0);
        events.add(e);
        requesters.add(parts[1]);
        args.add(parts[0]);
        args.add(parts[1]);
        args.add(codec.encodeEvent(e));
      }
      return link.eval(RedisScripts.RUN_TARGET_LEFT, List.of(openAt, RedisKeys.openRuns(workspace),
          RedisKeys.endedRuns(workspace), RedisKeys.endedRunsCount(workspace)), args.toArray())
          .map(r -> {
            List<Ended> ended = new ArrayList<>();
            for (int i = 0; i < events.size(); i++) {
              long seq = r.get(i).toLong();
              if (seq > 0) {
                Event e = events.get(i);
                ended.add(new Ended(e.responseTo(), requesters.get(i),
                    e.withPayload(e.payload().deepCopy().put("seq", seq))));
              }
            }
            return ended;
          });
    });
  }
}
