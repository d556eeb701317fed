package dev.workspace.server.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.workspace.model.CloseCodes;
import dev.workspace.server.WorkspaceServer;
import dev.workspace.server.testing.RawClient;
import dev.workspace.server.testing.TestServers;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * No one acts as someone else or crosses into another workspace: the server stamps {@code source_id}, refuses an
 * event naming another agent and delivers it to no one; channel permissions from the token hold on join, post,
 * history, members, listings, recovery and takeover; REST obeys the same rules.
 */
class IdentityAndPermissionsTest {
  private static final String POST = "{\"type\":\"publish\",\"event\":{\"event_name\":\"channel.message.posted\","
      + "\"destination_id\":\"channel:%s\",%s\"payload\":{\"text\":\"%s\"}}}";

  private Vertx vertx;
  private WorkspaceServer server;
  private Tokens tokens;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    tokens = new Tokens(vertx);
    server = TestServers.start(Tokens.tokenMode(TestServers.options()));
  }

  @AfterEach
  void stop() {
    RawClient.await(server.close());
    RawClient.await(vertx.close());
  }

  @Test
  void spoofedSourceIdIsForbiddenAndDeliveredToNoOne() {
    try (RawClient alice = agent("alice", null, "[\"channel.message.posted\",\"agent.message\"]");
        RawClient bob = agent("bob", null, "[\"channel.message.posted\",\"agent.message\"]");
        RawClient carol = agent("carol", null, "[\"channel.message.posted\",\"agent.message\"]")) {
      for (RawClient c : List.of(alice, bob, carol)) {
        assertEquals("ack", c.request("{\"type\":\"join\",\"channel\":\"general\"}").get("type").asText());
      }
      ObjectNode err = alice.request(String.format(POST, "general", "\"source_id\":\"bob\",", "I am bob"));
      assertEquals("forbidden", err.get("code").asText());
      ObjectNode dm = alice.request("{\"type\":\"publish\",\"event\":{\"event_name\":\"agent.message\","
          + "\"source_id\":\"carol\",\"destination_id\":\"agent:bob\",\"payload\":{}}}");
      assertEquals("forbidden", dm.get("code").asText());
      ObjectNode history = bob.request("{\"type\":\"history\",\"channel\":\"general\"}");
      assertEquals(0, history.get("result").get("events").size());
      bob.assertNothingElse();
      carol.assertNothingElse();

      assertEquals("ack", alice.request(String.format(POST, "general", "\"source_id\":\"alice\",", "hi")).get("type")
          .asText());
      assertEquals("alice", bob.nextEvent().get("source_id").asText());
      assertEquals("alice", carol.nextEvent().get("source_id").asText());
      assertEquals("ack", alice.request(String.format(POST, "general", "", "stamped")).get("type").asText());
      assertEquals("alice", bob.nextEvent().get("source_id").asText());
      assertEquals("alice", carol.nextEvent().get("source_id").asText());
      alice.assertNothingElse();
      bob.assertNothingElse();
      carol.assertNothingElse();
    }
  }

  @Test
  void nothingCrossesBetweenWorkspaces() {
    try (RawClient a = agent("alice", null, null);
        RawClient twin = RawClient.open(vertx, server.port(), "/ws", bearer(tokens.valid("twin", "beta")))) {
      assertEquals("ack", twin.request("{\"type\":\"connect\"}").get("type").asText());
      assertEquals("not_found", a.request("{\"type\":\"publish\",\"event\":{\"event_name\":\"agent.message\","
          + "\"destination_id\":\"agent:twin\",\"payload\":{}}}").get("code").asText());
      assertEquals("ack", a.request("{\"type\":\"publish\",\"event\":{\"event_name\":\"agent.broadcast\","
          + "\"destination_id\":\"agent:broadcast\",\"payload\":{}}}").get("type").asText());
      a.request("{\"type\":\"join\",\"channel\":\"general\"}");
      twin.request("{\"type\":\"join\",\"channel\":\"general\"}");
      a.request(String.format(POST, "general", "", "alpha only"));
      ObjectNode agents = twin.request("{\"type\":\"list_agents\"}");
      assertEquals(1, agents.get("result").get("agents").size());
      assertEquals("twin", agents.get("result").get("agents").get(0).get("agent_id").asText());
      twin.assertNothingElse();
      a.assertNothingElse();
    }
    String alphaToken = tokens.valid("alice", "alpha");
    try (RawClient c = RawClient.open(vertx, server.port(), "/ws", bearer(alphaToken))) {
      c.request("{\"type\":\"connect\",\"workspace\":\"beta\"}");
      assertEquals(CloseCodes.FORBIDDEN_WORKSPACE, c.awaitClose());
    }
    Wire.Response rest = Wire.http(vertx, server.port(), HttpMethod.GET, "/api/channels?workspace=beta",
        bearer(alphaToken), null);
    assertEquals(403, rest.status());
    assertEquals("forbidden", rest.json().get("code").asText());
  }

  @Test
  void channelPermissionsHoldOnEveryChannelRequest() {
    try (RawClient owner = agent("owner", null, "[]");
        RawClient limited = agent("limited", List.of("general", "team-*"), null)) {
      owner.request("{\"type\":\"join\",\"channel\":\"secret\"}");
      owner.request(String.format(POST, "secret", "", "classified"));

      for (String frame : List.of("{\"type\":\"join\",\"channel\":\"secret\"}",
          "{\"type\":\"history\",\"channel\":\"secret\"}", "{\"type\":\"members\",\"channel\":\"secret\"}",
          String.format(POST, "secret", "", "let me in"), "{\"type\":\"join\",\"channel\":\"team\"}")) {
        ObjectNode err = limited.request(frame);
        assertEquals("forbidden", err.get("code").asText(), frame);
      }
      assertEquals("ack", limited.request("{\"type\":\"join\",\"channel\":\"team-red\"}").get("type").asText());
      assertEquals("ack", limited.request("{\"type\":\"join\",\"channel\":\"general\"}").get("type").asText());
      ObjectNode channels = limited.request("{\"type\":\"list_channels\"}");
      for (var c : channels.get("result").get("channels")) {
        assertFalse(c.get("name").asText().equals("secret"), channels.toString());
      }
      assertEquals(3, owner.request("{\"type\":\"list_channels\"}").get("result").get("channels").size());
      limited.assertNothingElse();

      Map<String, String> limitedRest = bearer(tokens.withChannels("limited", "alpha", List.of("general", "team-*")));
      assertEquals(403, Wire.http(vertx, server.port(), HttpMethod.GET, "/api/channels/secret/messages", limitedRest,
          null).status());
      assertEquals(403, Wire.http(vertx, server.port(), HttpMethod.POST, "/api/events", limitedRest,
          "{\"event_name\":\"channel.message.posted\",\"destination_id\":\"channel:secret\",\"payload\":{}}")
          .status());
      Wire.Response list = Wire.http(vertx, server.port(), HttpMethod.GET, "/api/channels", limitedRest, null);
      assertEquals(2, list.json().get("channels").size(), list.body());
      assertEquals(200, Wire.http(vertx, server.port(), HttpMethod.GET, "/api/channels/general/messages",
          limitedRest, null).status());
      owner.assertNothingElse();
    }
  }

  @Test
  void recoveringAForbiddenChannelIsRefused() {
    try (RawClient c = RawClient.open(vertx, server.port(), "/ws",
        bearer(tokens.withChannels("limited", "alpha", List.of("general"))))) {
      ObjectNode err = c.request("{\"type\":\"connect\",\"recover\":{\"channels\":{\"secret\":{\"offset\":0,"
          + "\"epoch\":\"x\"}}}}");
      assertEquals("forbidden", err.get("code").asText());
      assertEquals("ack", c.request("{\"type\":\"connect\"}").get("type").asText());
    }
  }

  @Test
  void takeoverWithANarrowerTokenDoesNotInheritForbiddenChannels() {
    try (RawClient owner = agent("owner", null, null)) {
      owner.request("{\"type\":\"join\",\"channel\":\"secret\"}");
      try (RawClient wide = agent("shifty", null, "[]")) {
        wide.request("{\"type\":\"join\",\"channel\":\"secret\"}");
        wide.request("{\"type\":\"join\",\"channel\":\"general\"}");
        try (RawClient narrow = agent("shifty", List.of("general"), "[]")) {
          assertEquals(CloseCodes.REPLACED, wide.awaitClose());
          ObjectNode members = owner.request("{\"type\":\"members\",\"channel\":\"secret\"}");
          assertEquals("[\"owner\"]", members.get("result").get("members").toString());
          ObjectNode general = owner.request("{\"type\":\"members\",\"channel\":\"general\"}");
          assertEquals("[\"shifty\"]", general.get("result").get("members").toString());
          owner.request(String.format(POST, "secret", "", "not for shifty"));
          narrow.assertNothingElse();
        }
      }
    }
  }

  private RawClient agent(String id, List<String> channels, String subscriptions) {
    String token = channels == null ? tokens.valid(id, "alpha") : tokens.withChannels(id, "alpha", channels);
    RawClient c = RawClient.open(vertx, server.port(), "/ws", bearer(token));
    ObjectNode ack = c.request("{\"type\":\"connect\"" + (subscriptions == null ? "" : ",\"subscriptions\":"
        + subscriptions) + "}");
    assertEquals("ack", ack.get("type").asText(), ack.toString());
    return c;
  }

  private static Map<String, String> bearer(String token) {
    return Map.of("Authorization", "Bearer " + token);
  }
}
