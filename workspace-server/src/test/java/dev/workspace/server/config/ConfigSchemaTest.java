package dev.workspace.server.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.workspace.server.ServerOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigSchemaTest {
  private static final ConfigSchema<ServerOptions> SCHEMA = ServerOptions.SCHEMA;

  @Test
  void everyOptionHasItsOwnFlagEnvironmentVariableAndKey() {
    Set<String> flags = new HashSet<>();
    Set<String> envs = new HashSet<>();
    Set<String> keys = new HashSet<>();
    for (ConfigSchema.Entry e : SCHEMA.entries()) {
      assertTrue(e.flag() == null || flags.add(e.flag()), e.flag());
      assertTrue(envs.add(e.env()), e.env());
      assertTrue(keys.add(e.path()), e.path());
      assertTrue(e.setting().description().length() > 10, e.path());
    }
    assertTrue(SCHEMA.entries().size() >= 35, "options: " + SCHEMA.entries().size());
    assertEquals("--max-frame-size", SCHEMA.byName("max-frame-size").flag());
    assertEquals("WORKSPACE_MAX_FRAME_SIZE", SCHEMA.byName("max-frame-size").env());
    assertEquals("limits.maxFrameSize", SCHEMA.byName("max-frame-size").path());
    assertNull(SCHEMA.byName("jwt-secret").flag(), "a secret has no flag");
    assertEquals("--jwt-secret-file", SCHEMA.byName("jwt-secret").fileFlag());
  }

  @Test
  void jsonRoundTripKeepsEveryOption() {
    ServerOptions o = new ServerOptions().setPort(9123).setHost("0.0.0.0").setRedisUri("redis://127.0.0.1:7000")
        .setClusterNodeTimeout(Duration.ofMillis(1500)).setHistorySize(77).setAllowedOrigins(List.of("https://a.b"))
        .setAuthMode(ServerOptions.AuthMode.TOKEN).setJwtSecret("s".repeat(40)).setMaxFrameSize(2048);
    o.getShutdown().setDrainTimeout(Duration.ofSeconds(3));
    o.getLogging().setLogFormat(dev.workspace.server.LogOptions.Format.JSON);
    JsonObject json = o.toJson();
    assertEquals("1500ms", json.getJsonObject("cluster").getString("clusterNodeTimeout"));
    assertEquals(new JsonArray().add("https://a.b"), json.getJsonObject("security").getJsonArray("allowedOrigins"));
    ServerOptions back = new ServerOptions(json);
    assertEquals(json, back.toJson());
    assertEquals(9123, back.getPort());
    assertEquals("token", json.getJsonObject("security").getString("auth"));
    assertEquals("********", o.toMaskedJson().getJsonObject("security").getString("jwtSecret"));
  }

  @Test
  void unknownKeysAndBadValuesNameTheKey() {
    ConfigException unknown = assertThrows(ConfigException.class, () -> new ServerOptions(
        new JsonObject().put("limits", new JsonObject().put("maxFramSize", 2048))));
    assertTrue(unknown.getMessage().contains("limits.maxFramSize"), unknown.getMessage());
    ConfigException group = assertThrows(ConfigException.class, () -> new ServerOptions(
        new JsonObject().put("limitz", new JsonObject())));
    assertTrue(group.getMessage().contains("'limitz'"), group.getMessage());
    ConfigException bad = assertThrows(ConfigException.class, () -> new ServerOptions(
        new JsonObject().put("network", new JsonObject().put("port", "eighty"))));
    assertTrue(bad.getMessage().startsWith("network.port"), bad.getMessage());
    ConfigException range = assertThrows(ConfigException.class, () -> new ServerOptions(
        new JsonObject().put("limits", new JsonObject().put("maxFrameSize", 10))));
    assertTrue(range.getMessage().contains("limits.maxFrameSize") && range.getMessage().contains("1024"),
        range.getMessage());
    ConfigException duration = assertThrows(ConfigException.class, () -> new ServerOptions(
        new JsonObject().put("limits", new JsonObject().put("pingInterval", "10 parsecs"))));
    assertTrue(duration.getMessage().contains("limits.pingInterval"), duration.getMessage());
    ConfigException mode = assertThrows(ConfigException.class, () -> SCHEMA.applyEnv(new ServerOptions(),
        Map.of("WORKSPACE_AUTH", "maybe")));
    assertTrue(mode.getMessage().contains("WORKSPACE_AUTH") && mode.getMessage().contains("none, token"),
        mode.getMessage());
  }

  @Test
  void environmentReadsValuesAndFilesAndLeavesOtherVariablesAlone(@TempDir Path dir) throws Exception {
    Path secret = dir.resolve("secret");
    Files.writeString(secret, "x".repeat(32) + "\n");
    ServerOptions o = new ServerOptions();
    SCHEMA.applyEnv(o, Map.of("WORKSPACE_PORT", "8123", "WORKSPACE_JWT_SECRET_FILE", secret.toString(),
        "WORKSPACE_ALLOWED_ORIGINS", "https://a.example, http://localhost:3000", "WORKSPACE_JAVA_OPTS", "-Xmx1g",
        "WORKSPACE_INBOX_RETENTION", "2m"));
    assertEquals(8123, o.getPort());
    assertEquals("x".repeat(32), o.getJwtSecret());
    assertEquals(List.of("https://a.example", "http://localhost:3000"), o.getAllowedOrigins());
    assertEquals(Duration.ofMinutes(2), o.getInboxRetention());
  }

  @Test
  void yamlFilesReadLikeJson(@TempDir Path dir) throws Exception {
    Path yaml = dir.resolve("w.yaml");
    Files.writeString(yaml, "network:\n  port: 8124\nsecurity:\n  allowedOrigins: [\"https://x.y\"]\n"
        + "streams:\n  inboxRetention: 90s\n");
    ServerOptions o = new ServerOptions();
    SCHEMA.apply(o, ConfigFiles.read(yaml), yaml.toString());
    assertEquals(8124, o.getPort());
    assertEquals(List.of("https://x.y"), o.getAllowedOrigins());
    assertEquals(Duration.ofSeconds(90), o.getInboxRetention());
  }

  @Test
  void durationsReadAndPrintInTheirUnits() {
    assertEquals(Duration.ofMillis(250), Durations.parse("250ms"));
    assertEquals(Duration.ofSeconds(10), Durations.parse("10s"));
    assertEquals(Duration.ofMinutes(5), Durations.parse("5m"));
    assertEquals(Duration.ofSeconds(10), Durations.parse("PT10S"));
    assertThrows(IllegalArgumentException.class, () -> Durations.parse("10"));
    assertEquals("250ms", Durations.format(Duration.ofMillis(250)));
    assertEquals("90s", Durations.format(Duration.ofSeconds(90)));
    assertEquals("2h", Durations.format(Duration.ofHours(2)));
  }

  @Test
  void theConfigurationDocumentIsGeneratedFromTheOptions() throws Exception {
    String onDisk = Files.readString(Path.of("..", "docs", "CONFIGURATION.md"), StandardCharsets.UTF_8);
    assertEquals(ConfigurationDoc.markdown(), onDisk,
        "docs/CONFIGURATION.md is stale: run scripts/workspace config --markdown > docs/CONFIGURATION.md");
  }
}
