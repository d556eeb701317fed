package dev.workspace.server.redis;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.workspace.model.Ids;
import dev.workspace.server.core.AgentRecord;
import dev.workspace.server.core.ChannelInfo;
import dev.workspace.server.core.Directory;
import dev.workspace.server.core.StreamKey;
import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The directory of a cluster node, in Redis: per workspace a hash of connected agents (their record, with node and
 * session), the set of channels, each channel's members and each agent's channels. Each node keeps a heartbeat key
 * with an expiry and the set of sessions it registered; surviving nodes sweep a node whose heartbeat expired and
 * report its agents as gone, one node per dead node thanks to a short lock.
 *
 * <p>The node also remembers the agents it serves and their channels, so that it can write them back after Redis
 * lost its data, find the agents that left while Redis could not be reached, and answer for its own agents and
 * their channels while Redis is away (so that same-node delivery keeps working).
 */
public final class RedisDirectory implements Directory, RedisLink.Listener {
  private static final Logger LOG = LoggerFactory.getLogger(RedisDirectory.class);

  private final RedisLink link;
  private final ObjectMapper mapper;
  private final String nodeId;
  private final long retentionMs;
  private final long nodeTimeoutMs;
  private final Map<String, AgentRecord> localAgents = new ConcurrentHashMap<>();
  private final Map<String, Set<String>> localChannels = new ConcurrentHashMap<>();
  private final Set<String> pendingLeaves = ConcurrentHashMap.newKeySet();
  private volatile Function<AgentRecord, Future<Void>> departures = a -> Future.succeededFuture();
  private final long heartbeatMs;
  private boolean sweeping;
  private volatile boolean closed;
  private long lastHeartbeat;

  RedisDirectory(RedisLink link, ObjectMapper mapper, String nodeId, long retentionMs, long heartbeatMs,
      long nodeTimeoutMs) {
    this.link = link;
    this.heartbeatMs = heartbeatMs;
    this.mapper = mapper;
    this.nodeId = nodeId;
    this.retentionMs = retentionMs;
    this.nodeTimeoutMs = nodeTimeoutMs;
  }

  @Override
  public void departures(Function<AgentRecord, Future<Void>> handler) {
    this.departures = handler;
  }

  // ------------------------------------------------------------------ agents

  @Override
  public Future<AgentRecord> register(AgentRecord agent) {
    if (!link.commandsUp()) {
      return Future.failedFuture(RedisLink.unavailable(null));
    }
    String key = key(agent.workspace(), agent.agentId());
    AgentRecord before = localAgents.put(key, agent);
    String ws = agent.workspace();
    StreamKey inbox = StreamKey.inbox(agent.agentId());
    return link.eval(RedisScripts.REGISTER,
        List.of(RedisKeys.agents(ws), RedisKeys.nodeAgents(ws, nodeId), RedisKeys.departed(ws, agent.agentId()),
            RedisKeys.streamMeta(ws, inbox), RedisKeys.streamLog(ws, inbox)),
        agent.agentId(), toJson(agent), RedisKeys.nodeEntry(agent.agentId(), agent.sessionId()), nodeId,
        RedisKeys.nodeAgentsPrefix(ws))
        .map(r -> r == null ? null : fromJson(ws, r.toString()))
        .compose(old -> link.send(Request.cmd(Command.SADD).arg(RedisKeys.nodeWorkspaces(nodeId)).arg(ws))
            .compose(x -> old == null || old.nodeId().equals(nodeId) ? Future.succeededFuture(old)
                : link.publish(RedisKeys.control(old.nodeId()),
                    "C\treplace\t" + ws + '\t' + old.agentId() + '\t' + old.sessionId()).map(old)))
        .onFailure(e -> {
          if (before == null) {
            localAgents.remove(key, agent);
          } else {
            localAgents.replace(key, agent, before);
          }
        });
  }

  @Override
  public Future<Boolean> unregister(String workspace, String agentId, String sessionId) {
    String key = key(workspace, agentId);
    AgentRecord mine = localAgents.get(key);
    if (mine != null && mine.sessionId().equals(sessionId) && localAgents.remove(key, mine)) {
      localChannels.remove(key);
    }
    if (!link.commandsUp()) {
      // The departure is announced when Redis is back (see reconcile), so every node hears it.
      return Future.succeededFuture(false);
    }
    StreamKey inbox = StreamKey.inbox(agentId);
    return link.eval(RedisScripts.UNREGISTER,
        List.of(RedisKeys.agents(workspace), RedisKeys.departed(workspace, agentId),
            RedisKeys.streamMeta(workspace, inbox), RedisKeys.streamLog(workspace, inbox)),
        agentId, sessionId, RedisKeys.nodeAgentsPrefix(workspace), retentionMs)
        .map(r -> r.toLong() == 1L)
        .otherwise(e -> {
          LOG.warn("could not unregister {}/{} now; it is reported when Redis is back: {}", workspace, agentId,
              e.getMessage());
          return false;
        });
  }

  @Override
  public Future<Boolean> updateMetadata(String workspace, String agentId, String sessionId, ObjectNode metadata) {
    if (!link.commandsUp()) {
      return Future.failedFuture(RedisLink.unavailable(null));
    }
    String key = key(workspace, agentId);
    AgentRecord mine = localAgents.get(key);
    if (mine == null || !mine.sessionId().equals(sessionId)) {
      return Future.succeededFuture(false);
    }
    AgentRecord next = new AgentRecord(mine.workspace(), mine.agentId(), metadata, mine.connectedSince(),
        mine.nodeId(), mine.sessionId());
    return link.eval(RedisScripts.UPDATE_AGENT, List.of(RedisKeys.agents(workspace)), agentId, sessionId,
        toJson(next)).map(r -> {
          boolean updated = r.toLong() == 1L;
          if (updated) {
            localAgents.replace(key, mine, next);
          }
          return updated;
        });
  }

  @Override
  public Future<AgentRecord> agent(String workspace, String agentId) {
    if (!link.commandsUp()) {
      AgentRecord mine = localAgents.get(key(workspace, agentId));
      return mine != null ? Future.succeededFuture(mine) : Future.failedFuture(RedisLink.unavailable(null));
    }
    return link.send(Request.cmd(Command.HGET).arg(RedisKeys.agents(workspace)).arg(agentId))
        .map(r -> r == null ? null : fromJson(workspace, r.toString()));
  }

  @Override
  public Future<Reach> reach(String workspace, String agentId) {
    if (!link.commandsUp()) {
      return agent(workspace, agentId).map(r -> new Reach(r, false));
    }
    Future<AgentRecord> record = agent(workspace, agentId);
    Future<Boolean> kept = inboxKept(workspace, agentId);
    return Future.all(record, kept).map(v -> new Reach(record.result(), record.result() == null && kept.result()));
  }

  @Override
  public Future<Boolean> inboxKept(String workspace, String agentId) {
    return link.send(Request.cmd(Command.EXISTS).arg(RedisKeys.departed(workspace, agentId)))
        .map(r -> r.toLong() == 1L);
  }

  @Override
  public Future<List<AgentRecord>> agents(String workspace) {
    return link.send(Request.cmd(Command.HVALS).arg(RedisKeys.agents(workspace))).map(r -> {
      List<AgentRecord> out = new ArrayList<>(r.size());
      for (Response v : r) {
        out.add(fromJson(workspace, v.toString()));
      }
      out.sort(Comparator.comparing(AgentRecord::agentId));
      return out;
    });
  }

  @Override
  public Future<Integer> agentCount(String workspace) {
    return link.send(Request.cmd(Command.HLEN).arg(RedisKeys.agents(workspace))).map(Response::toInteger);
  }

  // ------------------------------------------------------------------ channels

  @Override
  public Future<Boolean> addMember(String workspace, String channel, String agentId) {
    String key = key(workspace, agentId);
    return link.eval(RedisScripts.ADD_MEMBER,
        List.of(RedisKeys.channels(workspace), RedisKeys.members(workspace, channel), RedisKeys.joined(workspace, agentId)),
        channel, agentId)
        .map(r -> {
          if (localAgents.containsKey(key)) {
            localChannels.computeIfAbsent(key, k -> ConcurrentHashMap.newKeySet()).add(channel);
          }
          return r.toLong() == 1L;
        });
  }

  @Override
  public Future<Boolean> removeMember(String workspace, String channel, String agentId) {
    String key = key(workspace, agentId);
    Set<String> mine = localChannels.get(key);
    boolean wasLocal = mine != null && mine.remove(channel);
    if (!link.commandsUp()) {
      if (wasLocal) {
        pendingLeaves.add(workspace + '\t' + channel + '\t' + agentId);
        return Future.succeededFuture(true);
      }
      return Future.failedFuture(RedisLink.unavailable(null));
    }
    return removeInRedis(workspace, channel, agentId);
  }

  private Future<Boolean> removeInRedis(String workspace, String channel, String agentId) {
    return link.eval(RedisScripts.REMOVE_MEMBER,
        List.of(RedisKeys.members(workspace, channel), RedisKeys.joined(workspace, agentId)), channel, agentId)
        .map(r -> r.toLong() == 1L);
  }

  @Override
  public Future<List<String>> members(String workspace, String channel) {
    if (!link.commandsUp()) {
      List<String> local = new ArrayList<>();
      for (Map.Entry<String, Set<String>> e : localChannels.entrySet()) {
        if (e.getKey().startsWith(workspace + '\u0000') && e.getValue().contains(channel)) {
          local.add(e.getKey().substring(workspace.length() + 1));
        }
      }
      local.sort(null);
      return local.isEmpty() ? Future.failedFuture(RedisLink.unavailable(null)) : Future.succeededFuture(local);
    }
    return link.eval(RedisScripts.MEMBERS, List.of(RedisKeys.channels(workspace), RedisKeys.members(workspace, channel)),
        channel, Ids.GENERAL).map(r -> {
          if (r.get(0).toLong() == 0L) {
            return null;
          }
          List<String> out = new ArrayList<>(r.size() - 1);
          for (int i = 1; i < r.size(); i++) {
            out.add(r.get(i).toString());
          }
          out.sort(null);
          return out;
        });
  }

  @Override
  public Future<List<String>> channelsOf(String workspace, String agentId) {
    if (!link.commandsUp()) {
      Set<String> mine = localChannels.get(key(workspace, agentId));
      return mine != null ? Future.succeededFuture(new ArrayList<>(new TreeSet<>(mine)))
          : Future.failedFuture(RedisLink.unavailable(null));
    }
    return link.send(Request.cmd(Command.SMEMBERS).arg(RedisKeys.joined(workspace, agentId))).map(r -> {
      List<String> out = new ArrayList<>(r.size());
      for (Response v : r) {
        out.add(v.toString());
      }
      out.sort(null);
      return out;
    });
  }

  @Override
  public Future<List<ChannelInfo>> channels(String workspace) {
    return link.eval(RedisScripts.CHANNELS, List.of(RedisKeys.channels(workspace)),
        RedisKeys.membersPrefix(workspace), Ids.GENERAL).map(r -> {
          List<ChannelInfo> out = new ArrayList<>(r.size() / 2);
          for (int i = 0; i + 1 < r.size(); i += 2) {
            out.add(new ChannelInfo(r.get(i).toString(), r.get(i + 1).toInteger()));
          }
          out.sort(Comparator.comparing(ChannelInfo::name));
          return out;
        });
  }

  // ------------------------------------------------------------------ heartbeat, sweep and recovery

  @Override
  public void onTick() {
    if (closed) {
      return;
    }
    if (System.currentTimeMillis() - lastHeartbeat >= heartbeatMs) {
      heartbeat();
    }
    long up = link.upSince();
    if (!sweeping && up > 0 && System.currentTimeMillis() - up >= nodeTimeoutMs) {
      sweeping = true;
      sweep().onComplete(ar -> link.execute(() -> {
        sweeping = false;
        if (ar.failed()) {
          LOG.debug("sweep failed: {}", ar.cause().getMessage());
        }
      }));
    }
  }

  private Future<Void> heartbeat() {
    lastHeartbeat = System.currentTimeMillis();
    return link.send(Request.cmd(Command.SET).arg(RedisKeys.alive(nodeId)).arg(System.currentTimeMillis())
            .arg("PX").arg(nodeTimeoutMs))
        .compose(r -> link.send(Request.cmd(Command.SADD).arg(RedisKeys.NODES).arg(nodeId)))
        .mapEmpty();
  }

  /** Finds nodes whose heartbeat expired and reports their agents as gone, one node at a time. */
  private Future<Void> sweep() {
    return link.send(Request.cmd(Command.SMEMBERS).arg(RedisKeys.NODES)).compose(r -> {
      Future<Void> chain = Future.succeededFuture();
      for (Response n : r) {
        String other = n.toString();
        if (!other.equals(nodeId)) {
          chain = chain.compose(v -> sweepIfDead(other));
        }
      }
      return chain;
    });
  }

  private Future<Void> sweepIfDead(String other) {
    return link.send(Request.cmd(Command.EXISTS).arg(RedisKeys.alive(other))).compose(alive -> {
      if (alive.toLong() == 1L) {
        return Future.succeededFuture();
      }
      return link.send(Request.cmd(Command.SET).arg(RedisKeys.sweepLock(other)).arg(nodeId).arg("NX")
          .arg("PX").arg(Math.max(3 * nodeTimeoutMs, 30_000))).compose(locked -> {
            if (locked == null) {
              return Future.succeededFuture();
            }
            LOG.info("node {} stopped answering; reporting its agents as gone", other);
            return departAll(other, null).compose(v -> remaining(other)).compose(left -> left == 0L
                ? link.send(Request.cmd(Command.DEL).arg(RedisKeys.nodeWorkspaces(other)))
                    .compose(x -> link.send(Request.cmd(Command.SREM).arg(RedisKeys.NODES).arg(other))).mapEmpty()
                : Future.succeededFuture());
          });
    });
  }

  /** @return how many sessions are still registered through a node, over all its workspaces */
  private Future<Long> remaining(String node) {
    return link.send(Request.cmd(Command.SMEMBERS).arg(RedisKeys.nodeWorkspaces(node))).compose(wss -> {
      Future<Long> sum = Future.succeededFuture(0L);
      for (Response w : wss) {
        String ws = w.toString();
        sum = sum.compose(n -> link.send(Request.cmd(Command.SCARD).arg(RedisKeys.nodeAgents(ws, node)))
            .map(c -> n + c.toLong()));
      }
      return sum;
    });
  }

  /**
   * Reports as gone every agent registered through a node, except those this node still serves.
   *
   * @param node the node whose agent sets are read
   * @param keep this node's live sessions, or {@code null} to report all
   */
  private Future<Void> departAll(String node, Map<String, AgentRecord> keep) {
    return link.send(Request.cmd(Command.SMEMBERS).arg(RedisKeys.nodeWorkspaces(node))).compose(wss -> {
      Future<Void> chain = Future.succeededFuture();
      for (Response w : wss) {
        String ws = w.toString();
        chain = chain.compose(v -> departAll(node, ws, keep));
      }
      return chain;
    });
  }

  private Future<Void> departAll(String node, String workspace, Map<String, AgentRecord> keep) {
    return link.send(Request.cmd(Command.SMEMBERS).arg(RedisKeys.nodeAgents(workspace, node))).compose(entries -> {
      Future<Void> chain = Future.succeededFuture();
      for (Response e : entries) {
        String entry = e.toString();
        String[] f = entry.split("\t", -1);
        if (f.length != 2) {
          continue;
        }
        if (keep != null) {
          AgentRecord live = keep.get(key(workspace, f[0]));
          if (live != null && live.sessionId().equals(f[1])) {
            continue;
          }
        }
        chain = chain.compose(v -> depart(node, entry, workspace, f[0], f[1]));
      }
      return chain;
    });
  }

  private Future<Void> depart(String node, String entry, String workspace, String agentId, String sessionId) {
    return link.send(Request.cmd(Command.HGET).arg(RedisKeys.agents(workspace)).arg(agentId)).compose(r -> {
      AgentRecord rec = r == null ? null : fromJson(workspace, r.toString());
      if (rec == null || !rec.sessionId().equals(sessionId)) {
        return link.send(Request.cmd(Command.SREM).arg(RedisKeys.nodeAgents(workspace, node)).arg(entry))
            .mapEmpty();
      }
      return departures.apply(rec);
    });
  }

  @Override
  public Future<Void> onRecovered() {
    Future<Void> chain = heartbeat();
    for (AgentRecord a : new ArrayList<>(localAgents.values())) {
      chain = chain.compose(v -> reassert(a));
    }
    for (String leave : new ArrayList<>(pendingLeaves)) {
      String[] f = leave.split("\t", -1);
      chain = chain.compose(v -> removeInRedis(f[0], f[1], f[2]).map(x -> {
        pendingLeaves.remove(leave);
        return null;
      }));
    }
    return chain.compose(v -> departAll(nodeId, localAgents));
  }

  /** Writes back an agent this node serves (Redis may have lost it) and its channels. */
  private Future<Void> reassert(AgentRecord a) {
    String ws = a.workspace();
    StreamKey inbox = StreamKey.inbox(a.agentId());
    return link.eval(RedisScripts.REASSERT,
        List.of(RedisKeys.agents(ws), RedisKeys.nodeAgents(ws, nodeId), RedisKeys.departed(ws, a.agentId()),
            RedisKeys.streamMeta(ws, inbox), RedisKeys.streamLog(ws, inbox)),
        a.agentId(), toJson(a), RedisKeys.nodeEntry(a.agentId(), a.sessionId()), a.sessionId())
        .compose(r -> link.send(Request.cmd(Command.SADD).arg(RedisKeys.nodeWorkspaces(nodeId)).arg(ws)).map(r))
        .compose(r -> {
          long outcome = r.toLong();
          if (outcome == 2L) {
            // Another session took the agent while this node was cut off: this one is replaced.
            return link.publish(link.controlChannel(),
                "C\treplace\t" + ws + '\t' + a.agentId() + '\t' + a.sessionId()).mapEmpty();
          }
          Set<String> channels = localChannels.get(key(ws, a.agentId()));
          Future<Void> chain = Future.succeededFuture();
          if (channels != null) {
            for (String c : new ArrayList<>(channels)) {
              chain = chain.compose(v -> link.eval(RedisScripts.ADD_MEMBER,
                  List.of(RedisKeys.channels(ws), RedisKeys.members(ws, c), RedisKeys.joined(ws, a.agentId())),
                  c, a.agentId()).mapEmpty());
            }
          }
          return chain;
        });
  }

  @Override
  public Future<Void> close() {
    closed = true;
    if (!link.commandsUp()) {
      return link.close();
    }
    // Without a heartbeat the other nodes report the agents whose cleanup did not finish at their next sweep.
    return link.send(Request.cmd(Command.DEL).arg(RedisKeys.alive(nodeId)))
        .transform(ar -> link.close());
  }

  // ------------------------------------------------------------------ records

  private String toJson(AgentRecord a) {
    ObjectNode o = mapper.createObjectNode();
    o.put("agent_id", a.agentId());
    o.set("metadata", a.metadata());
    o.put("connected_since", a.connectedSince());
    o.put("node_id", a.nodeId());
    o.put("session_id", a.sessionId());
    return o.toString();
  }

  private AgentRecord fromJson(String workspace, String json) {
    try {
      JsonNode n = mapper.readTree(json);
      JsonNode meta = n.get("metadata");
      return new AgentRecord(workspace, n.get("agent_id").asText(),
          meta instanceof ObjectNode o ? o : mapper.createObjectNode(), n.get("connected_since").asLong(),
          n.get("node_id").asText(), n.get("session_id").asText());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String key(String workspace, String agentId) {
    return workspace + '\u0000' + agentId;
  }
}
