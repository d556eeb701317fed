package dev.workspace.server.config;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/** Reads a configuration file: JSON, or YAML when its name ends in {@code .yaml} or {@code .yml}. */
public final class ConfigFiles {
  private ConfigFiles() {
  }

  /**
   * @param file the file
   * @return its content as a JSON object (an empty file is an empty object)
   * @throws ConfigException when it cannot be read or is not an object
   */
  public static JsonObject read(Path file) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException | RuntimeException e) {
      throw new ConfigException("cannot read the configuration file " + file + " (" + e.getMessage() + ")");
    }
    String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
    if (name.endsWith(".yaml") || name.endsWith(".yml")) {
      Object parsed;
      try {
        parsed = new Yaml(new SafeConstructor(new LoaderOptions())).load(text);
      } catch (RuntimeException e) {
        throw new ConfigException(file + " is not valid YAML: " + e.getMessage());
      }
      if (parsed == null) {
        return new JsonObject();
      }
      if (!(parsed instanceof Map<?, ?> map)) {
        throw new ConfigException(file + " must hold a mapping of option groups");
      }
      @SuppressWarnings("unchecked")
      Map<String, Object> m = (Map<String, Object>) map;
      return new JsonObject(m);
    }
    if (text.isBlank()) {
      return new JsonObject();
    }
    try {
      return new JsonObject(text);
    } catch (DecodeException e) {
      throw new ConfigException(file + " is not valid JSON: " + e.getMessage());
    }
  }
}
