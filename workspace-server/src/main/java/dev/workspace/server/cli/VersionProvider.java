package dev.workspace.server.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import picocli.CommandLine;

/** The version printed by {@code --version}: the project version the jar was built from. */
public final class VersionProvider implements CommandLine.IVersionProvider {
  /** @return the project version, or {@code unknown} when it was not built by Maven */
  public static String version() {
    try (InputStream in = VersionProvider.class.getResourceAsStream("/dev/workspace/server/version.properties")) {
      if (in == null) {
        return "unknown";
      }
      Properties p = new Properties();
      p.load(in);
      return p.getProperty("version", "unknown");
    } catch (IOException e) {
      return "unknown";
    }
  }

  @Override
  public String[] getVersion() {
    return new String[] {"workspace " + version() + " (Java " + System.getProperty("java.version") + ")"};
  }
}
