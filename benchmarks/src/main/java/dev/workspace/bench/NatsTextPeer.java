package dev.workspace.bench;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.LongConsumer;

/**
 * NATS spoken in its text protocol ({@code CONNECT}, {@code SUB}, {@code PUB}, {@code MSG}, {@code PING}) over a
 * WebSocket (binary messages, as the NATS WebSocket clients do) or a plain TCP connection, on the same Vert.x event
 * loops and with the same code shape as {@link WorkspacePeer}.
 */
final class NatsTextPeer implements Peer {
  private final Vertx vertx;
  private final String name;
  private final String key;
  private final ServerProcess server;
  private final int port;
  private final boolean websocket;
  private final int payloadBytes;
  private final WebSocketClient wsClient;
  private final NetClient netClient;

  NatsTextPeer(Vertx vertx, String name, String key, ServerProcess server, int port, boolean websocket,
      int payloadBytes) {
    this.vertx = vertx;
    this.name = name;
    this.key = key;
    this.server = server;
    this.port = port;
    this.websocket = websocket;
    this.payloadBytes = payloadBytes;
    this.wsClient = websocket ? vertx.createWebSocketClient(new WebSocketClientOptions().setMaxConnections(100_000)
        .setMaxFrameSize(1 << 20).setMaxMessageSize(1 << 22)) : null;
    this.netClient = websocket ? null : vertx.createNetClient(new NetClientOptions().setTcpNoDelay(true));
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public String key() {
    return key;
  }

  @Override
  public ServerProcess server() {
    return server;
  }

  /** One NATS connection: writes protocol text, parses what the server sends. */
  final class NatsConn implements Conn {
    final Context context;
    Handler<Buffer> writer;
    java.util.function.Supplier<Future<Void>> closer;
    volatile Consumer<Msg> onMsg = m -> { };
    private Buffer pending = Buffer.buffer();
    private Promise<Void> pong;
    private int sids;

    NatsConn(Context context) {
      this.context = context;
    }

    void write(String text) {
      writer.handle(Buffer.buffer(text));
    }

    void write(Buffer b) {
      writer.handle(b);
    }

    int subscribe(String subject) {
      int sid = ++sids;
      write("SUB " + subject + " " + sid + "\r\n");
      return sid;
    }

    Future<Void> ping() {
      pong = Promise.promise();
      write("PING\r\n");
      return pong.future();
    }

    void publish(String subject, String reply, byte[] payload) {
      byte[] head = ("PUB " + subject + (reply == null ? "" : " " + reply) + " " + payload.length + "\r\n")
          .getBytes(StandardCharsets.US_ASCII);
      Buffer b = Buffer.buffer(head.length + payload.length + 2);
      b.appendBytes(head).appendBytes(payload).appendString("\r\n");
      write(b);
    }

    void feed(Buffer data) {
      pending = pending.length() == 0 ? data : pending.appendBuffer(data);
      int at = 0;
      int len = pending.length();
      while (true) {
        int eol = indexOfCrlf(pending, at, len);
        if (eol < 0) {
          break;
        }
        String line = pending.getString(at, eol, "US-ASCII");
        if (line.startsWith("MSG ")) {
          String[] f = line.split(" ");
          int size = Integer.parseInt(f[f.length - 1]);
          if (eol + 2 + size + 2 > len) {
            break;
          }
          byte[] body = pending.getBytes(eol + 2, eol + 2 + size);
          at = eol + 2 + size + 2;
          onMsg.accept(new Msg(f[1], f.length == 5 ? f[3] : null, body));
          continue;
        }
        at = eol + 2;
        if (line.equals("PING")) {
          write("PONG\r\n");
        } else if (line.equals("PONG")) {
          Promise<Void> p = pong;
          pong = null;
          if (p != null) {
            p.tryComplete();
          }
        } else if (line.startsWith("-ERR")) {
          System.err.println(name + ": " + line);
        }
      }
      pending = at >= len ? Buffer.buffer() : pending.getBuffer(at, len);
    }

    @Override
    public Future<Void> close() {
      return closer.get();
    }
  }

  record Msg(String subject, String reply, byte[] body) {
  }

  private static int indexOfCrlf(Buffer b, int from, int len) {
    for (int i = from; i + 1 < len; i++) {
      if (b.getByte(i) == '\r' && b.getByte(i + 1) == '\n') {
        return i;
      }
    }
    return -1;
  }

  private Future<NatsConn> open() {
    Context ctx = vertx.getOrCreateContext();
    Promise<NatsConn> done = Promise.promise();
    ctx.runOnContext(v -> {
      NatsConn c = new NatsConn(ctx);
      Future<Void> connected;
      if (websocket) {
        connected = wsClient.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port).setURI("/"))
            .map(ws -> {
              ws.handler(c::feed);
              c.writer = ws::writeBinaryMessage;
              c.closer = ws::close;
              return null;
            });
      } else {
        connected = netClient.connect(port, "127.0.0.1").map(so -> {
          so.handler(c::feed);
          c.writer = so::write;
          c.closer = so::close;
          return null;
        });
      }
      connected.compose(x -> {
        c.write("CONNECT {\"verbose\":false,\"pedantic\":false,\"protocol\":1,\"echo\":false,\"lang\":\"java\","
            + "\"version\":\"bench\"}\r\n");
        return c.ping();
      }).map(x -> c).onComplete(done);
    });
    return done.future();
  }

  @Override
  public Future<Conn> subscriber(String id, String topic, LongConsumer onMessage) {
    return open().compose(c -> {
      c.onMsg = m -> onMessage.accept(Payloads.stamp(m.body(), 0));
      c.subscribe(topic);
      return c.ping().map(x -> (Conn) c);
    });
  }

  @Override
  public Future<Publisher> publisher(String id, String topic) {
    return open().map(c -> new Publisher() {
      @Override
      public void execute(Runnable task) {
        c.context.runOnContext(v -> task.run());
      }

      @Override
      public void publish(long stamp) {
        c.publish(topic, null, Payloads.raw(stamp, payloadBytes));
      }

      @Override
      public Future<Void> close() {
        return c.close();
      }
    });
  }

  @Override
  public Future<Conn> responder(String id, String service) {
    byte[] ok = "{}".getBytes(StandardCharsets.US_ASCII);
    return open().compose(c -> {
      c.onMsg = m -> {
        if (m.reply() != null) {
          c.publish(m.reply(), null, ok);
        }
      };
      c.subscribe(service);
      return c.ping().map(x -> (Conn) c);
    });
  }

  @Override
  public Future<Requester> requester(String id, String service) {
    byte[] body = "{}".getBytes(StandardCharsets.US_ASCII);
    String inbox = "_INBOX." + id.replace('.', '_');
    return open().compose(c -> {
      Map<String, Runnable> waiting = new ConcurrentHashMap<>();
      c.onMsg = m -> {
        Runnable r = waiting.remove(m.subject());
        if (r != null) {
          r.run();
        }
      };
      c.subscribe(inbox + ".*");
      return c.ping().map(x -> (Requester) new Requester() {
        long n;

        @Override
        public void execute(Runnable task) {
          c.context.runOnContext(v -> task.run());
        }

        @Override
        public void request(Runnable onReply) {
          String reply = inbox + "." + (++n);
          waiting.put(reply, onReply);
          c.publish(service, reply, body);
        }

        @Override
        public Future<Void> close() {
          return c.close();
        }
      });
    });
  }

  @Override
  public Future<Conn> bystander(String id, String topic, List<String> patterns) {
    return open().compose(c -> {
      for (String p : patterns) {
        c.subscribe(p);
      }
      return c.ping().map(x -> (Conn) c);
    });
  }

  @Override
  public String nonMatchingPattern(int i, int j) {
    return "other" + i + ".k" + j + ".*";
  }

  @Override
  public Future<Conn> idle(String id) {
    return open().map(c -> c);
  }
}
