package dev.workspace.server.testing;

import io.vertx.core.Vertx;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetSocket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A TCP forwarder on loopback with a gate: while closed it closes every new connection at once, as a network
 * partition would, so that a test decides when a node reaches its Redis again.
 */
public final class GatedProxy implements AutoCloseable {
  private final NetServer server;
  private final NetClient client;
  private final Set<NetSocket> sockets = ConcurrentHashMap.newKeySet();
  private volatile boolean open = true;

  private GatedProxy(Vertx vertx, int targetPort) {
    client = vertx.createNetClient();
    server = vertx.createNetServer().connectHandler(in -> {
      if (!open) {
        in.close();
        return;
      }
      in.pause();
      client.connect(targetPort, "127.0.0.1").onComplete(ar -> {
        if (ar.failed()) {
          in.close();
          return;
        }
        NetSocket out = ar.result();
        sockets.add(in);
        sockets.add(out);
        in.handler(out::write);
        out.handler(in::write);
        in.closeHandler(v -> {
          sockets.remove(in);
          out.close();
        });
        out.closeHandler(v -> {
          sockets.remove(out);
          in.close();
        });
        in.resume();
      });
    });
  }

  /**
   * @param vertx a Vert.x instance
   * @param targetPort the loopback port to forward to
   * @return a proxy listening on a free loopback port, open
   */
  public static GatedProxy start(Vertx vertx, int targetPort) {
    GatedProxy p = new GatedProxy(vertx, targetPort);
    RawClient.await(p.server.listen(0, "127.0.0.1"));
    return p;
  }

  /** @return the port to connect to */
  public int port() {
    return server.actualPort();
  }

  /** @param open whether new connections are forwarded (true) or closed at once */
  public void gate(boolean open) {
    this.open = open;
  }

  @Override
  public void close() {
    for (NetSocket s : sockets.toArray(new NetSocket[0])) {
      s.close();
    }
    RawClient.await(server.close());
    RawClient.await(client.close());
  }
}
