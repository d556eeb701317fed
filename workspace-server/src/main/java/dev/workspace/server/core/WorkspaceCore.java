package dev.workspace.server.core;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.workspace.model.Accepts;
import dev.workspace.model.AckResult;
import dev.workspace.model.Destination;
import dev.workspace.model.ErrorCode;
import dev.workspace.model.Event;
import dev.workspace.model.EventNames;
import dev.workspace.model.Frame;
import dev.workspace.model.Ids;
import dev.workspace.model.ProtocolException;
import dev.workspace.model.StreamPosition;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * The routing core: what sessions may do in a workspace and who receives what. It knows workspaces, channels,
 * agents and streams, and nothing of sockets; the {@link Broker} carries events and the {@link Directory} knows
 * who is where, on one node or many.
 */
public final class WorkspaceCore {
  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

  private final String nodeId;
  private final Broker broker;
  private final Directory directory;
  private final LocalSessions sessions;
  private final int defaultHistoryPage;
  private final int maxHistoryPage;
  private final long maxHistoryPageBytes;
  private final Set<Future<Void>> departing = java.util.concurrent.ConcurrentHashMap.newKeySet();
  private AttachmentCheck attachments;
  private volatile Runs runs;
  private volatile CoreMeters meters = CoreMeters.NONE;

  /**
   * @param nodeId this node's id
   * @param broker the transport between nodes
   * @param directory who is connected and where
   * @param sessions this node's sessions
   * @param defaultHistoryPage history page size when none is asked
   * @param maxHistoryPage largest history page
   */
  public WorkspaceCore(String nodeId, Broker broker, Directory directory, LocalSessions sessions,
      int defaultHistoryPage, int maxHistoryPage) {
    this(nodeId, broker, directory, sessions, defaultHistoryPage, maxHistoryPage,
        dev.workspace.server.ServerOptions.DEFAULT_OUTBOUND_QUEUE_BYTES / 2);
  }

  /**
   * @param nodeId this node's id
   * @param broker the transport between nodes
   * @param directory who is connected and where
   * @param sessions this node's sessions
   * @param defaultHistoryPage history page size when none is asked
   * @param maxHistoryPage largest history page
   * @param maxHistoryPageBytes most bytes of encoded events in a history page (a page holds at least one event)
   */
  public WorkspaceCore(String nodeId, Broker broker, Directory directory, LocalSessions sessions,
      int defaultHistoryPage, int maxHistoryPage, long maxHistoryPageBytes) {
    this.maxHistoryPageBytes = maxHistoryPageBytes;
    this.nodeId = nodeId;
    this.broker = broker;
    this.directory = directory;
    this.sessions = sessions;
    this.defaultHistoryPage = defaultHistoryPage;
    this.maxHistoryPage = maxHistoryPage;
    this.runs = new Runs(new MemoryRunTracker(dev.workspace.model.FrameCodec.DEFAULT, RunLimits.DEFAULTS), directory);
  }

  /**
   * Sets where runs are tracked; by default in this process with {@link RunLimits#DEFAULTS}.
   *
   * @param tracker the run tracker
   * @return this
   */
  public WorkspaceCore runTracker(RunTracker tracker) {
    this.runs = new Runs(tracker, directory, meters);
    return this;
  }

  /**
   * Sets what counts accepted events and runs; by default nothing.
   *
   * @param meters the meters
   * @return this
   */
  public WorkspaceCore meters(CoreMeters meters) {
    this.meters = meters;
    this.runs = new Runs(runs.tracker(), directory, meters);
    return this;
  }

  /** @return the runs and pools of this core */
  public Runs runs() {
    return runs;
  }

  /** @return this node's id */
  public String nodeId() {
    return nodeId;
  }

  /** @return this node's sessions, indexed for delivery */
  public LocalSessions localSessions() {
    return sessions;
  }

  /**
   * Checks the attachments of every event published from now on; without it, an event that names attachments
   * is refused with {@code not_found}.
   *
   * @param check the check
   */
  public void checkAttachments(AttachmentCheck check) {
    this.attachments = check;
  }

  /**
   * @param session a session of this node
   * @return the channels it is in (a read-only, thread-safe view)
   */
  public Set<String> channelsOf(SessionRef session) {
    return sessions.channelsOf(session);
  }

  /**
   * The answer to a request and the streams the session must replay after sending it.
   *
   * @param result the {@code ack} result
   * @param replays what to send after the ack, per stream
   * @param <R> the result type
   */
  public record Outcome<R extends AckResult>(R result, List<Replay> replays) {
  }

  // ------------------------------------------------------------------ sessions

  /**
   * Opens a session: registers the agent (taking over an earlier session of the same agent id), attaches its
   * inbox and the broadcast stream, re-joins the channels it recovers (and those an earlier session held), and
   * tells the workspace it joined.
   *
   * @param session the session
   * @param metadata what the agent says about itself
   * @param recover what it saw before a reconnect, or {@code null}
   * @return the {@code ack} result of {@code connect} and the replays
   */
  public Future<Outcome<AckResult.Connected>> connect(SessionRef session, ObjectNode metadata, Frame.Recovery recover) {
    String ws = session.workspace();
    String agentId = session.agentId();
    if (recover != null) {
      for (String c : recover.channels().keySet()) {
        Ids.requireChannel(c);
      }
    }
    Accepts.ofCard(metadata);
    AgentRecord record = new AgentRecord(ws, agentId, metadata == null ? JSON.objectNode() : metadata,
        System.currentTimeMillis(), nodeId, session.sessionId());
    String inbox = StreamKey.inbox(agentId).toString();
    String broadcast = StreamKey.BROADCAST.toString();
    session.hold(inbox);
    session.hold(broadcast);
    SessionRef previousLocal = sessions.add(session);
    if (previousLocal != null && previousLocal != session) {
      previousLocal.replaced();
    }
    return directory.register(record).compose(previous -> {
      Future<List<String>> inherited = previous == null
          ? Future.succeededFuture(List.of()) : directory.channelsOf(ws, agentId);
      return inherited.compose(held -> {
        Map<String, StreamPosition> channels = new LinkedHashMap<>();
        if (recover != null) {
          for (Map.Entry<String, StreamPosition> e : recover.channels().entrySet()) {
            channels.put(e.getKey(), e.getValue());
          }
        }
        List<Future<?>> dropped = new ArrayList<>();
        for (String c : held) {
          if (session.mayUseChannel(c)) {
            channels.putIfAbsent(c, null);
          } else {
            dropped.add(directory.removeMember(ws, c, agentId));
          }
        }
        Future<Attached> inboxF = broker.attach(ws, StreamKey.inbox(agentId),
            recover == null ? null : recover.inbox(), () -> { });
        Future<Attached> broadcastF = broker.attach(ws, StreamKey.BROADCAST,
            recover == null ? null : recover.broadcast(), () -> { });
        List<Future<Attached>> channelFs = new ArrayList<>();
        List<String> names = new ArrayList<>(channels.keySet());
        for (String c : names) {
          channelFs.add(attachChannel(session, c, channels.get(c)));
        }
        List<Future<?>> all = new ArrayList<>(channelFs);
        all.addAll(dropped);
        all.add(inboxF);
        all.add(broadcastF);
        return Future.all(all).map(done -> {
          List<Replay> replays = new ArrayList<>();
          Attached in = inboxF.result();
          Attached bc = broadcastF.result();
          replays.add(replay(inbox, in));
          replays.add(replay(broadcast, bc));
          Map<String, StreamPosition> joined = new LinkedHashMap<>();
          Map<String, AckResult.Recovered> recoveredChannels = new LinkedHashMap<>();
          for (int i = 0; i < names.size(); i++) {
            Attached a = channelFs.get(i).result();
            joined.put(names.get(i), position(a));
            if (a.recovered() != null) {
              recoveredChannels.put(names.get(i), recovered(a));
            }
            replays.add(replay(StreamKey.channel(names.get(i)).toString(), a));
          }
          AckResult.Recovery recovery = recover == null ? null : new AckResult.Recovery(recoveredChannels,
              in.recovered() == null ? null : recovered(in), bc.recovered() == null ? null : recovered(bc));
          return new Outcome<>(new AckResult.Connected(session.sessionId(), agentId, ws, nodeId,
              System.currentTimeMillis(), position(in), position(bc), joined, recovery, 0, 0, null), replays);
        });
      }).compose(outcome -> {
        if (previous != null) {
          return Future.succeededFuture(outcome);
        }
        ObjectNode payload = JSON.objectNode().put("agent_id", agentId);
        payload.set("metadata", record.metadata());
        return broker.publishTransient(ws, Audience.WORKSPACE, systemEvent(EventNames.AGENT_JOINED,
            Destination.BROADCAST.toString(), agentId, payload)).map(outcome);
      });
    });
  }

  /**
   * Tells the core that a session's subscription patterns changed ({@link SessionRef#patterns}), so that presence
   * and broadcasts reach it by its new ones. Call it before acknowledging the change.
   *
   * @param session the session
   */
  public void subscriptionsChanged(SessionRef session) {
    sessions.interestChanged(session);
  }

  /**
   * Closes a session: if it is still the agent's current one, the agent leaves its channels and the workspace is
   * told it left; in any case the session stops receiving.
   *
   * @param session the session
   * @return completes when done
   */
  public Future<Void> disconnect(SessionRef session) {
    String ws = session.workspace();
    List<String> joined = new ArrayList<>(sessions.channelsOf(session));
    for (String c : joined) {
      sessions.leave(session, c);
    }
    boolean current = sessions.remove(session);
    if (!current) {
      return Future.succeededFuture();
    }
    Future<Void> done = directory.unregister(ws, session.agentId(), session.sessionId()).compose(removed -> {
      if (!removed) {
        return Future.succeededFuture();
      }
      List<Future<?>> steps = new ArrayList<>();
      for (String c : joined) {
        steps.add(directory.removeMember(ws, c, session.agentId()).compose(was -> was
            ? broker.publishTransient(ws, Audience.channel(c), presence(EventNames.CHANNEL_LEFT, c,
                session.agentId(), "disconnected"))
            : Future.succeededFuture()));
      }
      steps.add(endRunsOf(ws, session.agentId()));
      return Future.all(steps).compose(v -> broker.publishTransient(ws, Audience.WORKSPACE,
          systemEvent(EventNames.AGENT_LEFT, Destination.BROADCAST.toString(), session.agentId(),
              JSON.objectNode().put("agent_id", session.agentId()))));
    }).mapEmpty();
    departing.add(done);
    done.onComplete(ar -> departing.remove(done));
    return done;
  }

  /**
   * @return completes (within 5 s at most) when the departures under way, of sessions already closed, are
   *     announced; a node waits for it before it lets go of its broker
   */
  public Future<Void> departuresDone() {
    List<Future<Void>> pending = new ArrayList<>(departing);
    return Future.join(pending).<Void>mapEmpty().timeout(5, java.util.concurrent.TimeUnit.SECONDS).otherwiseEmpty();
  }

  /**
   * Reports an agent as gone when no session of this node ended it: its node stopped answering, or it left while
   * the cluster store could not be reached. If the directory still holds this record, the agent leaves its
   * channels and the workspace is told it left, as when its own node closes the session.
   *
   * @param agent the agent's last record
   * @return completes when done
   */
  public Future<Void> departed(AgentRecord agent) {
    String ws = agent.workspace();
    String id = agent.agentId();
    return directory.unregister(ws, id, agent.sessionId()).compose(removed -> {
      if (!removed) {
        return Future.succeededFuture();
      }
      return directory.channelsOf(ws, id).compose(channels -> {
        List<Future<?>> steps = new ArrayList<>();
        for (String c : channels) {
          steps.add(directory.removeMember(ws, c, id).compose(was -> was
              ? broker.publishTransient(ws, Audience.channel(c), presence(EventNames.CHANNEL_LEFT, c, id,
                  "disconnected"))
              : Future.succeededFuture()));
        }
        steps.add(endRunsOf(ws, id));
        return Future.all(steps).compose(v -> broker.publishTransient(ws, Audience.WORKSPACE,
            systemEvent(EventNames.AGENT_LEFT, Destination.BROADCAST.toString(), id,
                JSON.objectNode().put("agent_id", id))));
      });
    }).mapEmpty();
  }

  private Future<Void> endRunsOf(String workspace, String agentId) {
    return runs.targetLeft(workspace, agentId).compose(ended -> {
      List<Future<?>> sends = new ArrayList<>();
      for (RunTracker.Ended e : ended) {
        sends.add(broker.publish(workspace, StreamKey.inbox(e.requester()), e.event()));
      }
      return Future.all(sends).<Void>mapEmpty();
    });
  }

  // ------------------------------------------------------------------ publishing

  /**
   * Publishes an event from a session: checks who may send it where, stamps it, and hands it to the broker.
   *
   * @param session the sender
   * @param event the event as the client sent it
   * @return the {@code ack} result: {@code event_id}, {@code timestamp}, {@code offset}
   */
  public Future<AckResult.Published> publish(SessionRef session, Event event) {
    Destination destination = event.destination();
    if (destination.kind() == Destination.Kind.CHANNEL && !sessions.isMember(session, destination.name())) {
      return Future.failedFuture(new ProtocolException(ErrorCode.NOT_MEMBER,
          "join channel '" + destination.name() + "' before publishing to it"));
    }
    return publishAs(session.workspace(), session.agentId(), event);
  }

  /**
   * Publishes an event on behalf of an agent that need not be connected (the REST API). Channel membership is
   * not required.
   *
   * @param workspace the workspace
   * @param agentId the sending agent
   * @param event the event as the client sent it
   * @return the {@code ack} result: {@code event_id}, {@code timestamp}, {@code offset}
   */
  public Future<AckResult.Published> publishAs(String workspace, String agentId, Event event) {
    if (event.sourceId() != null && !event.sourceId().equals(agentId)) {
      return Future.failedFuture(new ProtocolException(ErrorCode.FORBIDDEN,
          "source_id '" + event.sourceId() + "' is not this connection's agent"));
    }
    if (EventNames.RESERVED.contains(event.eventName())) {
      return Future.failedFuture(new ProtocolException(ErrorCode.FORBIDDEN,
          "event name '" + event.eventName() + "' is reserved for the server"));
    }
    if (AttachmentCheck.names(event)) {
      return attachments == null
          ? Future.failedFuture(new ProtocolException(ErrorCode.NOT_FOUND, "this node stores no files"))
          : attachments.check(workspace, agentId, event).compose(checked -> route(workspace, agentId, checked));
    }
    return route(workspace, agentId, event);
  }

  private Future<AckResult.Published> route(String workspace, String agentId, Event event) {
    Destination destination = event.destination();
    Event stamped = event.withEventId(event.eventId() == null ? UUID.randomUUID().toString() : event.eventId())
        .withSourceId(agentId).withDestination(destination)
        .withTimestamp(System.currentTimeMillis()).withOffset(-1);
    boolean[] queued = new boolean[1];
    Runs.Routed[] routedTo = new Runs.Routed[1];
    Future<Published> published = switch (destination.kind()) {
      case CHANNEL -> broker.publish(workspace, StreamKey.channel(destination.name()), stamped)
          .compose(p -> mention(workspace, destination.name(), stamped.withOffset(p.offset())).map(p));
      case AGENT, POOL -> runs.route(workspace, stamped).compose(routed -> chosenMayRead(workspace, routed))
          .compose(routed -> {
        routedTo[0] = routed;
        Event out = routed.event();
        if (!routed.deliver()) {
          return Future.succeededFuture(new Published(-1, null));
        }
        Future<Directory.Reach> reach = routed.record() != null
            ? Future.succeededFuture(new Directory.Reach(routed.record(), false))
            : directory.reach(workspace, routed.target());
        return reach.compose(r -> {
          if (r.record() == null && (out.requiresResponse() || !r.inboxKept())) {
            return Future.failedFuture(new ProtocolException(ErrorCode.NOT_FOUND,
                "agent '" + routed.target() + "' is not connected to workspace '" + workspace + "'"));
          }
          queued[0] = r.record() == null;
          return broker.publish(workspace, StreamKey.inbox(routed.target()), out);
        });
      });
      case BROADCAST -> broker.publish(workspace, StreamKey.BROADCAST, stamped);
    };
    return published.map(p -> {
      meters.received(switch (destination.kind()) {
        case CHANNEL -> EventKind.CHANNEL;
        case AGENT, POOL -> EventKind.DIRECT;
        case BROADCAST -> EventKind.BROADCAST;
      }, stamped.requiresResponse());
      Runs.Routed routed = routedTo[0];
      return new AckResult.Published(stamped.eventId(), stamped.timestamp(), p.offset() >= 0 ? p.offset() : -1,
          queued[0], routed != null && routed.chosen() ? routed.target() : null, routed == null ? -1 : routed.seq(),
          routed == null || routed.deliver());
    });
  }

  /** Lets the member a pool request went to read the files it names. */
  private Future<Runs.Routed> chosenMayRead(String workspace, Runs.Routed routed) {
    if (!routed.chosen() || attachments == null || !AttachmentCheck.names(routed.event())) {
      return Future.succeededFuture(routed);
    }
    return attachments.share(workspace, routed.event(), routed.target()).map(routed);
  }

  private Future<Void> mention(String workspace, String channel, Event post) {
    Set<String> mentioned = Mentions.of(post.payload());
    mentioned.remove(post.sourceId());
    if (mentioned.isEmpty()) {
      return Future.succeededFuture();
    }
    return directory.members(workspace, channel).compose(members -> {
      Set<String> targets = new LinkedHashSet<>(mentioned);
      targets.retainAll(members == null ? Set.of() : new LinkedHashSet<>(members));
      List<Future<?>> sends = new ArrayList<>();
      for (String target : targets) {
        ObjectNode payload = JSON.objectNode().put("channel", channel).put("post_id", post.eventId());
        if (post.offset() >= 0) {
          payload.put("post_offset", post.offset());
        }
        if (post.text() != null) {
          payload.put("text", post.text());
        }
        Event m = Event.create(UUID.randomUUID().toString(), EventNames.CHANNEL_MESSAGE_MENTIONED,
            post.sourceId(), "agent:" + target, payload, null, post.timestamp(), null, false, -1);
        sends.add(directory.agent(workspace, target).compose(rec -> rec == null
            ? Future.succeededFuture() : broker.publish(workspace, StreamKey.inbox(target), m)));
      }
      return Future.all(sends).mapEmpty();
    });
  }

  /**
   * Reads a run for one of its parties ({@code get_run}).
   *
   * @param session the asking session: the run's requester or target
   * @param runId the run
   * @param afterSeq only events after this sequence number, or {@code null}
   * @return the {@code ack} result
   */
  public Future<AckResult.Run> getRun(SessionRef session, String runId, Long afterSeq) {
    return runs.get(session.workspace(), session.agentId(), runId, afterSeq);
  }

  /**
   * Replaces a session's metadata and tells the workspace with {@code agent.updated}.
   *
   * @param session the session
   * @param metadata the new metadata
   * @return the {@code ack} result: {@code agent_id}, {@code metadata}
   */
  public Future<AckResult.MetadataUpdated> updateMetadata(SessionRef session, ObjectNode metadata) {
    String ws = session.workspace();
    String agentId = session.agentId();
    try {
      Accepts.ofCard(metadata);
    } catch (ProtocolException e) {
      return Future.failedFuture(e);
    }
    return directory.updateMetadata(ws, agentId, session.sessionId(), metadata).compose(updated -> {
      if (!updated) {
        return Future.failedFuture(new ProtocolException(ErrorCode.NOT_FOUND,
            "agent '" + agentId + "' has no current session here to update"));
      }
      ObjectNode payload = JSON.objectNode().put("agent_id", agentId);
      payload.set("metadata", metadata);
      return broker.publishTransient(ws, Audience.WORKSPACE, systemEvent(EventNames.AGENT_UPDATED,
          Destination.BROADCAST.toString(), agentId, payload)).map(v -> new AckResult.MetadataUpdated(agentId, metadata));
    });
  }

  /**
   * @param workspace the workspace
   * @param agentId the agent
   * @return a list holding its discovery entry alone; fails
   *     {@code not_found} when it is not connected
   */
  public Future<AckResult.AgentList> agent(String workspace, String agentId) {
    return directory.agent(workspace, agentId).compose(a -> {
      if (a == null) {
        return Future.failedFuture(new ProtocolException(ErrorCode.NOT_FOUND,
            "agent '" + agentId + "' is not connected to workspace '" + workspace + "'"));
      }
      return Future.succeededFuture(new AckResult.AgentList(List.of(new AckResult.AgentSummary(a.agentId(),
          a.metadata(), a.connectedSince(), "online", a.nodeId()))));
    });
  }

  // ------------------------------------------------------------------ channels

  /**
   * Joins a channel, creating it when new, and tells its other members.
   *
   * @param session the joining session
   * @param channel the channel
   * @param since the last position seen, to recover from, or {@code null}
   * @return the {@code ack} result and the replay
   */
  public Future<Outcome<AckResult.Joined>> join(SessionRef session, String channel, StreamPosition since) {
    Ids.requireChannel(channel);
    boolean already = sessions.isMember(session, channel);
    return attachChannel(session, channel, since).compose(a -> directory.members(session.workspace(), channel)
        .compose(members -> {
          AckResult.Joined result = new AckResult.Joined(channel, a.offset(), a.epoch(),
              members == null ? 0 : members.size(), a.recovered());
          Outcome<AckResult.Joined> outcome = new Outcome<>(result,
              List.of(replay(StreamKey.channel(channel).toString(), a)));
          if (already) {
            return Future.succeededFuture(outcome);
          }
          return broker.publishTransient(session.workspace(), Audience.channel(channel),
              presence(EventNames.CHANNEL_JOINED, channel, session.agentId(), null)).map(outcome);
        }));
  }

  private Future<Attached> attachChannel(SessionRef session, String channel, StreamPosition since) {
    String stream = StreamKey.channel(channel).toString();
    return directory.addMember(session.workspace(), channel, session.agentId())
        .compose(added -> broker.attach(session.workspace(), StreamKey.channel(channel), since, () -> {
          session.hold(stream);
          sessions.join(session, channel);
        }));
  }

  /**
   * Leaves a channel and tells its other members.
   *
   * @param session the leaving session
   * @param channel the channel
   * @return the {@code ack} result
   */
  public Future<AckResult.Left> leave(SessionRef session, String channel) {
    Ids.requireChannel(channel);
    if (!sessions.leave(session, channel)) {
      return Future.failedFuture(new ProtocolException(ErrorCode.NOT_MEMBER, "not a member of channel '" + channel + "'"));
    }
    return directory.removeMember(session.workspace(), channel, session.agentId())
        .compose(v -> broker.publishTransient(session.workspace(), Audience.channel(channel),
            presence(EventNames.CHANNEL_LEFT, channel, session.agentId(), "left")))
        .map(v -> new AckResult.Left(channel));
  }

  /**
   * Reads a page of a channel's history.
   *
   * @param workspace the workspace
   * @param channel the channel
   * @param before only offsets below this, or {@code null}
   * @param after only offsets above this, or {@code null}
   * @param limit most events, or {@code null} for the default
   * @return the {@code ack} result
   */
  public Future<AckResult.History> history(String workspace, String channel, Long before, Long after, Integer limit) {
    Ids.requireChannel(channel);
    int n = limit == null ? defaultHistoryPage : limit;
    if (n < 1) {
      return Future.failedFuture(new ProtocolException(ErrorCode.INVALID_FRAME, "limit must be at least 1"));
    }
    if (n > maxHistoryPage) {
      return Future.failedFuture(new ProtocolException(ErrorCode.LIMIT_EXCEEDED,
          "limit " + n + " is above the largest page, " + maxHistoryPage));
    }
    if ((before != null && before < 0) || (after != null && after < 0)) {
      return Future.failedFuture(new ProtocolException(ErrorCode.INVALID_FRAME, "before and after must not be negative"));
    }
    return directory.members(workspace, channel).compose(members -> {
      if (members == null) {
        return Future.failedFuture(new ProtocolException(ErrorCode.NOT_FOUND, "no channel '" + channel + "'"));
      }
      return broker.history(workspace, StreamKey.channel(channel), before, after, n);
    }).map(page -> HistoryPages.fit(channel, page, after != null, maxHistoryPageBytes));
  }

  /** @return the {@code ack} result of {@code list_channels} */
  public Future<AckResult.ChannelList> channels(String workspace) {
    return directory.channels(workspace).compose(list -> {
      List<Future<StreamPosition>> positions = new ArrayList<>();
      for (ChannelInfo c : list) {
        positions.add(broker.position(workspace, StreamKey.channel(c.name())));
      }
      return Future.all(positions).map(v -> {
        List<AckResult.ChannelSummary> out = new ArrayList<>(list.size());
        for (int i = 0; i < list.size(); i++) {
          StreamPosition p = positions.get(i).result();
          out.add(new AckResult.ChannelSummary(list.get(i).name(), list.get(i).members(), p.offset(), p.epoch()));
        }
        return new AckResult.ChannelList(out);
      });
    });
  }

  /** @return the {@code ack} result of {@code members} */
  public Future<AckResult.Members> members(String workspace, String channel) {
    Ids.requireChannel(channel);
    return directory.members(workspace, channel).compose(members -> {
      if (members == null) {
        return Future.failedFuture(new ProtocolException(ErrorCode.NOT_FOUND, "no channel '" + channel + "'"));
      }
      return Future.succeededFuture(new AckResult.Members(channel, List.copyOf(members)));
    });
  }

  /**
   * @param workspace the workspace
   * @param capability only agents listing it, or {@code null}
   * @return the {@code ack} result of {@code list_agents}
   */
  public Future<AckResult.AgentList> agents(String workspace, String capability) {
    return directory.agents(workspace).map(list -> {
      List<AckResult.AgentSummary> out = new ArrayList<>();
      for (AgentRecord a : list) {
        if (capability == null || a.hasCapability(capability)) {
          out.add(new AckResult.AgentSummary(a.agentId(), a.metadata(), a.connectedSince(), "online", a.nodeId()));
        }
      }
      return new AckResult.AgentList(out);
    });
  }

  // ------------------------------------------------------------------ helpers

  private static StreamPosition position(Attached a) {
    return new StreamPosition(a.offset(), a.epoch());
  }

  private static AckResult.Recovered recovered(Attached a) {
    return new AckResult.Recovered(a.recovered(), position(a));
  }

  private static Replay replay(String stream, Attached a) {
    List<Long> offsets = new ArrayList<>(a.missed().size());
    long first = a.lastMissedOffset() - a.missed().size() + 1;
    for (int i = 0; i < a.missed().size(); i++) {
      offsets.add(first + i);
    }
    return new Replay(stream, a.missed(), offsets, a.offset(), a.epoch());
  }

  private static Event presence(String name, String channel, String agentId, String reason) {
    ObjectNode payload = JSON.objectNode().put("channel", channel).put("agent_id", agentId);
    if (reason != null) {
      payload.put("reason", reason);
    }
    return systemEvent(name, "channel:" + channel, agentId, payload);
  }

  /** Presence events carry the agent they are about as their source, so that agent is not sent its own. */
  private static Event systemEvent(String name, String destination, String subject, ObjectNode payload) {
    return Event.create(UUID.randomUUID().toString(), name, subject, destination, payload, null,
        System.currentTimeMillis(), null, false, -1);
  }
}
