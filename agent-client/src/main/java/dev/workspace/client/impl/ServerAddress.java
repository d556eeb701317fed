package dev.workspace.client.impl;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Where the server's WebSocket endpoint is, parsed from a {@code ws://} or {@code wss://} URI.
 *
 * @param host the host (without IPv6 brackets)
 * @param port the port; 8700 when the URI has none
 * @param ssl whether the scheme is {@code wss}
 * @param requestUri the path and query sent in the handshake; an empty path or {@code /} means {@code /ws}
 * @param workspace the {@code workspace} query parameter, or {@code null}
 */
record ServerAddress(String host, int port, boolean ssl, String requestUri, String workspace) {
  /** The server's default port. */
  static final int DEFAULT_PORT = 8700;
  /** The WebSocket endpoint's default path. */
  static final String DEFAULT_PATH = "/ws";

  /**
   * @param uri a {@code ws://} or {@code wss://} URI
   * @return the address
   * @throws IllegalArgumentException when the scheme is not {@code ws}/{@code wss} or the host is missing
   */
  static ServerAddress parse(URI uri) {
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("ws") && !scheme.equals("wss")) {
      throw new IllegalArgumentException("the scheme must be ws or wss, was '" + uri.getScheme() + "'");
    }
    String host = uri.getHost();
    if (host == null || host.isEmpty()) {
      throw new IllegalArgumentException("the URI names no host");
    }
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    int port = uri.getPort() < 0 ? DEFAULT_PORT : uri.getPort();
    String rawPath = uri.getRawPath();
    String path = rawPath == null || rawPath.isEmpty() || rawPath.equals("/") ? DEFAULT_PATH : rawPath;
    String query = uri.getRawQuery();
    return new ServerAddress(host, port, scheme.equals("wss"), query == null ? path : path + "?" + query,
        queryParameter(query, "workspace"));
  }

  private static String queryParameter(String rawQuery, String name) {
    if (rawQuery == null) {
      return null;
    }
    for (String pair : rawQuery.split("&")) {
      int eq = pair.indexOf('=');
      String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
      if (key.equals(name)) {
        return eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
      }
    }
    return null;
  }

  /** @return the address as a URI without its query (which may hold a token), for messages */
  @Override
  public String toString() {
    String h = host.indexOf(':') >= 0 ? "[" + host + "]" : host;
    int q = requestUri.indexOf('?');
    return (ssl ? "wss://" : "ws://") + h + ":" + port + (q < 0 ? requestUri : requestUri.substring(0, q));
  }
}
