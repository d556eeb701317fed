package dev.workspace.examples;

/**
 * Where the examples connect: {@code WORKSPACE_HOST} (default {@code 127.0.0.1}) and {@code WORKSPACE_PORT}
 * (default 8700).
 */
final class Endpoint {
  static final String HOST = env("WORKSPACE_HOST", "127.0.0.1");
  static final int PORT = Integer.parseInt(env("WORKSPACE_PORT", "8700"));

  private Endpoint() {
  }

  private static String env(String name, String fallback) {
    String v = System.getenv(name);
    return v == null || v.isBlank() ? fallback : v;
  }
}
