package dev.workspace.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.workspace.client.AgentClient;
import dev.workspace.client.AgentClientOptions;
import dev.workspace.model.FrameCodec;
import dev.workspace.server.ServerOptions;
import dev.workspace.server.WorkspaceServer;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Measures a real server over loopback and prints figures: fan-out from one publisher to N subscribers of a
 * channel (deliveries per second, publish-to-receive latency), and request/reply round trips through
 * {@code sendAndWait}. Every loop is bounded in count and time.
 *
 * <pre>scripts/bench [--subscribers N] [--events N] [--payload BYTES] [--window N] [--requests N] [--port P]</pre>
 *
 * <p>The fan-out runs twice: with {@code --window} publishes in flight (throughput under saturation), then with one
 * at a time (latency when the server is not saturated).
 */
public final class Bench {
  private static final long TIME_LIMIT_MS = 120_000;

  private Bench() {
  }

  /**
   * @param args see the class comment
   * @throws Exception when the run fails
   */
  public static void main(String[] args) throws Exception {
    Map<String, String> a = flags(args);
    int subscribers = Integer.parseInt(a.getOrDefault("--subscribers", "50"));
    int events = Integer.parseInt(a.getOrDefault("--events", "20000"));
    int payload = Integer.parseInt(a.getOrDefault("--payload", "16"));
    int requests = Integer.parseInt(a.getOrDefault("--requests", "5000"));
    int window = Integer.parseInt(a.getOrDefault("--window", "256"));
    Vertx vertx = Vertx.vertx();
    WorkspaceServer server = null;
    int port;
    if (a.containsKey("--port")) {
      port = Integer.parseInt(a.get("--port"));
    } else {
      server = await(WorkspaceServer.start(new ServerOptions().setHost("127.0.0.1").setPort(0)
          .setOutboundQueueBytes(64 * 1024 * 1024).setMaxFramesPerSecond(0)));
      port = server.port();
    }
    System.out.printf("machine: %d cores, JVM %s%n", Runtime.getRuntime().availableProcessors(),
        System.getProperty("java.version"));
    fanout(vertx, port, subscribers, events, payload, window);
    fanout(vertx, port, subscribers, Math.min(events, 2000), payload, 1);
    requestReply(vertx, port, requests);
    if (server != null) {
      await(server.close());
    }
    await(vertx.close());
  }

  private static void fanout(Vertx vertx, int port, int subscribers, int events, int payloadBytes, int window)
      throws Exception {
    WebSocketClient client = vertx.createWebSocketClient(new WebSocketClientOptions().setMaxConnections(subscribers + 1));
    long expected = (long) subscribers * events;
    AtomicLong received = new AtomicLong();
    long[] latencyNanos = new long[(int) Math.min(expected, 2_000_000)];
    AtomicLong samples = new AtomicLong();
    Promise<Void> allReceived = Promise.promise();
    List<WebSocket> subs = new ArrayList<>();
    for (int i = 0; i < subscribers; i++) {
      WebSocket ws = connect(client, port, "sub-" + i, "[\"channel.message.posted\"]");
      await(request(ws, "{\"type\":\"join\",\"id\":\"j\",\"channel\":\"bench\"}"));
      ws.textMessageHandler(text -> {
        int at = text.indexOf("\"sent\":");
        if (at < 0 || !text.startsWith("{\"type\":\"event\"")) {
          return;
        }
        long sent = Long.parseLong(text.substring(at + 7, text.indexOf(',', at)));
        long idx = samples.getAndIncrement();
        if (idx < latencyNanos.length) {
          latencyNanos[(int) idx] = System.nanoTime() - sent;
        }
        if (received.incrementAndGet() == expected) {
          allReceived.tryComplete();
        }
      });
      subs.add(ws);
    }
    WebSocket pub = connect(client, port, "publisher", "[]");
    await(request(pub, "{\"type\":\"join\",\"id\":\"j\",\"channel\":\"bench\"}"));
    String pad = "x".repeat(payloadBytes);
    AtomicLong acked = new AtomicLong();
    AtomicLong errors = new AtomicLong();
    Promise<Void> allAcked = Promise.promise();
    long[] sentCount = {0};
    long start = System.nanoTime();
    Runnable[] pump = new Runnable[1];
    Object lock = new Object();
    pump[0] = () -> {
      synchronized (lock) {
        pumpLocked(pub, sentCount, acked, events, window, pad);
      }
    };
    pub.textMessageHandler(text -> {
      if (text.startsWith("{\"type\":\"ack\"") || text.startsWith("{\"type\":\"error\"")) {
        if (text.startsWith("{\"type\":\"error\"")) {
          errors.incrementAndGet();
        }
        if (acked.incrementAndGet() == events) {
          allAcked.tryComplete();
        }
        pump[0].run();
      }
    });
    pump[0].run();
    await(allAcked.future(), TIME_LIMIT_MS);
    long publishedNanos = System.nanoTime() - start;
    await(allReceived.future(), TIME_LIMIT_MS);
    long elapsed = System.nanoTime() - start;
    int n = (int) Math.min(samples.get(), latencyNanos.length);
    long[] lat = Arrays.copyOf(latencyNanos, n);
    Arrays.sort(lat);
    System.out.printf("fan-out: 1 publisher -> %d subscribers, %d events of %d-byte text, %d publishes in flight%n",
        subscribers, events, payloadBytes, window);
    System.out.printf("  publish rate   %,.0f events/s%n", events / (publishedNanos / 1e9));
    System.out.printf("  deliveries     %,.0f /s (%,d in %.2f s)%n", expected / (elapsed / 1e9), expected, elapsed / 1e9);
    System.out.printf("  latency        p50 %.2f ms, p99 %.2f ms, max %.2f ms%n", lat[n / 2] / 1e6,
        lat[(int) (n * 0.99)] / 1e6, lat[n - 1] / 1e6);
    System.out.printf("  refused        %d publishes%n", errors.get());
    System.out.printf("  heap used      %,d KiB%n", ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() / 1024);
    for (WebSocket ws : subs) {
      await(ws.close());
    }
    await(pub.close());
    await(client.close());
  }

  private static void pumpLocked(WebSocket pub, long[] sentCount, AtomicLong acked, int events, int window,
      String pad) {
    while (sentCount[0] < events && sentCount[0] - acked.get() < window) {
      sentCount[0]++;
      pub.writeTextMessage("{\"type\":\"publish\",\"id\":\"p" + sentCount[0] + "\",\"event\":{\"event_name\":"
          + "\"channel.message.posted\",\"destination_id\":\"channel:bench\",\"payload\":{\"sent\":"
          + System.nanoTime() + ",\"text\":\"" + pad + "\"}}}");
    }
  }

  private static void requestReply(Vertx vertx, int port, int requests) {
    AgentClient asker = AgentClient.create(vertx, new AgentClientOptions().setAgentId("asker").setSubscriptions(List.of()));
    AgentClient echo = AgentClient.create(vertx, new AgentClientOptions().setAgentId("echo")
        .setSubscriptions(List.of("bench.ask")));
    await(asker.connectToServer("127.0.0.1", port, Map.of()));
    await(echo.connectToServer("127.0.0.1", port, Map.of()));
    await(echo.registerEventHandler(e -> echo.respond(e, "ok"), "bench.ask"));
    long[] rtt = new long[requests];
    long start = System.nanoTime();
    for (int i = 0; i < requests; i++) {
      long t0 = System.nanoTime();
      await(asker.sendAndWait(dev.workspace.model.Event.of("bench.ask", "agent:echo"), Duration.ofSeconds(10)));
      rtt[i] = System.nanoTime() - t0;
      if ((System.nanoTime() - start) / 1_000_000 > TIME_LIMIT_MS) {
        rtt = Arrays.copyOf(rtt, i + 1);
        break;
      }
    }
    Arrays.sort(rtt);
    System.out.printf("request/reply: %d sequential sendAndWait round trips%n", rtt.length);
    System.out.printf("  round trip     p50 %.0f us, p99 %.0f us, mean %.0f us%n", rtt[rtt.length / 2] / 1e3,
        rtt[(int) (rtt.length * 0.99)] / 1e3, Arrays.stream(rtt).average().orElse(0) / 1e3);
    await(asker.close());
    await(echo.close());
  }

  private static WebSocket connect(WebSocketClient client, int port, String agent, String subscriptions) {
    WebSocket ws = await(client.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port).setURI("/ws")));
    Promise<String> ack = Promise.promise();
    ws.textMessageHandler(ack::tryComplete);
    ws.writeTextMessage("{\"type\":\"connect\",\"id\":\"c\",\"agent_id\":\"" + agent + "\",\"subscriptions\":"
        + subscriptions + "}");
    JsonNode reply = FrameCodec.DEFAULT.parseObject(await(ack.future()));
    if (!reply.path("type").asText().equals("ack")) {
      throw new IllegalStateException("connect refused: " + reply);
    }
    return ws;
  }

  private static Future<String> request(WebSocket ws, String frame) {
    Promise<String> answer = Promise.promise();
    ws.textMessageHandler(answer::tryComplete);
    ws.writeTextMessage(frame);
    return answer.future();
  }

  private static Map<String, String> flags(String[] args) {
    Map<String, String> out = new java.util.HashMap<>();
    for (int i = 0; i + 1 < args.length; i += 2) {
      out.put(args[i], args[i + 1]);
    }
    return out;
  }

  private static <T> T await(Future<T> f) {
    return await(f, 30_000);
  }

  private static <T> T await(Future<T> f, long ms) {
    try {
      return f.toCompletionStage().toCompletableFuture().get(ms, TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("no result within " + ms + " ms", e);
    }
  }
}
