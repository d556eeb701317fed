package dev.workspace.server.session;

import com.fasterxml.jackson.databind.JsonNode;
import dev.workspace.model.AckResult;
import dev.workspace.model.Destination;
import dev.workspace.model.ErrorCode;
import dev.workspace.model.Frame;
import dev.workspace.model.FrameCodec;
import dev.workspace.model.Ids;
import dev.workspace.model.ProtocolException;
import dev.workspace.server.core.StreamKey;
import dev.workspace.server.core.WorkspaceCore;
import dev.workspace.server.logging.LogIds;
import io.vertx.core.Future;
import java.util.HashSet;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The requests of an open session: each client frame becomes a core call, checked first against the session's
 * channel permissions and limits, and the core's typed result becomes the ack (or its failure the error). Lives
 * on the session's event loop.
 */
final class Requests {
  private static final Logger LOG = LoggerFactory.getLogger(Requests.class);

  private final Session session;
  private final WorkspaceCore core;
  private final Set<String> joining = new HashSet<>();

  Requests(Session session, WorkspaceCore core) {
    this.session = session;
    this.core = core;
  }

  /**
   * @param frame a request of an open session
   * @throws ProtocolException for a request refused before it reaches the core
   */
  void dispatch(Frame.ClientFrame frame) {
    String id = frame.id();
    if (frame instanceof Frame.Publish p) {
      publish(id, p);
    } else if (frame instanceof Frame.Subscribe s) {
      subscriptionsChanged(id, session.subscriptions.add(s.patterns()));
    } else if (frame instanceof Frame.Unsubscribe u) {
      subscriptionsChanged(id, session.subscriptions.remove(u.patterns()));
    } else if (frame instanceof Frame.Join j) {
      join(id, j);
    } else if (frame instanceof Frame.Leave l) {
      answer(id, core.leave(session, l.channel()));
    } else if (frame instanceof Frame.History h) {
      requireAllowed(h.channel());
      answer(id, core.history(session.workspace(), h.channel(), h.before(), h.after(), h.limit()));
    } else if (frame instanceof Frame.ListAgents a) {
      answer(id, core.agents(session.workspace(), a.capability()));
    } else if (frame instanceof Frame.ListChannels) {
      ChannelPermissions allowed = session.permissions();
      answer(id, core.channels(session.workspace()).map(allowed::filterChannelList));
    } else if (frame instanceof Frame.Members m) {
      requireAllowed(m.channel());
      answer(id, core.members(session.workspace(), m.channel()));
    } else if (frame instanceof Frame.GetRun r) {
      answer(id, core.getRun(session, r.runId(), r.afterSeq()));
    } else if (frame instanceof Frame.UpdateMetadata u) {
      answer(id, core.updateMetadata(session, u.metadata()));
    } else {
      session.error(id, ErrorCode.UNKNOWN_TYPE, "unexpected frame");
    }
  }

  private void subscriptionsChanged(String id, AckResult.Subscriptions result) {
    core.subscriptionsChanged(session);
    session.ack(id, result);
  }

  private void publish(String id, Frame.Publish p) {
    Destination destination = p.event().destination();
    if (destination.kind() == Destination.Kind.CHANNEL && !session.permissions().allows(destination.name())) {
      refuseEvent(id, p, Access.forbiddenChannel(destination.name()));
      return;
    }
    session.onContext(core.publish(session, p.event()), ar -> {
      if (ar.succeeded()) {
        session.ack(id, ar.result());
      } else if (!(ar.cause() instanceof ProtocolException)) {
        try (LogIds ids = LogIds.event(p.event().eventId())) {
          fail(session, id, ar.cause());
        }
      } else if (ar.cause() instanceof ProtocolException pe && pe.code() == ErrorCode.FORBIDDEN) {
        refuseEvent(id, p, pe);
      } else {
        fail(session, id, ar.cause());
      }
    });
  }

  private void refuseEvent(String id, Frame.Publish p, ProtocolException e) {
    session.host.metrics().refusedEvent();
    try (LogIds ids = LogIds.event(p.event().eventId())) {
      LOG.info("refused event session={} agent={} name={} destination={}: {}", session.sessionId(),
          session.agentId(), p.event().eventName(), p.event().destinationId(), e.getMessage());
    }
    session.error(id, e.code(), e.getMessage());
  }

  private void join(String id, Frame.Join j) {
    String channel = Ids.requireChannel(j.channel());
    requireAllowed(channel);
    Set<String> channels = core.channelsOf(session);
    if (!channels.contains(channel) && !joining.contains(channel)) {
      long pending = joining.stream().filter(c -> !channels.contains(c)).count();
      session.limits.checkChannels((int) (channels.size() + pending + 1));
    }
    joining.add(channel);
    session.onContext(core.join(session, channel, j.since()), ar -> {
      joining.remove(channel);
      if (ar.succeeded()) {
        session.ack(id, ar.result().result());
        ar.result().replays().forEach(session::release);
      } else {
        session.gate.cancel(StreamKey.channel(channel).toString());
        fail(session, id, ar.cause());
      }
    });
  }

  private void requireAllowed(String channel) {
    Ids.requireChannel(channel);
    if (!session.permissions().allows(channel)) {
      LOG.info("refused channel session={} agent={} channel={}", session.sessionId(), session.agentId(), channel);
      throw Access.forbiddenChannel(channel);
    }
  }

  private void answer(String id, Future<? extends AckResult> result) {
    session.onContext(result, ar -> {
      if (ar.succeeded()) {
        session.ack(id, ar.result());
      } else {
        fail(session, id, ar.cause());
      }
    });
  }

  /**
   * Answers a request whose core call failed: with its code when the failure is a {@link ProtocolException},
   * else as an internal error (logged).
   */
  static void fail(Session session, String id, Throwable cause) {
    if (cause instanceof ProtocolException pe) {
      session.error(id, pe.code(), pe.getMessage());
    } else {
      LOG.error("request {} of session {} failed", id, session.sessionId(), cause);
      session.error(id, ErrorCode.INTERNAL, "the server could not complete this request");
    }
  }

  /**
   * @param codec the codec
   * @param text a frame's text
   * @return its {@code id} when it can be read cheaply and is well-formed, else {@code null}
   */
  static String peekId(FrameCodec codec, String text) {
    try {
      JsonNode id = codec.parseObject(text).get("id");
      return id != null && id.isTextual() && !id.asText().isEmpty()
          && id.asText().length() <= FrameCodec.MAX_ID_LENGTH ? id.asText() : null;
    } catch (ProtocolException e) {
      return null;
    }
  }
}
