package dev.workspace.server.mcp;

import dev.workspace.server.ServerOptions;
import java.util.Locale;

/**
 * DNS-rebinding protection for {@code /mcp}: without tokens, a request must name a loopback host ({@code localhost},
 * {@code 127.0.0.1}, {@code [::1]}, any port) or the address the node listens on, so that a web page on a name that
 * resolves to a developer's loopback cannot drive the agent. With tokens any host is allowed: the token protects.
 */
final class McpHosts {
  private McpHosts() {
  }

  /**
   * @param host the {@code Host} header, or {@code null}
   * @param options the node's options
   * @return whether the request may proceed
   */
  static boolean allowed(String host, ServerOptions options) {
    if (options.getAuthMode() == ServerOptions.AuthMode.TOKEN) {
      return true;
    }
    if (host == null || host.isBlank()) {
      return false;
    }
    String name = hostName(host.trim().toLowerCase(Locale.ROOT));
    if (name.equals("localhost") || name.equals("127.0.0.1") || name.equals("[::1]")) {
      return true;
    }
    String bound = options.getHost().toLowerCase(Locale.ROOT);
    return !bound.equals("0.0.0.0") && !bound.equals("::") && (name.equals(bound) || name.equals("[" + bound + "]"));
  }

  private static String hostName(String host) {
    if (host.startsWith("[")) {
      int end = host.indexOf(']');
      return end < 0 ? host : host.substring(0, end + 1);
    }
    int colon = host.lastIndexOf(':');
    return colon < 0 ? host : host.substring(0, colon);
  }
}
