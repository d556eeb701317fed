package dev.workspace.bench;

import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.vertx.core.Future;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.LongConsumer;

/**
 * NATS over TCP through its own Java client, nats.java. Idle connections for the connection-storm scenario (and
 * B1's largest fan-out, see {@link Harness#JNATS_MAX_SUBSCRIBERS}) use {@link NatsTextPeer} over TCP instead:
 * nats.java keeps several threads per connection, which thousands of connections in one load generator cannot
 * afford.
 */
final class JnatsPeer implements Peer {
  private final String url;
  private final ServerProcess server;
  private final int payloadBytes;
  private final NatsTextPeer idleClient;
  private final ExecutorService blocking = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "nats-java");
    t.setDaemon(true);
    return t;
  });

  JnatsPeer(ServerProcess server, int port, int payloadBytes, NatsTextPeer idleClient) {
    this.url = "nats://127.0.0.1:" + port;
    this.server = server;
    this.payloadBytes = payloadBytes;
    this.idleClient = idleClient;
  }

  @Override
  public String name() {
    return "NATS (TCP, nats.java)";
  }

  @Override
  public String key() {
    return "nats-tcp";
  }

  @Override
  public ServerProcess server() {
    return server;
  }

  private interface Opening<T> {
    T open() throws Exception;
  }

  private <T> Future<T> blocking(Opening<T> task) {
    return Future.fromCompletionStage(CompletableFuture.supplyAsync(() -> {
      try {
        return task.open();
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }, blocking));
  }

  private Connection connect(String id) throws Exception {
    return Nats.connect(new Options.Builder().server(url).connectionName(id).noReconnect().noEcho()
        .connectionTimeout(Duration.ofSeconds(30))
        .executor(blocking).build());
  }

  private Conn closing(Connection nc) {
    return () -> blocking(() -> {
      nc.close();
      return null;
    });
  }

  @Override
  public Future<Conn> subscriber(String id, String topic, LongConsumer onMessage) {
    return blocking(() -> {
      Connection nc = connect(id);
      Dispatcher d = nc.createDispatcher(m -> onMessage.accept(Payloads.stamp(m.getData(), 0)));
      d.subscribe(topic);
      nc.flush(Duration.ofSeconds(10));
      return closing(nc);
    });
  }

  @Override
  public Future<Publisher> publisher(String id, String topic) {
    return blocking(() -> {
      Connection nc = connect(id);
      Conn closer = closing(nc);
      return new Publisher() {
        @Override
        public void execute(Runnable task) {
          task.run();
        }

        @Override
        public void publish(long stamp) {
          nc.publish(topic, Payloads.raw(stamp, payloadBytes));
        }

        @Override
        public Future<Void> close() {
          return closer.close();
        }
      };
    });
  }

  @Override
  public Future<Conn> responder(String id, String service) {
    byte[] ok = "{}".getBytes(StandardCharsets.US_ASCII);
    return blocking(() -> {
      Connection nc = connect(id);
      Dispatcher d = nc.createDispatcher(m -> nc.publish(m.getReplyTo(), ok));
      d.subscribe(service);
      nc.flush(Duration.ofSeconds(10));
      return closing(nc);
    });
  }

  @Override
  public Future<Requester> requester(String id, String service) {
    byte[] body = "{}".getBytes(StandardCharsets.US_ASCII);
    return blocking(() -> {
      Connection nc = connect(id);
      Conn closer = closing(nc);
      return new Requester() {
        @Override
        public void execute(Runnable task) {
          task.run();
        }

        @Override
        public void request(Runnable onReply) {
          nc.request(service, body).whenComplete((m, e) -> onReply.run());
        }

        @Override
        public Future<Void> close() {
          return closer.close();
        }
      };
    });
  }

  @Override
  public Future<Conn> bystander(String id, String topic, List<String> patterns) {
    return blocking(() -> {
      Connection nc = connect(id);
      Dispatcher d = nc.createDispatcher(m -> { });
      for (String p : patterns) {
        d.subscribe(p);
      }
      nc.flush(Duration.ofSeconds(10));
      return closing(nc);
    });
  }

  @Override
  public String nonMatchingPattern(int i, int j) {
    return "other" + i + ".k" + j + ".*";
  }

  @Override
  public Future<Conn> idle(String id) {
    return idleClient.idle(id);
  }
}
