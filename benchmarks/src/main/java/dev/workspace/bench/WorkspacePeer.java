package dev.workspace.bench;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.LongConsumer;

/** The workspace server over its WebSocket protocol, spoken with raw frames (no client library on top). */
final class WorkspacePeer implements Peer {
  private final Vertx vertx;
  private final WebSocketClient client;
  private final String name;
  private final String key;
  private final ServerProcess server;
  private final int port;
  private final int payloadBytes;
  private final int publishPort;

  /**
   * @param vertx the load generator's Vert.x
   * @param name the report name
   * @param key the report key
   * @param server the process measured
   * @param port where subscribers connect
   * @param publishPort where publishers and requesters connect (another node of a cluster, or {@code port})
   * @param payloadBytes size of each message's payload
   */
  WorkspacePeer(Vertx vertx, String name, String key, ServerProcess server, int port, int publishPort,
      int payloadBytes) {
    this.vertx = vertx;
    this.name = name;
    this.key = key;
    this.server = server;
    this.port = port;
    this.publishPort = publishPort;
    this.payloadBytes = payloadBytes;
    this.client = vertx.createWebSocketClient(new WebSocketClientOptions().setMaxConnections(100_000)
        .setMaxFrameSize(1 << 20).setMaxMessageSize(1 << 22));
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

  private final class Session implements Conn {
    final WebSocket ws;
    final Context context;
    volatile Consumer<String> onText = t -> { };
    final AtomicLong ids = new AtomicLong();

    Session(WebSocket ws, Context context) {
      this.ws = ws;
      this.context = context;
      ws.textMessageHandler(t -> {
        if (t.startsWith("{\"type\":\"ping\"")) {
          int at = t.indexOf("\"id\":\"");
          ws.writeTextMessage(at < 0 ? "{\"type\":\"pong\"}"
              : "{\"type\":\"pong\",\"id\":\"" + t.substring(at + 6, t.indexOf('"', at + 6)) + "\"}");
          return;
        }
        onText.accept(t);
      });
    }

    Future<String> request(String frameWithoutId) {
      String id = "r" + ids.incrementAndGet();
      Promise<String> answer = Promise.promise();
      Consumer<String> previous = onText;
      onText = t -> {
        if (t.contains("\"id\":\"" + id + "\"")) {
          onText = previous;
          answer.tryComplete(t);
        } else {
          previous.accept(t);
        }
      };
      ws.writeTextMessage("{\"id\":\"" + id + "\"," + frameWithoutId.substring(1));
      return answer.future();
    }

    @Override
    public Future<Void> close() {
      return ws.close();
    }
  }

  private Future<Session> open(int toPort, String agent, String subscriptionsJson) {
    Context ctx = vertx.getOrCreateContext();
    Promise<Session> done = Promise.promise();
    ctx.runOnContext(v -> client.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(toPort)
        .setURI("/ws")).compose(ws -> {
          Session s = new Session(ws, ctx);
          return s.request("{\"type\":\"connect\",\"agent_id\":\"" + agent + "\",\"subscriptions\":"
              + subscriptionsJson + "}").map(ack -> {
                if (!ack.startsWith("{\"type\":\"ack\"")) {
                  throw new IllegalStateException("connect refused: " + ack);
                }
                return s;
              });
        }).onComplete(done));
    return done.future();
  }

  private static Future<Session> join(Session s, String channel) {
    return s.request("{\"type\":\"join\",\"channel\":\"" + channel + "\"}").map(ack -> {
      if (!ack.startsWith("{\"type\":\"ack\"")) {
        throw new IllegalStateException("join refused: " + ack);
      }
      return s;
    });
  }

  @Override
  public Future<Conn> subscriber(String id, String topic, LongConsumer onMessage) {
    return open(port, id, "[\"channel.message.posted\"]").compose(s -> join(s, topic)).map(s -> {
      s.onText = t -> {
        if (t.startsWith("{\"type\":\"event\"")) {
          onMessage.accept(Payloads.stamp(t));
        }
      };
      return s;
    });
  }

  @Override
  public Future<Publisher> publisher(String id, String topic) {
    String pad = "x".repeat(Math.max(1, payloadBytes - 33));
    return open(publishPort, id, "[]").compose(s -> join(s, topic)).map(s -> new Publisher() {
      long n;

      @Override
      public void execute(Runnable task) {
        s.context.runOnContext(v -> task.run());
      }

      @Override
      public void publish(long stamp) {
        n++;
        s.ws.writeTextMessage("{\"type\":\"publish\",\"id\":\"p" + n + "\",\"event\":{\"event_name\":"
            + "\"channel.message.posted\",\"destination_id\":\"channel:" + topic + "\",\"payload\":{\"t\":" + stamp
            + ",\"text\":\"" + pad + "\"}}}");
      }

      @Override
      public Future<Void> close() {
        return s.close();
      }
    });
  }

  @Override
  public Future<Conn> responder(String id, String service) {
    return open(port, service, "[\"bench.ask\"]").map(s -> {
      s.onText = t -> {
        if (!t.startsWith("{\"type\":\"event\"")) {
          return;
        }
        s.ws.writeTextMessage("{\"type\":\"publish\",\"id\":\"a" + s.ids.incrementAndGet()
            + "\",\"event\":{\"event_name\":\"bench.reply\",\"destination_id\":"
            + "\"agent:" + stringField(t, "source_id") + "\",\"response_to\":\"" + stringField(t, "event_id")
            + "\",\"payload\":{}}}");
      };
      return s;
    });
  }

  @Override
  public Future<Requester> requester(String id, String service) {
    return open(publishPort, id, "[]").map(s -> {
      Map<String, Runnable> waiting = new ConcurrentHashMap<>();
      s.onText = t -> {
        if (t.startsWith("{\"type\":\"event\"")) {
          String rt = stringField(t, "response_to");
          Runnable r = rt == null ? null : waiting.remove(rt);
          if (r != null) {
            r.run();
          }
        }
      };
      return new Requester() {
        long n;

        @Override
        public void execute(Runnable task) {
          s.context.runOnContext(v -> task.run());
        }

        @Override
        public void request(Runnable onReply) {
          String q = id + "-q" + (++n);
          waiting.put(q, onReply);
          s.ws.writeTextMessage("{\"type\":\"publish\",\"id\":\"" + q + "\",\"event\":{\"event_id\":\"" + q
              + "\",\"event_name\":\"bench.ask\",\"destination_id\":\"agent:" + service
              + "\",\"requires_response\":true,\"payload\":{}}}");
        }

        @Override
        public Future<Void> close() {
          return s.close();
        }
      };
    });
  }

  @Override
  public Future<Conn> bystander(String id, String topic, List<String> patterns) {
    StringBuilder json = new StringBuilder("[");
    for (int i = 0; i < patterns.size(); i++) {
      json.append(i == 0 ? "" : ",").append('"').append(patterns.get(i)).append('"');
    }
    return open(port, id, json.append(']').toString()).compose(s -> join(s, topic)).map(s -> s);
  }

  @Override
  public String nonMatchingPattern(int i, int j) {
    return "other" + i + ".k" + j + ".*";
  }

  @Override
  public Future<Conn> idle(String id) {
    return open(port, id, "[\"bench.none\"]").map(s -> s);
  }

  /**
   * Reads one string field of an event frame the server wrote, by scanning its text as the other peers' clients
   * scan theirs (B1's subscribers read their stamp the same way): the benchmark's ids hold no quotes or escapes.
   *
   * @param frame the frame's text
   * @param field the field's name
   * @return its first value in the frame, or {@code null}
   */
  static String stringField(String frame, String field) {
    String key = "\"" + field + "\":\"";
    int at = frame.indexOf(key);
    if (at < 0) {
      return null;
    }
    int from = at + key.length();
    int end = frame.indexOf('"', from);
    return end < 0 ? null : frame.substring(from, end);
  }
}
