package dev.workspace.server.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.workspace.server.ServerOptions;
import dev.workspace.server.WorkspaceServer;
import dev.workspace.server.edge.ConsolePage;
import dev.workspace.server.testing.RawClient;
import dev.workspace.server.testing.TestServers;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The web console's route: the page and its assets are served with their types and a strict Content-Security-Policy
 * on the loopback server with no configuration; the option turns it off; in token mode the page is refused without
 * a valid token (with its sign-in form as the body) and served with one.
 */
class ConsoleRouteTest {
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private WorkspaceServer server;
  private Vertx vertx;

  @AfterEach
  void stop() {
    if (server != null) {
      RawClient.await(server.close());
    }
    if (vertx != null) {
      RawClient.await(vertx.close());
    }
  }

  @Test
  void servedByDefaultWithTypesAndAStrictPolicy() throws Exception {
    server = TestServers.start(TestServers.options());
    Map<String, String> types = Map.of("/console", "text/html; charset=utf-8",
        "/console/", "text/html; charset=utf-8",
        "/console/console.js", "text/javascript; charset=utf-8",
        "/console/console.css", "text/css; charset=utf-8",
        "/console/favicon.svg", "image/svg+xml");
    for (Map.Entry<String, String> e : types.entrySet()) {
      HttpResponse<String> r = get(e.getKey(), null);
      assertEquals(200, r.statusCode(), e.getKey());
      assertEquals(e.getValue(), r.headers().firstValue("Content-Type").orElse(""), e.getKey());
      assertEquals(ConsolePage.CONTENT_SECURITY_POLICY,
          r.headers().firstValue("Content-Security-Policy").orElse(""), e.getKey());
      assertEquals("nosniff", r.headers().firstValue("X-Content-Type-Options").orElse(""), e.getKey());
      assertEquals("DENY", r.headers().firstValue("X-Frame-Options").orElse(""), e.getKey());
      assertTrue(r.body().length() > 50, e.getKey());
    }
    String policy = ConsolePage.CONTENT_SECURITY_POLICY;
    assertTrue(policy.contains("default-src 'none'") && policy.contains("script-src 'self';")
        && !policy.contains("unsafe-inline") && !policy.contains("unsafe-eval") && policy.contains(
            "frame-ancestors 'none'"), policy);
    String page = get("/console", null).body();
    assertTrue(page.contains("<script type=\"module\" src=\"/console/console.js\"></script>"), page);
    assertTrue(!page.contains("<script>") && !page.contains("style="), "no inline script or style: " + page);
    assertEquals(404, get("/console/nothing.js", null).statusCode());
  }

  @Test
  void theOptionTurnsItOff() throws Exception {
    server = TestServers.start(TestServers.options().setConsole(false));
    for (String path : List.of("/console", "/console/", "/console/console.js", "/console/console.css")) {
      HttpResponse<String> r = get(path, null);
      assertEquals(404, r.statusCode(), path);
      assertTrue(r.body().contains("\"not_found\""), r.body());
    }
    assertEquals(200, get("/health", null).statusCode());
    assertEquals(false, new ServerOptions(new io.vertx.core.json.JsonObject(
        "{\"network\":{\"console\":false}}")).isConsole());
    assertEquals(true, new ServerOptions().isConsole());
  }

  @Test
  void tokenModeRefusesThePageWithoutAValidToken() throws Exception {
    vertx = Vertx.vertx();
    Tokens tokens = new Tokens(vertx);
    server = TestServers.start(Tokens.tokenMode(TestServers.options()));
    for (String auth : new String[] {null, "Bearer " + tokens.expired("alice", "default"),
        "Bearer " + tokens.wrongSignature("alice", "default"), "Basic YWxpY2U6c2VjcmV0", "Bearer"}) {
      HttpResponse<String> r = get("/console", auth);
      assertEquals(401, r.statusCode(), String.valueOf(auth));
      assertEquals("Bearer realm=\"workspace\"", r.headers().firstValue("WWW-Authenticate").orElse(""));
      assertEquals(ConsolePage.CONTENT_SECURITY_POLICY, r.headers().firstValue("Content-Security-Policy").orElse(""));
      assertTrue(r.body().contains("/console/console.js"), "the body is the page, which asks for a token");
    }
    HttpResponse<String> ok = get("/console", "Bearer " + tokens.valid("alice", "default"));
    assertEquals(200, ok.statusCode());
    assertEquals("text/html; charset=utf-8", ok.headers().firstValue("Content-Type").orElse(""));
    assertEquals(200, get("/console/console.js", null).statusCode(), "the code holds no data and needs no token");
    assertEquals(401, get("/api/agents", null).statusCode(), "what the page shows needs the token");
  }

  private HttpResponse<String> get(String path, String authorization) throws IOException, InterruptedException {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path)).GET();
    if (authorization != null) {
      b.header("Authorization", authorization);
    }
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }
}
