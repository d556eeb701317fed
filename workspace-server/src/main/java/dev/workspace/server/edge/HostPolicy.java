package dev.workspace.server.edge;

import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The guard against DNS rebinding: in open mode a web page on a name that resolves to this machine would otherwise
 * count as same-origin and use the server. Open mode therefore accepts only a {@code Host} of {@code localhost},
 * {@code 127.0.0.1} or {@code [::1]}, with any port, or a name configured with {@code --allowed-hosts}; in token
 * mode, where a browser sends no credentials by itself, every {@code Host} is accepted. It applies to every HTTP
 * route of the node (the WebSocket upgrade included) but the operational ones, {@code /health}, {@code /ready}
 * and {@code /metrics}, which probes reach by any address.
 */
public final class HostPolicy {
  private static final List<String> LOOPBACK = List.of("localhost", "127.0.0.1", "[::1]");

  private final boolean enforced;
  private final Set<String> names = new HashSet<>(LOOPBACK);

  /**
   * @param enforced whether the rule applies (open mode)
   * @param extra more accepted names, without a port
   */
  public HostPolicy(boolean enforced, List<String> extra) {
    this.enforced = enforced;
    extra.forEach(n -> names.add(n.toLowerCase(Locale.ROOT)));
  }

  /**
   * @param path the request path
   * @param host the {@code Host} header, or {@code null}
   * @return whether the request may proceed
   */
  public boolean allows(String path, String host) {
    if (!enforced || "/health".equals(path) || "/ready".equals(path) || "/metrics".equals(path)) {
      return true;
    }
    if (host == null) {
      return false;
    }
    String h = host.trim().toLowerCase(Locale.ROOT);
    int colon = h.startsWith("[") ? h.indexOf("]:") + 1 : h.lastIndexOf(':');
    if (colon > 0) {
      String port = h.substring(colon + 1);
      if (port.isEmpty() || !port.chars().allMatch(Character::isDigit)) {
        return false;
      }
      h = h.substring(0, colon);
    }
    return names.contains(h);
  }
}
