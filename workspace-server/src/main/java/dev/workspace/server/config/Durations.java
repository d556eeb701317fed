package dev.workspace.server.config;

import java.time.Duration;
import java.util.Locale;

/** Durations as people write them in configuration: {@code 250ms}, {@code 10s}, {@code 5m}, {@code 2h}, {@code 1d}. */
public final class Durations {
  private Durations() {
  }

  /**
   * @param text a number followed by {@code ms}, {@code s}, {@code m}, {@code h} or {@code d}, or an ISO-8601
   *     duration such as {@code PT10S}
   * @return the duration
   * @throws IllegalArgumentException when the text is neither
   */
  public static Duration parse(String text) {
    String t = text.trim().toLowerCase(Locale.ROOT);
    try {
      if (t.startsWith("pt") || t.startsWith("p")) {
        return Duration.parse(t.toUpperCase(Locale.ROOT));
      }
      int split = 0;
      while (split < t.length() && (Character.isDigit(t.charAt(split)) || (split == 0 && t.charAt(0) == '-'))) {
        split++;
      }
      long n = Long.parseLong(t.substring(0, split));
      return switch (t.substring(split).trim()) {
        case "ms" -> Duration.ofMillis(n);
        case "s" -> Duration.ofSeconds(n);
        case "m" -> Duration.ofMinutes(n);
        case "h" -> Duration.ofHours(n);
        case "d" -> Duration.ofDays(n);
        default -> throw new NumberFormatException();
      };
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("a duration is a number with ms, s, m, h or d (500ms, 10s, 5m), was '"
          + text + "'");
    }
  }

  /**
   * @param d a duration
   * @return it in the largest unit that keeps it whole: {@code 10s}, {@code 5m}, {@code 250ms}
   */
  public static String format(Duration d) {
    long ms = d.toMillis();
    if (ms != 0 && ms % 86_400_000 == 0) {
      return ms / 86_400_000 + "d";
    }
    if (ms != 0 && ms % 3_600_000 == 0) {
      return ms / 3_600_000 + "h";
    }
    if (ms != 0 && ms % 60_000 == 0) {
      return ms / 60_000 + "m";
    }
    if (ms % 1000 == 0) {
      return ms / 1000 + "s";
    }
    return ms + "ms";
  }
}
