package dev.workspace.server.session;

import dev.workspace.model.AckResult;
import dev.workspace.model.CloseCodes;
import dev.workspace.model.ErrorCode;
import dev.workspace.model.Frame;
import dev.workspace.model.Patterns;
import dev.workspace.model.ProtocolException;
import dev.workspace.server.core.WorkspaceCore;
import dev.workspace.server.edge.Authenticator;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.LinkedHashSet;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A session's {@code connect}: its credentials ({@link Access#atConnect}), then who the agent is and where
 * ({@link Access}), the limits on what it recovers and subscribes to, and then the core. A refusal of the
 * credentials or the workspace closes the session; any other mistake is an error, and another {@code connect}
 * may follow. It also holds the session's deadlines: the handshake timeout, and the token's expiry. Lives on the
 * session's event loop.
 */
final class Opening {
  private static final Logger LOG = LoggerFactory.getLogger(Opening.class);

  private final Session session;
  private final SessionHost host;
  private final String queryWorkspace;
  private final Authenticator.Identity handshake;
  private final Vertx vertx;
  private long handshakeTimer = -1;
  private long expiryTimer = -1;

  Opening(Session session, SessionHost host, String queryWorkspace, Authenticator.Identity handshake) {
    this.session = session;
    this.host = host;
    this.queryWorkspace = queryWorkspace;
    this.handshake = handshake;
    this.vertx = session.context().owner();
  }

  /** Closes the session when no {@code connect} succeeded within the handshake timeout. */
  void startTimer() {
    long timeout = host.options().getHandshakeTimeout().toMillis();
    handshakeTimer = vertx.setTimer(timeout, t -> {
      handshakeTimer = -1;
      if (!session.isOpen()) {
        session.close(CloseCodes.HANDSHAKE_TIMEOUT, "no connect within " + timeout + " ms");
      }
    });
  }

  /** The session opened: the handshake timer stops, and a token's expiry will close the session. */
  void armExpiry(Authenticator.Identity identity) {
    vertx.cancelTimer(handshakeTimer);
    handshakeTimer = -1;
    if (identity != null && identity.expiresAt() > 0) {
      expiryTimer = vertx.setTimer(Math.max(1, identity.expiresAt() - System.currentTimeMillis()), t -> {
        expiryTimer = -1;
        LOG.info("token expired session={} agent={} workspace={}", session.sessionId(), session.agentId(),
            session.workspace());
        session.close(CloseCodes.TOKEN_EXPIRED, "token expired");
      });
    }
  }

  void cancelTimers() {
    for (long timer : new long[] {handshakeTimer, expiryTimer}) {
      if (timer >= 0) {
        vertx.cancelTimer(timer);
      }
    }
  }

  void start(Frame.Connect c) {
    session.onContext(host.access().atConnect(c.token(), handshake), ar -> {
      if (session.isClosed()) {
        return;
      }
      session.connectRefused();
      if (ar.failed()) {
        refuseCredentials(c.id(), ar.cause());
      } else {
        open(c, ar.result());
      }
    });
  }

  private void refuseCredentials(String id, Throwable cause) {
    host.metrics().authFailure();
    String reason;
    if (cause instanceof ProtocolException pe) {
      reason = pe.getMessage();
    } else {
      LOG.error("checking the token of session {} failed", session.sessionId(), cause);
      reason = "the token could not be checked";
    }
    LOG.warn("authentication failed session={} remote={}: {}", session.sessionId(), session.remoteAddress(), reason);
    session.error(id, ErrorCode.UNAUTHORIZED, reason);
    session.close(CloseCodes.UNAUTHORIZED, "unauthorized");
  }

  private void open(Frame.Connect c, Authenticator.Identity identity) {
    ChannelPermissions allowed = Access.permissions(identity);
    String ws;
    String agent;
    List<String> initial = c.subscriptions() == null ? List.of(Patterns.ALL) : c.subscriptions();
    try {
      ws = Access.connectWorkspace(c, queryWorkspace, identity);
      if (!Access.allowsWorkspace(identity, ws)) {
        host.metrics().authFailure();
        LOG.warn("refused workspace session={} agent={} remote={}: token is for another workspace",
            session.sessionId(), identity.agentId(), session.remoteAddress());
        session.error(c.id(), ErrorCode.FORBIDDEN, "the token does not allow workspace '" + ws + "'");
        session.close(CloseCodes.FORBIDDEN_WORKSPACE, "workspace not allowed");
        return;
      }
      agent = Access.connectAgent(c.agentId(), identity, session.gateway());
      if (c.recover() != null) {
        for (String ch : c.recover().channels().keySet()) {
          Access.requireChannel(allowed, ch);
        }
        session.limits.checkChannels(c.recover().channels().size());
      }
      session.limits.checkPatterns(initial, new LinkedHashSet<>(initial).size());
    } catch (ProtocolException e) {
      session.error(c.id(), e.code(), e.getMessage());
      return;
    }
    session.identified(ws, agent, allowed, initial);
    Future<WorkspaceCore.Outcome<AckResult.Connected>> connected;
    try {
      connected = host.core().connect(session, c.metadata(), c.recover());
    } catch (ProtocolException e) {
      session.connectRefused();
      session.error(c.id(), e.code(), e.getMessage());
      return;
    }
    session.onContext(connected, ar -> {
      if (session.isClosed()) {
        return;
      }
      if (ar.failed()) {
        host.core().disconnect(session);
        session.connectRefused();
        Requests.fail(session, c.id(), ar.cause());
        return;
      }
      session.opened(c.id(), ar.result(), identity);
    });
  }
}
