package dev.workspace.server.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.workspace.model.CloseCodes;
import dev.workspace.model.ErrorCode;
import dev.workspace.server.ServerOptions;
import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * docs/PROTOCOL.md tells the truth: its error-code table is exactly the codes the server has, its close-code table
 * exactly the close codes it uses (the codes the other tests in this package observe), and its limits table states
 * the defaults the server runs with.
 */
class ProtocolDocumentTest {
  private static final Path DOC = Path.of("..", "docs", "PROTOCOL.md");

  @Test
  void errorTableListsExactlyTheServersErrorCodes() throws IOException {
    Set<String> documented = new TreeSet<>();
    Matcher m = Pattern.compile("(?m)^\\| `([a-z_]+)` \\|").matcher(section("## Errors"));
    while (m.find()) {
      documented.add(m.group(1));
    }
    Set<String> actual = new TreeSet<>();
    for (ErrorCode c : ErrorCode.values()) {
      actual.add(c.wireName());
    }
    assertEquals(actual, documented);
  }

  @Test
  void closeCodeTableListsExactlyTheServersCloseCodes() throws Exception {
    Set<Integer> documented = new TreeSet<>();
    Matcher m = Pattern.compile("(?m)^\\| (\\d{4}) \\|").matcher(section("## Close codes"));
    while (m.find()) {
      documented.add(Integer.parseInt(m.group(1)));
    }
    Set<Integer> actual = new TreeSet<>();
    for (Field f : CloseCodes.class.getFields()) {
      if (Modifier.isStatic(f.getModifiers()) && f.getType() == short.class) {
        actual.add((int) f.getShort(null));
      }
    }
    assertEquals(actual, documented);
  }

  @Test
  void limitsTableStatesTheDefaults() throws IOException {
    String limits = section("## Limits");
    ServerOptions o = new ServerOptions();
    assertRow(limits, "frame size", (o.getMaxFrameSize() / 1024) + " KiB");
    assertRow(limits, "message size", (o.getMaxMessageSize() / 1024) + " KiB");
    assertRow(limits, "JSON nesting depth", Integer.toString(o.getMaxJsonDepth()));
    assertRow(limits, "frames per second", String.format("%,d sustained, bursts of %,d", o.getMaxFramesPerSecond(),
        o.getFrameBurst()));
    assertRow(limits, "mistakes in a row", Integer.toString(o.getMaxErrorsInRow()));
    assertRow(limits, "subscription patterns", Integer.toString(o.getMaxSubscriptions()));
    assertRow(limits, "pattern length, segments", o.getMaxPatternLength() + " characters, "
        + o.getMaxPatternSegments() + " segments");
    assertRow(limits, "channels joined", Integer.toString(o.getMaxChannelsPerConnection()));
    assertRow(limits, "time to open a session", o.getHandshakeTimeout().toSeconds() + " s");
    assertRow(limits, "REST request body", (o.getMaxRestBodySize() / 1024) + " KiB");
    assertRow(limits, "outbound queue", (o.getOutboundQueueBytes() / 1024 / 1024) + " MiB");
  }

  @Test
  void authenticationSectionNamesEveryRefusal() throws IOException {
    String auth = section("## Authentication");
    for (String s : new String[] {"HTTP **401**", "HTTP **403**", "**4001**", "**4002**", "**4007**", "**1008**",
        "`none`", "HS256"}) {
      assertTrue(auth.contains(s), "the authentication section does not mention " + s);
    }
  }

  private static void assertRow(String table, String limit, String value) {
    Matcher m = Pattern.compile("(?m)^\\| " + Pattern.quote(limit) + "[^|]* \\| ([^|]+) \\|").matcher(table);
    assertTrue(m.find(), "no row for " + limit);
    assertEquals(value, m.group(1).trim(), limit);
  }

  private static String section(String heading) throws IOException {
    String doc = Files.readString(DOC);
    int start = doc.indexOf("\n" + heading + "\n");
    assertTrue(start >= 0, "no section " + heading);
    int end = doc.indexOf("\n## ", start + heading.length() + 2);
    return doc.substring(start, end < 0 ? doc.length() : end);
  }
}
