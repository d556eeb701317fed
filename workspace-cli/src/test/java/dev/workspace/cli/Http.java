package dev.workspace.cli;

import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.function.Predicate;

/** Plain HTTP GETs against a node, and waiting until one answers as expected. */
final class Http {
  private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private Http() {
  }

  static HttpResponse<String> get(int port, String path) throws Exception {
    return CLIENT.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
  }

  static JsonObject json(int port, String path) throws Exception {
    return new JsonObject(get(port, path).body());
  }

  /** Asks every 50 ms until the answer matches, failing after the limit with the last answer. */
  static HttpResponse<String> until(int port, String path, Predicate<HttpResponse<String>> match, Duration limit)
      throws Exception {
    long deadline = System.nanoTime() + limit.toNanos();
    HttpResponse<String> last = null;
    while (System.nanoTime() < deadline) {
      try {
        last = get(port, path);
        if (match.test(last)) {
          return last;
        }
      } catch (java.io.IOException e) {
        // not answering yet, or any more
      }
      Thread.sleep(50);
    }
    throw new AssertionError(path + " on " + port + " did not answer as expected within " + limit + "; last: "
        + (last == null ? "no answer" : last.statusCode() + " " + last.body()));
  }
}
