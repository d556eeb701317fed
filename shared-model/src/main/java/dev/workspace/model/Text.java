package dev.workspace.model;

/** Small text helpers for error messages. */
final class Text {
  private static final int CLIP = 64;

  private Text() {
  }

  /** Shortens a client-supplied value for quoting in an error message. */
  static String clip(String s) {
    if (s == null) {
      return "null";
    }
    return s.length() <= CLIP ? s : s.substring(0, CLIP) + "...";
  }
}
