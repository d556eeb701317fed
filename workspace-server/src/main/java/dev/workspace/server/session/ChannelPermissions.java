package dev.workspace.server.session;

import dev.workspace.model.AckResult;
import java.util.List;

/**
 * The channels a token lets its agent use: channel-name patterns where {@code *} matches any run of characters
 * (none included) and every other character matches itself. {@code team-*} allows {@code team-a} and
 * {@code team-}; {@code *} allows every channel.
 */
public final class ChannelPermissions {
  /** Every channel allowed: open mode, or a token without a {@code channels} claim. */
  public static final ChannelPermissions ALL = new ChannelPermissions(null);

  private final List<String> patterns;

  private ChannelPermissions(List<String> patterns) {
    this.patterns = patterns;
  }

  /**
   * @param patterns the token's patterns, or {@code null} for every channel
   * @return the permissions
   */
  public static ChannelPermissions of(List<String> patterns) {
    return patterns == null ? ALL : new ChannelPermissions(List.copyOf(patterns));
  }

  /** @return whether some channels are not allowed */
  public boolean restricted() {
    return patterns != null;
  }

  /**
   * Keeps, in a {@code list_channels} result, only the channels these permissions allow.
   *
   * @param result the result
   * @return the channels of {@code result} these permissions allow
   */
  public AckResult.ChannelList filterChannelList(AckResult.ChannelList result) {
    if (!restricted()) {
      return result;
    }
    return new AckResult.ChannelList(result.channels().stream().filter(c -> allows(c.name())).toList());
  }

  /**
   * @param channel a channel name
   * @return whether the agent may join it, post to it, and read its history and members
   */
  public boolean allows(String channel) {
    if (patterns == null) {
      return true;
    }
    for (String p : patterns) {
      if (matches(p, channel)) {
        return true;
      }
    }
    return false;
  }

  /**
   * @param pattern a candidate pattern
   * @return whether it is 1-128 characters of the channel-name alphabet and {@code *}
   */
  public static boolean isValidPattern(String pattern) {
    if (pattern.isEmpty() || pattern.length() > 128) {
      return false;
    }
    for (int i = 0; i < pattern.length(); i++) {
      char c = pattern.charAt(i);
      boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-'
          || c == '.' || c == '*';
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  /**
   * @param pattern a glob where {@code *} matches any run of characters
   * @param text the text
   * @return whether it matches (linear in practice: the two-pointer walk with one backtrack point)
   */
  public static boolean matches(String pattern, String text) {
    int p = 0;
    int t = 0;
    int star = -1;
    int mark = 0;
    while (t < text.length()) {
      if (p < pattern.length() && pattern.charAt(p) == '*') {
        star = p++;
        mark = t;
      } else if (p < pattern.length() && pattern.charAt(p) == text.charAt(t)) {
        p++;
        t++;
      } else if (star >= 0) {
        p = star + 1;
        t = ++mark;
      } else {
        return false;
      }
    }
    while (p < pattern.length() && pattern.charAt(p) == '*') {
      p++;
    }
    return p == pattern.length();
  }
}
