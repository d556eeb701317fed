package dev.workspace.server.config;

/** A configuration that cannot be used: an unknown key, a bad value, an unreadable file. The message names it. */
public final class ConfigException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  /** @param message what is wrong, naming the key and where it came from */
  public ConfigException(String message) {
    super(message);
  }
}
