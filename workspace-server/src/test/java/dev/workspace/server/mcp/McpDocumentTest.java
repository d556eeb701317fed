package dev.workspace.server.mcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** {@code docs/MCP.md} lists exactly the tools {@code tools/list} gives, each with every argument of its schema. */
class McpDocumentTest {
  @Test
  void theDocumentListsEveryToolAndArgument() throws Exception {
    String doc = Files.readString(Path.of("..", "docs", "MCP.md"), StandardCharsets.UTF_8);
    List<String> documented = new ArrayList<>();
    Matcher m = Pattern.compile("(?m)^### `([a-z_]+)`$").matcher(doc);
    while (m.find()) {
      documented.add(m.group(1));
    }
    List<String> tools = new ArrayList<>();
    for (JsonNode t : McpToolSchemas.definitions()) {
      String name = t.path("name").asText();
      tools.add(name);
      String rest = doc.substring(doc.indexOf("### `" + name + "`"));
      int next = rest.indexOf("\n### ", 1);
      String section = next < 0 ? rest : rest.substring(0, next);
      t.path("inputSchema").path("properties").fieldNames().forEachRemaining(arg ->
          assertTrue(section.contains("| `" + arg + "` |"), name + " lacks argument " + arg + " in docs/MCP.md"));
      for (JsonNode required : t.path("inputSchema").path("required")) {
        assertTrue(section.contains("| `" + required.asText() + "` |") && section.contains("required"),
            name + ": " + required.asText() + " is not marked required");
      }
    }
    assertEquals(tools, documented);
  }
}
