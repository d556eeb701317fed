package dev.workspace.bench;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.ProtocolVersion;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import io.vertx.redis.client.ResponseType;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.LongConsumer;

/**
 * Redis pub/sub through the Vert.x Redis client: a subscriber is one connection in subscribe mode; a publisher,
 * requester or responder also needs a second connection for its {@code PUBLISH}es.
 */
final class RedisPeer implements Peer {
  private final Vertx vertx;
  private final ServerProcess server;
  private final Vertx vertxRef;
  private final int port;
  private final NetClient net;
  private final Map<RedisConnection, Redis> clients = new ConcurrentHashMap<>();
  private final int payloadBytes;

  RedisPeer(Vertx vertx, ServerProcess server, int port, int payloadBytes) {
    this.vertx = vertx;
    this.server = server;
    this.payloadBytes = payloadBytes;
    this.vertxRef = vertx;
    this.port = port;
    this.net = vertx.createNetClient(new NetClientOptions().setTcpNoDelay(true));
  }

  /**
   * Opens a connection of its own client: a pooled connection would go back to its pool when closed and keep its
   * socket. The client preallocates room for {@code waiting} replies per connection, so subscribers get little.
   */
  private Future<RedisConnection> open(int waiting) {
    Redis client = client(vertxRef, port, waiting);
    return client.connect().onSuccess(c -> clients.put(c, client)).onFailure(e -> client.close());
  }

  private Future<RedisConnection> subscriberConnection() {
    return open(1024);
  }

  private Future<RedisConnection> publishingConnection() {
    return open(200_000);
  }

  private static Redis client(Vertx vertx, int port, int waiting) {
    return Redis.createClient(vertx, new RedisOptions().setConnectionString("redis://127.0.0.1:" + port)
        .setPreferredProtocolVersion(ProtocolVersion.RESP2).setMaxPoolSize(100_000).setMaxPoolWaiting(100_000)
        .setMaxWaitingHandlers(waiting));
  }

  @Override
  public String name() {
    return "Redis pub/sub";
  }

  @Override
  public String key() {
    return "redis";
  }

  @Override
  public ServerProcess server() {
    return server;
  }

  private Future<RedisConnection> subscribed(Command command, List<String> channels, Consumer<Response> onMessage) {
    return subscriberConnection().compose(conn -> {
      conn.handler(r -> {
        if (r.type() == ResponseType.MULTI || r.type() == ResponseType.PUSH) {
          String kind = r.get(0).toString();
          if (kind.equals("message") || kind.equals("pmessage")) {
            onMessage.accept(r);
          }
        }
      });
      Request req = Request.cmd(command);
      channels.forEach(req::arg);
      return conn.send(req).map(x -> conn);
    });
  }

  private Conn closing(RedisConnection... conns) {
    return () -> {
      Future<Void> all = Future.succeededFuture();
      for (RedisConnection c : conns) {
        Redis client = clients.remove(c);
        all = all.compose(x -> c.close().otherwiseEmpty()).compose(x -> client == null ? Future.succeededFuture()
            : client.close());
      }
      return all;
    };
  }

  @Override
  public Future<Conn> subscriber(String id, String topic, LongConsumer onMessage) {
    return subscribed(Command.SUBSCRIBE, List.of(topic), r -> onMessage.accept(Payloads.stamp(r.get(2).toBytes(), 0)))
        .map(c -> closing(c));
  }

  @Override
  public Future<Publisher> publisher(String id, String topic) {
    return publishingConnection().map(conn -> new Publisher() {
      @Override
      public void execute(Runnable task) {
        task.run();
      }

      @Override
      public void publish(long stamp) {
        conn.send(Request.cmd(Command.PUBLISH).arg(topic).arg(Buffer.buffer(Payloads.raw(stamp, payloadBytes))));
      }

      @Override
      public Future<Void> close() {
        return closing(conn).close();
      }
    });
  }

  @Override
  public Future<Conn> responder(String id, String service) {
    return publishingConnection().compose(out -> subscribed(Command.SUBSCRIBE, List.of(service), r ->
        out.send(Request.cmd(Command.PUBLISH).arg(r.get(2).toString()).arg("{}"))).map(in -> closing(in, out)));
  }

  @Override
  public Future<Requester> requester(String id, String service) {
    String inbox = "inbox." + id;
    Map<String, Runnable> waiting = new ConcurrentHashMap<>();
    return publishingConnection().compose(out -> subscribed(Command.PSUBSCRIBE, List.of(inbox + ".*"), r -> {
      Runnable run = waiting.remove(r.get(2).toString());
      if (run != null) {
        run.run();
      }
    }).map(in -> (Requester) new Requester() {
      long n;

      @Override
      public void execute(Runnable task) {
        task.run();
      }

      @Override
      public synchronized void request(Runnable onReply) {
        String reply = inbox + "." + (++n);
        waiting.put(reply, onReply);
        out.send(Request.cmd(Command.PUBLISH).arg(service).arg(reply));
      }

      @Override
      public Future<Void> close() {
        return closing(in, out).close();
      }
    }));
  }

  @Override
  public Future<Conn> bystander(String id, String topic, List<String> patterns) {
    return subscribed(Command.PSUBSCRIBE, patterns, r -> { }).map(c -> closing(c));
  }

  @Override
  public String nonMatchingPattern(int i, int j) {
    return "other" + i + ".k" + j + ".*";
  }

  /**
   * An idle connection is a plain TCP connection that sends {@code PING} and waits for {@code +PONG}: a client
   * object per connection, as the others need, would not fit 10,000 of them in the load generator.
   */
  @Override
  public Future<Conn> idle(String id) {
    return net.connect(port, "127.0.0.1").compose(so -> {
      Promise<Void> pong = Promise.promise();
      so.handler(b -> {
        if (b.toString().contains("PONG")) {
          pong.tryComplete();
        }
      });
      so.write("PING\r\n");
      return pong.future().map(x -> (Conn) so::close);
    });
  }
}
