package dev.workspace.server.edge;

import dev.workspace.server.session.Access;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The web console: a single-page app (built from {@code console/} and packed into the jar under {@code console/})
 * served at {@code GET /console}, its script and style sheet beside it. Every answer carries a strict
 * {@code Content-Security-Policy} (scripts, styles and connections from this origin only, no inline code, no
 * framing). The page holds no workspace data; everything it shows comes over {@code /ws} and {@code /api/} with
 * the same credentials as any agent. In token mode the page itself is answered with 401 and
 * {@code WWW-Authenticate: Bearer} unless the request carries a valid {@code Authorization: Bearer} token; its body
 * is then the page's sign-in form, which takes a token typed in or given in the URL fragment ({@code #token=...},
 * which browsers never send to the server).
 */
public final class ConsolePage {
  /** The policy on every console answer. */
  public static final String CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; "
      + "img-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

  private static final Logger LOG = LoggerFactory.getLogger(ConsolePage.class);
  private static final Map<String, String> FILES = Map.of(
      "index.html", "text/html; charset=utf-8",
      "console.js", "text/javascript; charset=utf-8",
      "console.css", "text/css; charset=utf-8",
      "favicon.svg", "image/svg+xml");
  private static volatile Map<String, Buffer> loaded;

  private final Authenticator authenticator;

  /** @param authenticator checks the token of the page in token mode */
  public ConsolePage(Authenticator authenticator) {
    this.authenticator = authenticator;
  }

  /**
   * Adds {@code GET /console}, {@code /console/} and the page's assets to the router.
   *
   * @param router the node's router
   */
  public void mount(Router router) {
    router.get("/console").handler(this::page);
    router.get("/console/").handler(this::page);
    for (String name : FILES.keySet()) {
      if (!name.equals("index.html")) {
        router.get("/console/" + name).handler(ctx -> {
          if (loaded == null || loaded.isEmpty()) {
            ctx.next();
          } else {
            send(ctx, 200, name);
          }
        });
      }
    }
  }

  /**
   * Reads the console's files from the class path, once per process, off the event loop.
   *
   * @param vertx the Vert.x instance
   * @return completes when they are read (or found missing, which is logged and leaves the routes answering 404)
   */
  public static Future<Void> load(Vertx vertx) {
    if (loaded != null) {
      return Future.succeededFuture();
    }
    return vertx.executeBlocking(() -> {
      files();
      return null;
    });
  }

  private void page(RoutingContext ctx) {
    if (loaded == null || loaded.isEmpty()) {
      ctx.next();
      return;
    }
    if (!authenticator.required()) {
      send(ctx, 200, "index.html");
      return;
    }
    String header = ctx.request().getHeader("Authorization");
    if (header == null) {
      refuse(ctx);
      return;
    }
    String token;
    try {
      token = Access.bearer(header);
    } catch (RuntimeException e) {
      refuse(ctx);
      return;
    }
    authenticator.verify(token).onComplete(ar -> {
      if (ar.succeeded()) {
        send(ctx, 200, "index.html");
      } else {
        refuse(ctx);
      }
    });
  }

  private void refuse(RoutingContext ctx) {
    ctx.response().putHeader("WWW-Authenticate", "Bearer realm=\"workspace\"");
    send(ctx, 401, "index.html");
  }

  private static void send(RoutingContext ctx, int status, String name) {
    HttpServerResponse r = ctx.response().setStatusCode(status)
        .putHeader("Content-Type", FILES.get(name))
        .putHeader("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        .putHeader("X-Content-Type-Options", "nosniff")
        .putHeader("X-Frame-Options", "DENY")
        .putHeader("Referrer-Policy", "no-referrer")
        .putHeader("Cross-Origin-Opener-Policy", "same-origin")
        .putHeader("Cache-Control", "no-cache");
    r.end(loaded.get(name));
  }

  private static synchronized void files() {
    if (loaded == null) {
      Map<String, Buffer> f = new LinkedHashMap<>();
      for (String name : FILES.keySet()) {
        try (InputStream in = ConsolePage.class.getResourceAsStream("/console/" + name)) {
          if (in == null) {
            LOG.warn("the console is on but {} is not in the jar; GET /console answers 404", name);
            loaded = Map.of();
            return;
          }
          f.put(name, Buffer.buffer(in.readAllBytes()));
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
      loaded = f;
    }
  }
}
