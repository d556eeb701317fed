package dev.workspace.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.workspace.model.FrameCodec;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AgentClientOptionsTest {

  @Test
  void defaults() {
    AgentClientOptions o = new AgentClientOptions();
    assertNull(o.getAgentId());
    assertEquals("default", o.getWorkspace());
    assertNull(o.getToken());
    assertNull(o.getMetadata());
    assertNull(o.getSubscriptions());
    assertEquals(Duration.ofSeconds(10), o.getRequestTimeout());
    assertTrue(o.isReconnect());
    assertEquals(Duration.ofMillis(100), o.getReconnectInitialDelay());
    assertEquals(Duration.ofSeconds(10), o.getReconnectMaxDelay());
    assertEquals(1000, o.getReconnectBufferSize());
    assertEquals(10_000, o.getDedupeWindowSize());
    assertEquals(10_000, o.getMaxPendingRequests());
  }

  @Test
  void settersReturnThis() {
    AgentClientOptions o = new AgentClientOptions();
    assertSame(o, o.setAgentId("alice").setWorkspace("team").setToken("t.k.n").setMetadata(Map.of("name", "A"))
        .setSubscriptions(List.of("*")).setRequestTimeout(Duration.ofSeconds(1)).setReconnect(false)
        .setReconnectInitialDelay(Duration.ofMillis(5)).setReconnectMaxDelay(Duration.ofSeconds(1))
        .setReconnectBufferSize(0).setDedupeWindowSize(1).setMaxPendingRequests(1));
  }

  @Test
  void settersRefuseBadValues() {
    AgentClientOptions o = new AgentClientOptions();
    assertThrows(IllegalArgumentException.class, () -> o.setAgentId("bad id"));
    assertThrows(IllegalArgumentException.class, () -> o.setAgentId("-starts-with-dash"));
    assertThrows(IllegalArgumentException.class, () -> o.setAgentId("a".repeat(65)));
    assertThrows(IllegalArgumentException.class, () -> o.setAgentId("system"));
    assertThrows(IllegalArgumentException.class, () -> o.setAgentId("broadcast"));
    assertThrows(NullPointerException.class, () -> o.setWorkspace(null));
    assertThrows(IllegalArgumentException.class, () -> o.setWorkspace("no/slash"));
    assertThrows(IllegalArgumentException.class, () -> o.setToken(""));
    assertThrows(IllegalArgumentException.class, () -> o.setToken("two words"));
    assertThrows(IllegalArgumentException.class, () -> o.setSubscriptions(List.of("*", "single")));
    assertThrows(IllegalArgumentException.class, () -> o.setSubscriptions(List.of("a.>.b")));
    assertThrows(IllegalArgumentException.class, () -> o.setRequestTimeout(Duration.ZERO));
    assertThrows(IllegalArgumentException.class, () -> o.setRequestTimeout(Duration.ofMillis(-5)));
    assertThrows(NullPointerException.class, () -> o.setRequestTimeout(null));
    assertThrows(IllegalArgumentException.class, () -> o.setReconnectInitialDelay(Duration.ofNanos(999_999)));
    assertThrows(IllegalArgumentException.class, () -> o.setReconnectMaxDelay(Duration.ZERO));
    assertThrows(IllegalArgumentException.class, () -> o.setReconnectBufferSize(-1));
    assertThrows(IllegalArgumentException.class, () -> o.setDedupeWindowSize(0));
    assertThrows(IllegalArgumentException.class, () -> o.setMaxPendingRequests(0));
    assertEquals(new AgentClientOptions().toJson(), o.toJson(), "a refused value leaves the options unchanged");
  }

  @Test
  void nullClearsTheOptionalValues() {
    AgentClientOptions o = new AgentClientOptions().setAgentId("a").setToken("t").setMetadata(Map.of("k", 1))
        .setSubscriptions(List.of());
    o.setAgentId(null).setToken(null).setMetadata((ObjectNode) null).setSubscriptions(null);
    assertNull(o.getAgentId());
    assertNull(o.getToken());
    assertNull(o.getMetadata());
    assertNull(o.getSubscriptions());
  }

  @Test
  void metadataFromAMapAndDefensiveCopies() {
    AgentClientOptions o = new AgentClientOptions().setMetadata(Map.of("name", "Alice",
        "capabilities", List.of("search")));
    ObjectNode m = o.getMetadata();
    assertEquals("Alice", m.get("name").asText());
    assertEquals("search", m.get("capabilities").get(0).asText());
    m.put("name", "changed");
    assertEquals("Alice", o.getMetadata().get("name").asText(), "getMetadata returns a copy");

    ObjectNode given = FrameCodec.DEFAULT.mapper().createObjectNode().put("name", "Bob");
    o.setMetadata(given);
    given.put("name", "changed");
    assertEquals("Bob", o.getMetadata().get("name").asText(), "setMetadata copies");
  }

  @Test
  void subscriptionsAreCopied() {
    List<String> patterns = new ArrayList<>(List.of("agent.message"));
    AgentClientOptions o = new AgentClientOptions().setSubscriptions(patterns);
    patterns.add("channel.>");
    assertEquals(List.of("agent.message"), o.getSubscriptions());
    assertThrows(UnsupportedOperationException.class, () -> o.getSubscriptions().add("x.y"));
  }

  @Test
  void theCopyConstructorCopiesDeeply() {
    AgentClientOptions original = full();
    AgentClientOptions copy = new AgentClientOptions(original);
    assertEquals(original.toJson(), copy.toJson());
    assertNotSame(original.getMetadata(), copy.getMetadata());
    original.setMetadata(Map.of("name", "other")).setAgentId("zed").setReconnect(true);
    assertEquals("Alice", copy.getMetadata().get("name").asText());
    assertEquals("alice", copy.getAgentId());
    assertFalse(copy.isReconnect());
  }

  @Test
  void jsonRoundTrip() {
    AgentClientOptions original = full();
    JsonObject json = original.toJson();
    assertEquals(new JsonObject()
        .put("agentId", "alice")
        .put("workspace", "team")
        .put("token", "abc.def")
        .put("metadata", new JsonObject().put("name", "Alice").put("capabilities", new JsonArray()
            .add("search")))
        .put("subscriptions", new JsonArray().add("agent.>").add("channel.message.*"))
        .put("requestTimeoutMs", 2500L)
        .put("reconnect", false)
        .put("reconnectInitialDelayMs", 50L)
        .put("reconnectMaxDelayMs", 5000L)
        .put("reconnectBufferSize", 10)
        .put("dedupeWindowSize", 20)
        .put("maxPendingRequests", 30), json);
    assertEquals(json, new AgentClientOptions(json).toJson());
    assertEquals(json, new AgentClientOptions(new JsonObject(json.encode())).toJson());
  }

  @Test
  void jsonOfTheDefaultsLeavesOutNulls() {
    JsonObject json = new AgentClientOptions().toJson();
    assertFalse(json.containsKey("agentId"));
    assertFalse(json.containsKey("token"));
    assertFalse(json.containsKey("metadata"));
    assertFalse(json.containsKey("subscriptions"));
    assertEquals(json, new AgentClientOptions(new JsonObject()).toJson());
  }

  @Test
  void jsonValuesAreCheckedLikeTheSetters() {
    assertThrows(IllegalArgumentException.class,
        () -> new AgentClientOptions(new JsonObject().put("agentId", "no spaces")));
    assertThrows(IllegalArgumentException.class,
        () -> new AgentClientOptions(new JsonObject().put("requestTimeoutMs", 0)));
    assertThrows(IllegalArgumentException.class,
        () -> new AgentClientOptions(new JsonObject().put("subscriptions", new JsonArray()
            .add("Bad.Pattern"))));
  }

  private static AgentClientOptions full() {
    return new AgentClientOptions()
        .setAgentId("alice")
        .setWorkspace("team")
        .setToken("abc.def")
        .setMetadata(Map.of("name", "Alice", "capabilities", List.of("search")))
        .setSubscriptions(List.of("agent.>", "channel.message.*"))
        .setRequestTimeout(Duration.ofMillis(2500))
        .setReconnect(false)
        .setReconnectInitialDelay(Duration.ofMillis(50))
        .setReconnectMaxDelay(Duration.ofSeconds(5))
        .setReconnectBufferSize(10)
        .setDedupeWindowSize(20)
        .setMaxPendingRequests(30);
  }
}
