package dev.workspace.model;

/**
 * Subscription-pattern rules. A pattern is dot-separated segments where {@code *} matches exactly one segment and
 * {@code >}, as the last segment, matches one or more remaining segments; the bare pattern {@code *} (and the bare
 * {@code >}) matches every event. Literal segments follow the event-name segment rules.
 */
public final class Patterns {
  /** The pattern that matches every event. */
  public static final String ALL = "*";
  /** Longest pattern by default, in characters. */
  public static final int DEFAULT_MAX_LENGTH = 256;
  /** Most segments in a pattern by default. */
  public static final int DEFAULT_MAX_SEGMENTS = 16;

  private Patterns() {
  }

  /**
   * Checks a pattern with the default limits.
   *
   * @param pattern the pattern
   * @return {@code pattern}
   * @throws ProtocolException with {@link ErrorCode#INVALID_PATTERN}
   */
  public static String validate(String pattern) {
    return validate(pattern, DEFAULT_MAX_LENGTH, DEFAULT_MAX_SEGMENTS);
  }

  /**
   * Checks a pattern.
   *
   * @param pattern the pattern
   * @param maxLength longest allowed, in characters
   * @param maxSegments most segments allowed
   * @return {@code pattern}
   * @throws ProtocolException with {@link ErrorCode#INVALID_PATTERN}
   */
  public static String validate(String pattern, int maxLength, int maxSegments) {
    if (pattern == null || pattern.isEmpty()) {
      throw new ProtocolException(ErrorCode.INVALID_PATTERN, "pattern must not be empty");
    }
    if (pattern.length() > maxLength) {
      throw new ProtocolException(ErrorCode.INVALID_PATTERN,
          "pattern is " + pattern.length() + " characters, the limit is " + maxLength);
    }
    if (pattern.equals("*") || pattern.equals(">")) {
      return pattern;
    }
    String[] segments = pattern.split("\\.", -1);
    if (segments.length > maxSegments) {
      throw new ProtocolException(ErrorCode.INVALID_PATTERN,
          "pattern has " + segments.length + " segments, the limit is " + maxSegments);
    }
    if (segments.length < 2 && !segments[0].equals(">")) {
      throw new ProtocolException(ErrorCode.INVALID_PATTERN, "pattern '" + Text.clip(pattern)
          + "' can never match: event names have at least two segments (use '*' for every event)");
    }
    for (int i = 0; i < segments.length; i++) {
      String s = segments[i];
      if (s.equals("*")) {
        continue;
      }
      if (s.equals(">")) {
        if (i != segments.length - 1) {
          throw new ProtocolException(ErrorCode.INVALID_PATTERN,
              "pattern '" + Text.clip(pattern) + "': '>' may only be the last segment");
        }
        continue;
      }
      if (s.isEmpty()) {
        throw new ProtocolException(ErrorCode.INVALID_PATTERN, "pattern '" + Text.clip(pattern) + "' has an empty segment");
      }
      char first = s.charAt(0);
      boolean ok = first >= 'a' && first <= 'z';
      for (int j = 1; ok && j < s.length(); j++) {
        ok = EventNames.isSegmentChar(s.charAt(j));
      }
      if (!ok) {
        throw new ProtocolException(ErrorCode.INVALID_PATTERN, "pattern '" + Text.clip(pattern)
            + "': a segment is '*', a last '>', or lowercase a-z, 0-9, '_', '-' starting with a letter");
      }
    }
    return pattern;
  }
}
