package dev.workspace.server.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashSet;
import java.util.Set;

/** The tools of the MCP face, with their JSON Schemas, as {@code tools/list} gives them (from {@code tools.json}). */
final class McpToolSchemas {
  private static final ArrayNode TOOLS = load();
  private static final Set<String> NAMES = names(TOOLS);

  private McpToolSchemas() {
  }

  /** @return a copy of the tool list */
  static ArrayNode definitions() {
    return TOOLS.deepCopy();
  }

  /** @return the tool names */
  static Set<String> names() {
    return NAMES;
  }

  private static ArrayNode load() {
    try (InputStream in = McpToolSchemas.class.getResourceAsStream("tools.json")) {
      if (in == null) {
        throw new IllegalStateException("tools.json is missing from the classpath");
      }
      return (ArrayNode) new ObjectMapper().readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Set<String> names(ArrayNode tools) {
    Set<String> names = new LinkedHashSet<>();
    for (JsonNode t : tools) {
      names.add(t.path("name").asText());
    }
    return Set.copyOf(names);
  }
}
