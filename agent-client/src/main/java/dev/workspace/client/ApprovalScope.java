package dev.workspace.client;

/** How long an approval holds. */
public enum ApprovalScope {
  /** For this one call. */
  ONCE,
  /** For the same tool for the rest of the session (the responder need not ask again). */
  SESSION;

  /** @return the wire name: {@code once} or {@code session} */
  public String wireName() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
