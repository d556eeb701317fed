package dev.workspace.server.edge;

import dev.workspace.server.session.ChannelPermissions;
import java.util.List;
import java.util.Locale;

/**
 * Which browser origins may use the server. A request without an {@code Origin} header (agents, tools) is always
 * allowed. A request with one is allowed when it is same-origin (the origin's {@code host[:port]} is the request's
 * {@code Host}, as gorilla/websocket and Centrifugo check by default) or when an entry matches it: {@code *} alone
 * matches every origin, and a {@code *} inside an entry matches any run of characters. Matching ignores case.
 */
final class OriginPolicy {
  private final List<String> allowed;
  private final boolean any;

  /**
   * @param allowed the configured entries
   */
  OriginPolicy(List<String> allowed) {
    this.allowed = allowed.stream().map(s -> stripSlash(s.toLowerCase(Locale.ROOT))).toList();
    this.any = allowed.contains("*");
  }

  /**
   * @param origin the {@code Origin} header, or {@code null}
   * @param host the {@code Host} header, or {@code null}
   * @return whether the request may proceed
   */
  boolean allows(String origin, String host) {
    if (origin == null || any) {
      return true;
    }
    String o = stripSlash(origin.trim().toLowerCase(Locale.ROOT));
    int scheme = o.indexOf("://");
    if (host != null && scheme > 0 && o.substring(scheme + 3).equals(host.trim().toLowerCase(Locale.ROOT))) {
      return true;
    }
    for (String entry : allowed) {
      if (ChannelPermissions.matches(entry, o)) {
        return true;
      }
    }
    return false;
  }

  private static String stripSlash(String s) {
    return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
  }
}
