package dev.workspace.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The packaged {@code workspace} jar, run as a process: help, versions, configuration layers. */
class CommandLineIT {
  private static final List<String> COMMANDS = List.of("server", "config", "token", "pub", "sub", "post",
      "request", "history", "agents", "channels");
  private static final String SECRET = "0123456789abcdef0123456789abcdef-secret";

  @Test
  void everyCommandAnswersHelpAndVersion() throws Exception {
    Proc top = Proc.run(Map.of(), "--help");
    assertEquals(0, top.exit(), top.stderrText());
    for (String c : COMMANDS) {
      assertTrue(top.stdout().stream().anyMatch(l -> l.startsWith("  " + c + " ")), c + " in " + top.stdoutText());
    }
    Proc version = Proc.run(Map.of(), "--version");
    assertEquals(0, version.exit());
    assertTrue(version.stdoutText().matches("workspace \\d+\\.\\d+\\.\\d+(-SNAPSHOT)? \\(Java .*\\)"),
        version.stdoutText());
    for (String c : COMMANDS) {
      Proc help = Proc.run(Map.of(), c, "--help");
      assertEquals(0, help.exit(), c + ": " + help.stderrText());
      assertTrue(help.stdout().get(0).startsWith("Usage: workspace " + c), c + ": " + help.stdoutText());
      assertTrue(help.stdoutText().contains("--version"), c);
      Proc v = Proc.run(Map.of(), c, "--version");
      assertEquals(0, v.exit(), c);
      assertEquals(version.stdoutText(), v.stdoutText(), c);
    }
  }

  @Test
  void badFlagsAndMissingCommandsExitWithUsageStatus() throws Exception {
    Proc none = Proc.run(Map.of());
    assertEquals(2, none.exit());
    assertTrue(none.stderrText().contains("name a command"), none.stderrText());
    Proc unknown = Proc.run(Map.of(), "server", "--no-such-flag");
    assertEquals(2, unknown.exit());
    assertTrue(unknown.stderrText().contains("--no-such-flag"), unknown.stderrText());
    Proc bad = Proc.run(Map.of(), "server", "--port", "eighty");
    assertEquals(2, bad.exit());
    assertTrue(bad.stderrText().contains("network.port (--port)"), bad.stderrText());
    assertTrue(bad.stdout().isEmpty());
  }

  @Test
  void layersWinInOrderDefaultsFileEnvironmentFlags(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("workspace.yaml");
    Files.writeString(file, "cluster:\n  nodeId: from-file\nstreams:\n  historySize: 11\n  inboxSize: 12\n"
        + "limits:\n  maxSubscriptions: 13\n  pingInterval: 7s\n");
    Map<String, String> env = Map.of("WORKSPACE_CONFIG", file.toString(), "WORKSPACE_NODE_ID", "from-env",
        "WORKSPACE_INBOX_SIZE", "22", "WORKSPACE_MAX_SUBSCRIPTIONS", "23");
    Proc config = Proc.run(env, "config", "--max-subscriptions", "33");
    assertEquals(0, config.exit(), config.stderrText());
    JsonObject printed = new JsonObject(config.stdoutText());
    assertEquals("from-env", printed.getJsonObject("cluster").getString("nodeId"));
    assertEquals(11, printed.getJsonObject("streams").getInteger("historySize"), "file over default");
    assertEquals(22, printed.getJsonObject("streams").getInteger("inboxSize"), "environment over file");
    assertEquals(33, printed.getJsonObject("limits").getInteger("maxSubscriptions"), "flag over environment");
    assertEquals("7s", printed.getJsonObject("limits").getString("pingInterval"));
    assertEquals("25s", new JsonObject(Proc.run(Map.of(), "config").stdoutText()).getJsonObject("limits")
        .getString("pingInterval"), "default");

    try (Proc server = Proc.start(env, "server", "--port", "0", "--max-subscriptions", "33")) {
      String started = server.awaitErr(l -> l.contains("starting with configuration"), Duration.ofSeconds(30));
      JsonObject effective = new JsonObject(started.substring(started.indexOf('{')));
      assertEquals(printed.getJsonObject("streams"), effective.getJsonObject("streams"));
      assertEquals(printed.getJsonObject("limits"), effective.getJsonObject("limits"));
      String listening = server.awaitErr(l -> l.contains("listening on"), Duration.ofSeconds(30));
      int port = Integer.parseInt(listening.replaceAll(".*listening on [^:]+:(\\d+).*", "$1"));
      HttpResponse<String> health = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
          URI.create("http://127.0.0.1:" + port + "/health")).build(), HttpResponse.BodyHandlers.ofString());
      assertEquals("from-env", new JsonObject(health.body()).getString("node_id"));
      server.signalTerm();
      assertEquals(0, server.waitFor(Duration.ofSeconds(30)), server.stderrText());
    }
  }

  @Test
  void anUnknownKeyOrBadValueStopsTheStartNamingIt(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("workspace.json");
    Files.writeString(file, "{\"limits\": {\"maxFramSize\": 2048}}");
    Proc unknown = Proc.run(Map.of(), "server", "--port", "0", "--config", file.toString());
    assertEquals(2, unknown.exit());
    assertTrue(unknown.stderrText().contains("unknown configuration key 'limits.maxFramSize' in " + file),
        unknown.stderrText());
    assertFalse(unknown.stderrText().contains("listening"));
    Proc badEnv = Proc.run(Map.of("WORKSPACE_CLUSTER_NODE_TIMEOUT", "soon"), "server", "--port", "0");
    assertEquals(2, badEnv.exit());
    assertTrue(badEnv.stderrText().contains("cluster.clusterNodeTimeout (WORKSPACE_CLUSTER_NODE_TIMEOUT)"),
        badEnv.stderrText());
  }

  @Test
  void configMasksSecrets(@TempDir Path dir) throws Exception {
    Path secretFile = dir.resolve("jwt");
    Files.writeString(secretFile, SECRET + "\n");
    Proc fromFile = Proc.run(Map.of("WORKSPACE_REDIS_URI", "redis://app:hunter2-password@127.0.0.1:6390"),
        "config", "--auth", "token", "--jwt-secret-file", secretFile.toString());
    assertEquals(0, fromFile.exit(), fromFile.stderrText());
    JsonObject printed = new JsonObject(fromFile.stdoutText());
    assertEquals("********", printed.getJsonObject("security").getString("jwtSecret"));
    assertEquals("token", printed.getJsonObject("security").getString("auth"));
    assertEquals("redis://app:****@127.0.0.1:6390", printed.getJsonObject("cluster").getString("redisUri"));
    assertFalse(fromFile.stdoutText().contains(SECRET));
    assertFalse(fromFile.stdoutText().contains("hunter2"));
    Proc fromEnv = Proc.run(Map.of("WORKSPACE_JWT_SECRET", SECRET), "config");
    assertFalse(fromEnv.stdoutText().contains(SECRET));
    assertEquals("********", new JsonObject(fromEnv.stdoutText()).getJsonObject("security").getString("jwtSecret"));
    Proc noFlag = Proc.run(Map.of(), "config", "--jwt-secret", SECRET);
    assertEquals(2, noFlag.exit(), "a secret has no flag");
  }

  @Test
  void tokenMintsWhatTheServerChecks() throws Exception {
    Proc token = Proc.run(Map.of("WORKSPACE_JWT_SECRET", SECRET), "token", "--agent", "alice", "--ttl", "2m",
        "--channels", "general,team-*");
    assertEquals(0, token.exit(), token.stderrText());
    String[] parts = token.stdoutText().split("\\.");
    assertEquals(3, parts.length);
    JsonObject claims = new JsonObject(new String(java.util.Base64.getUrlDecoder().decode(parts[1])));
    assertEquals("alice", claims.getString("sub"));
    assertEquals("default", claims.getString("ws"));
    assertEquals(120, claims.getLong("exp") - claims.getLong("iat"));
    assertEquals(List.of("general", "team-*"), claims.getJsonArray("channels").getList());
    Proc noSecret = Proc.run(Map.of(), "token", "--agent", "alice");
    assertEquals(2, noSecret.exit());
    assertTrue(noSecret.stderrText().contains("WORKSPACE_JWT_SECRET"), noSecret.stderrText());
  }
}
