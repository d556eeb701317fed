package dev.workspace.server.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.workspace.model.CloseCodes;
import dev.workspace.server.ServerOptions;
import dev.workspace.server.WorkspaceServer;
import dev.workspace.server.testing.RawClient;
import dev.workspace.server.testing.TestServers;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.WebSocketFrame;
import io.vertx.core.http.WebSocketFrameType;
import io.vertx.core.http.impl.ws.WebSocketFrameImpl;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * Seeded fuzzing over real WebSockets: several connections send at least 10,000 malformed, random, mutated and
 * valid frames in lock step, and every frame must get its coded answer (the exact code where the frame's fault
 * is known, any code but {@code internal} for random ones) or the documented close. Meanwhile a well-behaved
 * sender and receiver see no error and every event. Afterwards the server still serves and its heap is back near
 * where it started. Reproduce a run with {@code -Dfuzz.seed=N}.
 */
class FuzzTest {
  private static final long SEED = Long.getLong("fuzz.seed", 20_261_121L);
  private static final int WORKERS = 4;
  /** This worker sends nothing but mistakes. */
  private static final int HOSTILE_WORKER = 3;
  private static final int FRAMES_PER_WORKER = 2_600;
  private static final int CALM_EVENTS = 400;
  private static final int MAX_ERRORS_IN_ROW = ServerOptions.DEFAULT_MAX_ERRORS_IN_ROW;
  private static final Set<String> ANY = Collections.emptySet();
  private static final Set<String> NOT_A_MISTAKE = Set.of("not_found", "rate_limited", "unavailable", "internal");

  /** What a frame must get back: one of these answers ({@code pong}, {@code ack} or error codes), or a close. */
  private record Expect(Set<String> answers, short close) {
    static Expect answer(String... allowed) {
      return new Expect(allowed.length == 0 ? ANY : Set.of(allowed), (short) 0);
    }

    static Expect closed(short code) {
      return new Expect(ANY, code);
    }
  }

  private record Case(String kind, String text, WebSocketFrame raw, String id, Expect expect) {
  }

  private final Map<String, AtomicInteger> outcomes = new ConcurrentHashMap<>();

  @Test
  void tenThousandMalformedFramesGetCodedAnswersAndAWellBehavedAgentIsUndisturbed() throws Exception {
    Vertx vertx = Vertx.vertx();
    WorkspaceServer server = TestServers.start(TestServers.options());
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    ExecutorService pool = Executors.newFixedThreadPool(WORKERS + 2);
    try (RawClient sender = RawClient.connect(vertx, server.port(), "calm-sender", "[]");
        RawClient receiver = RawClient.connect(vertx, server.port(), "calm-receiver",
            "[\"channel.message.posted\"]")) {
      assertEquals("ack", sender.request("{\"type\":\"join\",\"channel\":\"calm\"}").get("type").asText());
      assertEquals("ack", receiver.request("{\"type\":\"join\",\"channel\":\"calm\"}").get("type").asText());
      runWorker(vertx, server.port(), 999, 300);
      outcomes.clear();
      long heapBefore = settledHeap(memory);
      long started = System.nanoTime();

      Future<List<String>> calmSent = pool.submit(() -> sendCalmly(sender));
      Future<List<ObjectNode>> calmReceived = pool.submit(() -> receiveCalmly(receiver));
      List<Future<Integer>> workers = new ArrayList<>();
      for (int w = 0; w < WORKERS; w++) {
        int worker = w;
        workers.add(pool.submit(() -> runWorker(vertx, server.port(), worker, FRAMES_PER_WORKER)));
      }
      int frames = 0;
      for (Future<Integer> f : workers) {
        frames += f.get(120, TimeUnit.SECONDS);
      }
      List<String> sentIds = calmSent.get(60, TimeUnit.SECONDS);
      List<ObjectNode> received = calmReceived.get(60, TimeUnit.SECONDS);
      long tookMs = (System.nanoTime() - started) / 1_000_000;

      assertEquals(CALM_EVENTS, sentIds.size());
      assertEquals(CALM_EVENTS, received.size());
      long lastOffset = 0;
      for (int i = 0; i < CALM_EVENTS; i++) {
        ObjectNode ev = received.get(i);
        assertEquals(sentIds.get(i), ev.get("event_id").asText());
        assertEquals("calm-sender", ev.get("source_id").asText());
        assertEquals(i, ev.get("payload").get("n").asInt());
        assertTrue(ev.get("offset").asLong() > lastOffset);
        lastOffset = ev.get("offset").asLong();
      }

      try (RawClient after = RawClient.connect(vertx, server.port(), "after-the-storm")) {
        after.send("{\"type\":\"ping\",\"id\":\"alive\"}");
        assertEquals("pong", after.next().get("type").asText());
      }
      assertEquals(200, Wire.http(vertx, server.port(), HttpMethod.GET, "/health", Map.of(), null).status());
      long heapAfter = settledHeap(memory);
      System.out.printf("fuzz seed %d: %d frames over %d workers in %d ms; outcomes %s%n", SEED, frames, WORKERS,
          tookMs, new TreeMap<>(Map.copyOf(outcomesAsInts())));
      System.out.printf("fuzz heap: before %d KiB, after %d KiB, growth %d KiB%n", heapBefore / 1024,
          heapAfter / 1024, (heapAfter - heapBefore) / 1024);
      assertTrue(frames >= 10_000, "sent " + frames);
      assertTrue(heapAfter < heapBefore + 48L * 1024 * 1024, "heap grew from " + heapBefore + " to " + heapAfter);
      assertTrue(!outcomes.containsKey("error:internal"), "internal errors: " + outcomes);
      for (short code : new short[] {CloseCodes.UNSUPPORTED_DATA, CloseCodes.INVALID_PAYLOAD,
          CloseCodes.MESSAGE_TOO_BIG, CloseCodes.FLOODING}) {
        assertTrue(outcomes.containsKey("close:" + code), "no close " + code + " seen: " + outcomes);
      }
      receiver.assertNothingElse();
      sender.assertNothingElse();
    } finally {
      pool.shutdownNow();
      RawClient.await(server.close());
      RawClient.await(vertx.close());
    }
  }

  private Map<String, Integer> outcomesAsInts() {
    Map<String, Integer> m = new TreeMap<>();
    outcomes.forEach((k, v) -> m.put(k, v.get()));
    return m;
  }

  private static long settledHeap(MemoryMXBean memory) throws InterruptedException {
    long best = Long.MAX_VALUE;
    for (int i = 0; i < 3; i++) {
      System.gc();
      best = Math.min(best, memory.getHeapMemoryUsage().getUsed());
    }
    return best;
  }

  private static List<String> sendCalmly(RawClient sender) {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < CALM_EVENTS; i++) {
      ObjectNode ack = sender.request("{\"type\":\"publish\",\"event\":{\"event_id\":\"calm-" + i + "\","
          + "\"event_name\":\"channel.message.posted\",\"destination_id\":\"channel:calm\",\"payload\":{\"n\":" + i
          + ",\"text\":\"steady " + i + "\"}}}");
      if (!"ack".equals(ack.get("type").asText())) {
        throw new AssertionError("the calm sender got " + ack);
      }
      ids.add(ack.get("result").get("event_id").asText());
    }
    return ids;
  }

  private static List<ObjectNode> receiveCalmly(RawClient receiver) {
    List<ObjectNode> events = new ArrayList<>();
    while (events.size() < CALM_EVENTS) {
      ObjectNode f = receiver.next();
      String type = f.get("type").asText();
      if ("ping".equals(type)) {
        receiver.send("{\"type\":\"pong\"}");
      } else if (!"event".equals(type)) {
        throw new AssertionError("the calm receiver got " + f);
      } else if ("calm-sender".equals(f.get("event").get("source_id").asText())) {
        events.add((ObjectNode) f.get("event"));
      }
    }
    return events;
  }

  // ------------------------------------------------------------------ one fuzzing connection after another

  private int runWorker(Vertx vertx, int port, int worker, int frames) {
    Random random = new Random(SEED + worker);
    Generator gen = new Generator(random, worker, worker == HOSTILE_WORKER);
    int sent = 0;
    int generation = 0;
    while (sent < frames) {
      generation++;
      try (Wire.FrameSocket s = new Wire.FrameSocket(vertx, port)) {
        int errorsInRow = 0;
        int before = random.nextInt(4);
        for (int i = 0; i < before && sent < frames; i++, sent++) {
          Case c = gen.beforeConnect();
          errorsInRow = check(s, c, worker, sent, errorsInRow);
          if (errorsInRow < 0) {
            break;
          }
        }
        if (s.closed.isDone()) {
          continue;
        }
        String agent = "fuzz-" + worker + "-" + generation;
        s.send("{\"type\":\"connect\",\"id\":\"c\",\"agent_id\":\"" + agent + "\",\"subscriptions\":[]}");
        ObjectNode ack = nextAnswer(s);
        if (ack == null || !"ack".equals(ack.get("type").asText())) {
          throw new AssertionError("worker " + worker + " could not connect: " + ack);
        }
        errorsInRow = 0;
        while (sent < frames && !s.closed.isDone()) {
          Case c = gen.next();
          sent++;
          errorsInRow = check(s, c, worker, sent, errorsInRow);
          if (errorsInRow < 0) {
            break;
          }
        }
      }
    }
    return sent;
  }

  /** Sends one case and checks what came back; returns the errors in a row, or -1 when the connection closed. */
  private int check(Wire.FrameSocket s, Case c, int worker, int index, int errorsInRow) {
    String where = "seed " + SEED + " worker " + worker + " frame " + index + " (" + c.kind() + "): "
        + (c.text() == null ? c.raw().type() + " frame" : clip(c.text()));
    if (c.text() != null) {
      s.writeQuietly(WebSocketFrame.textFrame(c.text(), true));
    } else {
      s.writeQuietly(c.raw());
    }
    if (c.expect().close() != 0) {
      assertEquals(c.expect().close(), s.awaitClose(), where);
      count("close:" + c.expect().close());
      return -1;
    }
    ObjectNode answer = nextAnswer(s);
    if (answer == null) {
      throw new AssertionError("closed with " + s.closed.getNow((short) 0) + " instead of answering " + where);
    }
    String type = answer.get("type").asText();
    String outcome = "error".equals(type) ? answer.get("code").asText() : type;
    count("error".equals(type) ? "error:" + outcome : outcome);
    if ("internal".equals(outcome)) {
      throw new AssertionError("internal error for a client's frame: " + where + " -> " + answer);
    }
    if (!"rate_limited".equals(outcome) && !c.expect().answers().isEmpty()
        && !c.expect().answers().contains(outcome)) {
      throw new AssertionError("expected " + c.expect().answers() + " for " + where + " but got " + answer);
    }
    if (!"error".equals(type) && !"ack".equals(type) && !"pong".equals(type)) {
      throw new AssertionError("unexpected answer for " + where + ": " + answer);
    }
    String id = answer.has("id") ? answer.get("id").asText() : null;
    if (c.id() != null && !c.id().equals(id) && !"rate_limited".equals(outcome)) {
      throw new AssertionError("answer for " + where + " carries id " + id + ", not " + c.id());
    }
    if (!"error".equals(type)) {
      return 0;
    }
    if (NOT_A_MISTAKE.contains(outcome)) {
      return errorsInRow;
    }
    if (errorsInRow + 1 >= MAX_ERRORS_IN_ROW) {
      assertEquals(CloseCodes.FLOODING, s.awaitClose(), "after " + MAX_ERRORS_IN_ROW + " errors in a row: " + where);
      count("close:" + CloseCodes.FLOODING);
      return -1;
    }
    return errorsInRow + 1;
  }

  /** The next frame that answers a request: events and the server's own pings are skipped. */
  private static ObjectNode nextAnswer(Wire.FrameSocket s) {
    long deadline = System.nanoTime() + RawClient.WAIT.toNanos();
    while (System.nanoTime() < deadline) {
      ObjectNode f;
      try {
        f = s.frames.poll(20, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
      if (f == null) {
        if (s.closed.isDone() && s.frames.isEmpty()) {
          return null;
        }
        continue;
      }
      String type = f.get("type").asText();
      if ("event".equals(type)) {
        continue;
      }
      if ("ping".equals(type) && !f.has("id")) {
        s.writeQuietly(WebSocketFrame.textFrame("{\"type\":\"pong\"}", true));
        continue;
      }
      return f;
    }
    throw new AssertionError("no answer within " + RawClient.WAIT.toMillis() + " ms");
  }

  private void count(String outcome) {
    outcomes.computeIfAbsent(outcome, k -> new AtomicInteger()).incrementAndGet();
  }

  private static String clip(String s) {
    return s.length() <= 200 ? s : s.substring(0, 200) + "... (" + s.length() + " chars)";
  }

  // ------------------------------------------------------------------ frames

  /** Makes cases from a seeded random source: the same seed gives the same frames in the same order. */
  private static final class Generator {
    private final Random r;
    private final int worker;
    private int ids;
    private final List<Supplier<Case>> weighted = new ArrayList<>();

    /**
     * @param hostile only mistakes, so that the connection is closed for too many errors in a row again and again
     */
    Generator(Random r, int worker, boolean hostile) {
      this.r = r;
      this.worker = worker;
      if (hostile) {
        add(1, this::notJson);
        add(1, this::truncated);
        add(1, this::unknownType);
        add(1, this::badEventName);
        add(1, this::badDestination);
        add(1, this::forbiddenEvent);
        add(1, this::tooDeep);
        return;
      }
      add(10, this::ping);
      add(6, this::listing);
      add(6, this::broadcast);
      add(5, this::joinOrLeave);
      add(4, this::channelPost);
      add(3, this::subscription);
      add(3, this::history);
      add(8, this::notJson);
      add(6, this::truncated);
      add(2, this::trailingData);
      add(3, this::missingType);
      add(3, this::unknownType);
      add(4, this::wrongTypes);
      add(2, this::badId);
      add(4, this::badEventName);
      add(4, this::badDestination);
      add(3, this::unknownEventField);
      add(3, this::forbiddenEvent);
      add(2, this::directToNobody);
      add(2, this::tooDeep);
      add(2, this::badPattern);
      add(1, this::connectAgain);
      add(8, this::mutated);
      add(6, this::randomStructure);
      add(2, this::unicodePing);
      add(1, this::rareClose);
    }

    private void add(int weight, Supplier<Case> s) {
      for (int i = 0; i < weight; i++) {
        weighted.add(s);
      }
    }

    Case next() {
      return weighted.get(r.nextInt(weighted.size())).get();
    }

    Case beforeConnect() {
      switch (r.nextInt(3)) {
        case 0:
          return notJson();
        case 1:
          String id = id();
          return new Case("before connect", "{\"type\":\"list_channels\",\"id\":\"" + id + "\"}", null, id,
              Expect.answer("not_connected"));
        default:
          return ping();
      }
    }

    private String id() {
      return "w" + worker + "-" + (++ids);
    }

    private Case req(String kind, String bodyWithoutId, Expect expect) {
      String id = id();
      return new Case(kind, "{\"id\":\"" + id + "\"," + bodyWithoutId.substring(1), null, id, expect);
    }

    private String channel() {
      return "fuzz-" + r.nextInt(4);
    }

    private Case ping() {
      return req("ping", "{\"type\":\"ping\"}", Expect.answer("pong"));
    }

    private Case unicodePing() {
      String id = "\u00e9\u4e2d\ud83d\ude80" + r.nextInt(1000);
      return new Case("unicode ping", "{\"type\":\"ping\",\"id\":\"" + id + "\"}", null, id, Expect.answer("pong"));
    }

    private Case listing() {
      switch (r.nextInt(3)) {
        case 0:
          return req("list_channels", "{\"type\":\"list_channels\"}", Expect.answer("ack"));
        case 1:
          return req("list_agents", "{\"type\":\"list_agents\"}", Expect.answer("ack"));
        default:
          return req("members", "{\"type\":\"members\",\"channel\":\"general\"}", Expect.answer("ack"));
      }
    }

    private Case broadcast() {
      return req("broadcast", "{\"type\":\"publish\",\"event\":{\"event_name\":\"fuzz.noise\","
          + "\"destination_id\":\"agent:broadcast\",\"payload\":" + randomObject(3) + "}}", Expect.answer("ack"));
    }

    private Case joinOrLeave() {
      if (r.nextBoolean()) {
        return req("join", "{\"type\":\"join\",\"channel\":\"" + channel() + "\"}",
            Expect.answer("ack", "limit_exceeded"));
      }
      return req("leave", "{\"type\":\"leave\",\"channel\":\"" + channel() + "\"}", Expect.answer("ack", "not_member"));
    }

    private Case channelPost() {
      return req("channel post", "{\"type\":\"publish\",\"event\":{\"event_name\":\"channel.message.posted\","
          + "\"destination_id\":\"channel:" + channel() + "\",\"payload\":{\"text\":" + jsonString(randomText(40))
          + "}}}", Expect.answer("ack", "not_member"));
    }

    private Case subscription() {
      String[] patterns = {"fuzz.*", "fuzz.>", "*.noise", "channel.message.*", "a.b.c"};
      String p = patterns[r.nextInt(patterns.length)];
      if (r.nextBoolean()) {
        return req("subscribe", "{\"type\":\"subscribe\",\"patterns\":[\"" + p + "\"]}",
            Expect.answer("ack", "limit_exceeded"));
      }
      return req("unsubscribe", "{\"type\":\"unsubscribe\",\"patterns\":[\"" + p + "\"]}", Expect.answer("ack"));
    }

    private Case history() {
      int limit = r.nextInt(700) - 100;
      return req("history", "{\"type\":\"history\",\"channel\":\"" + channel() + "\",\"limit\":" + limit + "}",
          Expect.answer("ack", "not_found", "limit_exceeded", "invalid_frame"));
    }

    private Case notJson() {
      String text = randomText(1 + r.nextInt(60));
      if (text.trim().startsWith("{")) {
        text = "x" + text;
      }
      return new Case("not json", text, null, null, Expect.answer("bad_json"));
    }

    private Case truncated() {
      String whole = "{\"type\":\"publish\",\"id\":\"" + id() + "\",\"event\":{\"event_name\":\"fuzz.noise\","
          + "\"destination_id\":\"agent:broadcast\",\"payload\":" + randomObject(2) + "}}";
      return new Case("truncated", whole.substring(0, 1 + r.nextInt(whole.length() - 1)), null, null,
          Expect.answer("bad_json"));
    }

    private Case trailingData() {
      return new Case("trailing data", "{\"type\":\"ping\",\"id\":\"" + id() + "\"}" + (r.nextBoolean() ? "{}" : " x"),
          null, null, Expect.answer("bad_json"));
    }

    private Case missingType() {
      return req("missing type", "{\"channel\":\"general\"}", Expect.answer("invalid_frame"));
    }

    private Case unknownType() {
      return req("unknown type", "{\"type\":" + jsonString(randomText(12)) + "}",
          Expect.answer("unknown_type", "invalid_frame"));
    }

    private Case wrongTypes() {
      String[] bodies = {"{\"type\":\"join\",\"channel\":5}", "{\"type\":\"subscribe\",\"patterns\":\"x.y\"}",
          "{\"type\":\"publish\",\"event\":[]}", "{\"type\":\"history\",\"channel\":\"general\",\"limit\":\"ten\"}",
          "{\"type\":\"subscribe\",\"patterns\":[1,2]}", "{\"type\":true}", "{\"type\":\"leave\"}",
          "{\"type\":\"join\",\"channel\":\"general\",\"since\":{\"offset\":-1,\"epoch\":\"e\"}}"};
      return req("wrong types", bodies[r.nextInt(bodies.length)], Expect.answer("invalid_frame"));
    }

    private Case badId() {
      String text = r.nextBoolean() ? "{\"type\":\"list_channels\",\"id\":\"" + "i".repeat(129) + "\"}"
          : "{\"type\":\"list_channels\",\"id\":" + r.nextInt(1000) + "}";
      return new Case("bad id", text, null, null, Expect.answer("invalid_frame"));
    }

    private Case badEventName() {
      String[] names = {"Fuzz.Noise", "single", "", "a..b", "1abc.def", "fuzz.noise.", "a b.c", "x".repeat(300)};
      return req("bad event name", "{\"type\":\"publish\",\"event\":{\"event_name\":"
          + jsonString(names[r.nextInt(names.length)]) + ",\"destination_id\":\"agent:broadcast\"}}",
          Expect.answer("invalid_name"));
    }

    private Case badDestination() {
      String[] dest = {"nowhere:x", "agent:", "channel:bad name", "", "channel:", "agent:has space", "::"};
      return req("bad destination", "{\"type\":\"publish\",\"event\":{\"event_name\":\"fuzz.noise\","
          + "\"destination_id\":" + jsonString(dest[r.nextInt(dest.length)]) + "}}",
          Expect.answer("invalid_destination"));
    }

    private Case unknownEventField() {
      return req("unknown event field", "{\"type\":\"publish\",\"event\":{\"event_name\":\"fuzz.noise\","
          + "\"destination_id\":\"agent:broadcast\",\"priority\":1}}", Expect.answer("invalid_event"));
    }

    private Case forbiddenEvent() {
      if (r.nextBoolean()) {
        return req("spoofed source", "{\"type\":\"publish\",\"event\":{\"event_name\":\"fuzz.noise\","
            + "\"source_id\":\"calm-sender\",\"destination_id\":\"agent:broadcast\"}}", Expect.answer("forbidden"));
      }
      return req("reserved name", "{\"type\":\"publish\",\"event\":{\"event_name\":\"agent.joined\","
          + "\"destination_id\":\"agent:broadcast\"}}", Expect.answer("forbidden"));
    }

    private Case directToNobody() {
      return req("to nobody", "{\"type\":\"publish\",\"event\":{\"event_name\":\"agent.message\",\"requires_response\":"
          + "true,\"destination_id\":\"agent:nobody-" + r.nextInt(100) + "\"}}", Expect.answer("not_found"));
    }

    private Case tooDeep() {
      int depth = 40 + r.nextInt(200);
      return new Case("too deep", "{\"type\":\"ping\",\"x\":" + "[".repeat(depth) + "]".repeat(depth) + "}", null,
          null, Expect.answer("limit_exceeded"));
    }

    private Case badPattern() {
      if (r.nextBoolean()) {
        return req("long pattern", "{\"type\":\"subscribe\",\"patterns\":[\"a." + "b".repeat(300) + "\"]}",
            Expect.answer("limit_exceeded"));
      }
      String[] bad = {"A.b", "a.>.b", "", "a", "a..b", "a.b c"};
      return req("bad pattern", "{\"type\":\"subscribe\",\"patterns\":[" + jsonString(bad[r.nextInt(bad.length)])
          + "]}", Expect.answer("invalid_pattern"));
    }

    private Case connectAgain() {
      return req("connect again", "{\"type\":\"connect\",\"agent_id\":\"calm-receiver\"}",
          Expect.answer("already_connected"));
    }

    private Case mutated() {
      String[] seeds = {"{\"type\":\"ping\",\"id\":\"m\"}", "{\"type\":\"join\",\"id\":\"m\",\"channel\":\"fuzz-1\"}",
          "{\"type\":\"publish\",\"id\":\"m\",\"event\":{\"event_name\":\"fuzz.noise\","
              + "\"destination_id\":\"agent:broadcast\",\"payload\":{\"k\":[1,2,{\"z\":null}]}}}",
          "{\"type\":\"history\",\"id\":\"m\",\"channel\":\"fuzz-2\",\"before\":5,\"limit\":3}",
          "{\"type\":\"subscribe\",\"id\":\"m\",\"patterns\":[\"fuzz.*\"]}"};
      StringBuilder b = new StringBuilder(seeds[r.nextInt(seeds.length)]);
      int edits = 1 + r.nextInt(4);
      for (int i = 0; i < edits; i++) {
        int at = r.nextInt(b.length());
        switch (r.nextInt(3)) {
          case 0 -> b.deleteCharAt(at);
          case 1 -> b.insert(at, randomChar());
          default -> b.setCharAt(at, randomChar());
        }
      }
      return new Case("mutated", b.toString(), null, null, Expect.answer());
    }

    private Case randomStructure() {
      String[] types = {"connect", "publish", "subscribe", "unsubscribe", "join", "leave", "history", "list_agents",
          "list_channels", "members", "ping", "pong"};
      String type = types[r.nextInt(types.length)];
      StringBuilder b = new StringBuilder("{\"type\":\"").append(type).append('"');
      if (r.nextBoolean()) {
        b.append(",\"id\":\"").append(id()).append('"');
      }
      String[] fields = {"channel", "patterns", "event", "since", "before", "after", "limit", "capability",
          "agent_id", "workspace", "recover", "metadata"};
      int n = r.nextInt(4);
      for (int i = 0; i < n; i++) {
        b.append(",\"").append(fields[r.nextInt(fields.length)]).append("\":").append(randomValue(3));
      }
      b.append('}');
      if ("pong".equals(type)) {
        b.setLength(0);
        b.append("{\"type\":\"ping\",\"id\":\"").append(id()).append("\"}");
      }
      return new Case("random structure", b.toString(), null, null, Expect.answer());
    }

    private Case rareClose() {
      switch (r.nextInt(3)) {
        case 0:
          return new Case("binary", null, WebSocketFrame.binaryFrame(Buffer.buffer(randomText(20)), true), null,
              Expect.closed(CloseCodes.UNSUPPORTED_DATA));
        case 1:
          byte[] bytes = ("{\"type\":\"ping\",\"id\":\"" + randomText(10) + "\"}").getBytes(StandardCharsets.UTF_8);
          bytes[1 + r.nextInt(bytes.length - 2)] = (byte) (0xf8 + r.nextInt(8));
          return new Case("invalid utf-8", null, new WebSocketFrameImpl(WebSocketFrameType.TEXT, bytes, true), null,
              Expect.closed(CloseCodes.INVALID_PAYLOAD));
        default:
          char[] big = new char[ServerOptions.DEFAULT_MAX_FRAME_SIZE + 1 + r.nextInt(1000)];
          Arrays.fill(big, 'x');
          return new Case("oversized", null, WebSocketFrame.textFrame(new String(big), true), null,
              Expect.closed(CloseCodes.MESSAGE_TOO_BIG));
      }
    }

    private String randomObject(int depth) {
      StringBuilder b = new StringBuilder("{");
      int n = r.nextInt(4);
      for (int i = 0; i < n; i++) {
        if (i > 0) {
          b.append(',');
        }
        b.append(jsonString(randomText(6))).append(':').append(randomValue(depth - 1));
      }
      return b.append('}').toString();
    }

    private String randomValue(int depth) {
      int pick = r.nextInt(depth <= 0 ? 6 : 8);
      switch (pick) {
        case 0:
          return "null";
        case 1:
          return Boolean.toString(r.nextBoolean());
        case 2:
          return Long.toString(r.nextLong());
        case 3:
          return Double.toString(r.nextDouble() * 1e6);
        case 4:
          return "1e" + r.nextInt(400);
        case 5:
          return jsonString(randomText(r.nextInt(20)));
        case 6:
          StringBuilder arr = new StringBuilder("[");
          int n = r.nextInt(4);
          for (int i = 0; i < n; i++) {
            arr.append(i > 0 ? "," : "").append(randomValue(depth - 1));
          }
          return arr.append(']').toString();
        default:
          return randomObject(depth - 1);
      }
    }

    private String randomText(int length) {
      StringBuilder b = new StringBuilder(length);
      for (int i = 0; i < length; i++) {
        b.append(randomChar());
      }
      return b.toString();
    }

    private char randomChar() {
      int kind = r.nextInt(10);
      if (kind < 6) {
        return (char) (0x20 + r.nextInt(0x5f));
      } else if (kind < 8) {
        return "{}[]\":,\\".charAt(r.nextInt(8));
      } else if (kind < 9) {
        return (char) r.nextInt(0x20);
      }
      char c = (char) (0xa0 + r.nextInt(0xd000));
      return Character.isSurrogate(c) ? '?' : c;
    }

    private static String jsonString(String s) {
      StringBuilder b = new StringBuilder("\"");
      for (char c : s.toCharArray()) {
        if (c == '"' || c == '\\') {
          b.append('\\').append(c);
        } else if (c < 0x20) {
          b.append(String.format("\\u%04x", (int) c));
        } else {
          b.append(c);
        }
      }
      return b.append('"').toString();
    }
  }

}
