package dev.workspace.server.cli;

/** Exit statuses of the {@code workspace} commands. */
public final class ExitCodes {
  /** Done. */
  public static final int OK = 0;
  /** Something unexpected failed. */
  public static final int FAILURE = 1;
  /** A bad flag, argument, option value or configuration file. */
  public static final int USAGE = 2;
  /** The server could not be reached, or the connection was lost. */
  public static final int CONNECTION = 3;
  /** The server refused: not authorized, forbidden, not found, invalid. */
  public static final int REFUSED = 4;
  /** No answer within the timeout. */
  public static final int TIMEOUT = 5;

  private ExitCodes() {
  }
}
