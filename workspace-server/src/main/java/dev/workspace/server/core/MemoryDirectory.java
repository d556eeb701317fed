package dev.workspace.server.core;

import dev.workspace.model.Ids;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListSet;

/** The directory of a node that runs alone: thread-safe maps in this process. */
public final class MemoryDirectory implements Directory {
  private final Map<String, Space> spaces = new ConcurrentHashMap<>();
  private final long retentionNanos;

  /** A directory that keeps no inbox after a disconnect. */
  public MemoryDirectory() {
    this(java.time.Duration.ZERO);
  }

  /**
   * @param inboxRetention how long an agent's inbox is kept after it disconnects
   */
  public MemoryDirectory(java.time.Duration inboxRetention) {
    this.retentionNanos = inboxRetention.toNanos();
  }

  private static final class Space {
    final Map<String, AgentRecord> agents = new ConcurrentHashMap<>();
    final Map<String, Set<String>> channels = new ConcurrentHashMap<>();
    final Map<String, Long> departed = new ConcurrentHashMap<>();

    Space() {
      channels.put(Ids.GENERAL, new ConcurrentSkipListSet<>());
    }
  }

  private Space space(String workspace) {
    return spaces.computeIfAbsent(workspace, w -> new Space());
  }

  @Override
  public Future<AgentRecord> register(AgentRecord agent) {
    Space s = space(agent.workspace());
    s.departed.remove(agent.agentId());
    return Future.succeededFuture(s.agents.put(agent.agentId(), agent));
  }

  @Override
  public Future<Boolean> unregister(String workspace, String agentId, String sessionId) {
    Space s = space(workspace);
    boolean[] removed = new boolean[1];
    s.agents.computeIfPresent(agentId, (id, rec) -> {
      if (rec.sessionId().equals(sessionId)) {
        removed[0] = true;
        if (retentionNanos > 0) {
          s.departed.put(id, System.nanoTime());
        }
        return null;
      }
      return rec;
    });
    return Future.succeededFuture(removed[0]);
  }

  @Override
  public Future<Boolean> inboxKept(String workspace, String agentId) {
    Long left = space(workspace).departed.get(agentId);
    return Future.succeededFuture(left != null && System.nanoTime() - left < retentionNanos);
  }

  /**
   * Forgets the agents whose inbox retention has passed.
   *
   * @param expired receives the workspace and agent id of each, so their inboxes can be dropped
   */
  public void expire(java.util.function.BiConsumer<String, String> expired) {
    long now = System.nanoTime();
    for (Map.Entry<String, Space> ws : spaces.entrySet()) {
      ws.getValue().departed.entrySet().removeIf(e -> {
        boolean gone = now - e.getValue() >= retentionNanos;
        if (gone) {
          expired.accept(ws.getKey(), e.getKey());
        }
        return gone;
      });
    }
  }

  @Override
  public Future<Boolean> updateMetadata(String workspace, String agentId, String sessionId,
      com.fasterxml.jackson.databind.node.ObjectNode metadata) {
    boolean[] updated = new boolean[1];
    space(workspace).agents.computeIfPresent(agentId, (id, rec) -> {
      if (!rec.sessionId().equals(sessionId)) {
        return rec;
      }
      updated[0] = true;
      return new AgentRecord(rec.workspace(), rec.agentId(), metadata, rec.connectedSince(), rec.nodeId(),
          rec.sessionId());
    });
    return Future.succeededFuture(updated[0]);
  }

  @Override
  public Future<AgentRecord> agent(String workspace, String agentId) {
    return Future.succeededFuture(space(workspace).agents.get(agentId));
  }

  @Override
  public Future<List<AgentRecord>> agents(String workspace) {
    List<AgentRecord> list = new ArrayList<>(space(workspace).agents.values());
    list.sort(Comparator.comparing(AgentRecord::agentId));
    return Future.succeededFuture(list);
  }

  @Override
  public Future<Boolean> addMember(String workspace, String channel, String agentId) {
    return Future.succeededFuture(
        space(workspace).channels.computeIfAbsent(channel, c -> new ConcurrentSkipListSet<>()).add(agentId));
  }

  @Override
  public Future<Boolean> removeMember(String workspace, String channel, String agentId) {
    Set<String> members = space(workspace).channels.get(channel);
    return Future.succeededFuture(members != null && members.remove(agentId));
  }

  @Override
  public Future<List<String>> members(String workspace, String channel) {
    Set<String> members = space(workspace).channels.get(channel);
    return Future.succeededFuture(members == null ? null : new ArrayList<>(members));
  }

  @Override
  public Future<List<String>> channelsOf(String workspace, String agentId) {
    List<String> out = new ArrayList<>();
    for (Map.Entry<String, Set<String>> e : space(workspace).channels.entrySet()) {
      if (e.getValue().contains(agentId)) {
        out.add(e.getKey());
      }
    }
    out.sort(null);
    return Future.succeededFuture(out);
  }

  @Override
  public Future<List<ChannelInfo>> channels(String workspace) {
    Space s = space(workspace);
    List<ChannelInfo> out = new ArrayList<>();
    for (String name : new TreeSet<>(s.channels.keySet())) {
      Set<String> members = s.channels.get(name);
      if (members != null) {
        out.add(new ChannelInfo(name, members.size()));
      }
    }
    return Future.succeededFuture(out);
  }

  @Override
  public Future<Void> close() {
    return Future.succeededFuture();
  }
}
