package dev.workspace.client.e2e;

import io.vertx.core.Vertx;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A loopback TCP proxy in front of a server, for cutting every connection at once as a network failure would,
 * while the server itself stays up. It records when each connection was accepted.
 */
final class TcpProxy implements AutoCloseable {
  private final Vertx vertx;
  private final NetServer server;
  private final NetClient client;
  private final Set<NetSocket> sockets = ConcurrentHashMap.newKeySet();
  private final List<Long> acceptedAtNanos = new ArrayList<>();

  private volatile boolean refusing;

  private TcpProxy(Vertx vertx, int targetPort) {
    this.vertx = vertx;
    this.client = vertx.createNetClient();
    this.server = vertx.createNetServer().connectHandler(in -> {
      synchronized (acceptedAtNanos) {
        acceptedAtNanos.add(System.nanoTime());
      }
      if (refusing) {
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

  static TcpProxy start(Vertx vertx, int targetPort) {
    TcpProxy proxy = new TcpProxy(vertx, targetPort);
    E2E.await(proxy.server.listen(0, "127.0.0.1"));
    return proxy;
  }

  int port() {
    return server.actualPort();
  }

  /** Closes new connections at once while {@code refusing}, as a node that is down would. */
  void refuse(boolean refusing) {
    this.refusing = refusing;
  }

  /** Cuts every connection through the proxy now. */
  void dropAll() {
    for (NetSocket s : sockets.toArray(new NetSocket[0])) {
      s.close();
    }
  }

  /**
   * Stops forwarding on every current connection without closing it, as a peer that hangs or a network that
   * silently drops packets would. Later connections are forwarded as usual.
   */
  void freezeAll() {
    for (NetSocket s : sockets.toArray(new NetSocket[0])) {
      s.pause();
      s.handler(buffer -> { });
    }
  }

  /** @return when each connection was accepted, in order, and forgets them */
  List<Long> takeAcceptTimes() {
    synchronized (acceptedAtNanos) {
      List<Long> out = new ArrayList<>(acceptedAtNanos);
      acceptedAtNanos.clear();
      return out;
    }
  }

  @Override
  public void close() {
    dropAll();
    E2E.await(server.close());
    E2E.await(client.close());
  }
}
