package dev.workspace.server.testing;

import dev.workspace.model.FrameCodec;
import dev.workspace.server.ServerOptions;
import dev.workspace.server.core.LocalSessions;
import dev.workspace.server.core.MemoryBroker;
import dev.workspace.server.core.MemoryDirectory;
import dev.workspace.server.core.WorkspaceCore;
import dev.workspace.server.edge.Authenticator;
import dev.workspace.server.edge.DeliveryBatchCodec;
import dev.workspace.server.edge.ServerMetrics;
import dev.workspace.server.session.SessionHost;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;

/**
 * A node without any socket: the routing core over the in-memory broker and directory, and one event loop's
 * {@link SessionHost}, whose sessions tests drive through {@link RecordingTransport}s.
 */
public final class SessionFixture implements AutoCloseable {
  private final Vertx vertx = Vertx.vertx();
  private final Context context = vertx.getOrCreateContext();
  private final ServerOptions options;
  private final LocalSessions sessions;
  private final WorkspaceCore core;
  private final SessionHost host;

  /**
   * @param options the limits and timeouts the sessions run with
   * @param authenticator checks tokens ({@link Authenticator#NONE} for the open mode)
   */
  public SessionFixture(ServerOptions options, Authenticator authenticator) {
    this.options = options;
    vertx.eventBus().registerCodec(new DeliveryBatchCodec());
    sessions = new LocalSessions(vertx.eventBus());
    MemoryBroker broker = new MemoryBroker(FrameCodec.DEFAULT, options.getHistorySize(), options.getInboxSize());
    sessions.broker(broker);
    RawClient.await(broker.start(sessions));
    core = new WorkspaceCore("n1", broker, new MemoryDirectory(), sessions, ServerOptions.DEFAULT_HISTORY_PAGE,
        ServerOptions.MAX_HISTORY_PAGE);
    host = new SessionHost(options, FrameCodec.DEFAULT, core, new ServerMetrics().bind(sessions, 100), authenticator);
    RawClient.await(onLoop(() -> host.start(vertx)));
  }

  /** An open-mode fixture with default limits. */
  public SessionFixture() {
    this(new ServerOptions(), Authenticator.NONE);
  }

  /**
   * Opens a session on a new transport.
   *
   * @param identity the identity proven before {@code connect}, or {@code null}
   * @return the transport, to drive the session with
   */
  public RecordingTransport open(Authenticator.Identity identity) {
    RecordingTransport t = new RecordingTransport(context);
    RawClient.await(onLoop(() -> {
      t.attach(host.open(t, null, identity));
      return Future.succeededFuture();
    }));
    return t;
  }

  /** @return the routing core */
  public WorkspaceCore core() {
    return core;
  }

  /** @return the options */
  public ServerOptions options() {
    return options;
  }

  /** @return how many sessions the node holds */
  public int sessionCount() {
    return sessions.size();
  }

  private <T> Future<T> onLoop(java.util.function.Supplier<Future<T>> action) {
    Promise<T> done = Promise.promise();
    context.runOnContext(v -> action.get().onComplete(done));
    return done.future();
  }

  @Override
  public void close() {
    RawClient.await(vertx.close());
  }
}
