package dev.workspace.cli;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** The container health check: exits 0 when the URL answers 200 within 3 seconds, 1 otherwise. */
public final class HealthCheck {
  private HealthCheck() {
  }

  /** @param args the URL to ask, e.g. {@code http://127.0.0.1:8700/health} */
  public static void main(String[] args) {
    try {
      HttpResponse<Void> r = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build()
          .send(HttpRequest.newBuilder(URI.create(args[0])).timeout(Duration.ofSeconds(3)).build(),
              HttpResponse.BodyHandlers.discarding());
      System.exit(r.statusCode() == 200 ? 0 : 1);
    } catch (Exception e) {
      System.exit(1);
    }
  }
}
