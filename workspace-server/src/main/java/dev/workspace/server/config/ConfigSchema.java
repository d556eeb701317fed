package dev.workspace.server.config;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Every option of a root options class, found from its {@link OptionGroup} getters and their groups' {@link Setting}
 * setters: one source of truth for the file keys, environment variables, flags, printing and documentation.
 *
 * @param <R> the root options type
 */
public final class ConfigSchema<R> {
  /** Prefix of every environment variable the server reads. */
  public static final String ENV_PREFIX = "WORKSPACE_";

  /** One option: its group, its annotation, and how to read and write it. */
  public static final class Entry {
    private final String group;
    private final Method groupGetter;
    private final Setting setting;
    private final Method setter;
    private final Method getter;

    Entry(String group, Method groupGetter, Setting setting, Method setter, Method getter) {
      this.group = group;
      this.groupGetter = groupGetter;
      this.setting = setting;
      this.setter = setter;
      this.getter = getter;
    }

    /** @return the group's key, e.g. {@code limits} */
    public String group() {
      return group;
    }

    /** @return the annotation */
    public Setting setting() {
      return setting;
    }

    /** @return the key inside the group, e.g. {@code maxFrameSize} */
    public String key() {
      return camel(setting.name());
    }

    /** @return the full key, e.g. {@code limits.maxFrameSize} */
    public String path() {
      return group + "." + key();
    }

    /** @return the flag, e.g. {@code --max-frame-size}, or {@code null} for a secret (which has only its file flag) */
    public String flag() {
      return setting.secret() ? null : "--" + setting.name();
    }

    /** @return the flag that reads the value from a file, or {@code null} when the option has none */
    public String fileFlag() {
      return hasFileForm() ? "--" + setting.name() + "-file" : null;
    }

    /** @return the environment variable, e.g. {@code WORKSPACE_MAX_FRAME_SIZE} */
    public String env() {
      return ENV_PREFIX + setting.name().replace('-', '_').toUpperCase(Locale.ROOT);
    }

    /** @return whether the value may also come from a file */
    public boolean hasFileForm() {
      return setting.secret() || setting.fromFile();
    }

    /** @return the value's type */
    public Class<?> type() {
      return setter.getParameterTypes()[0];
    }

    /** @return a short name of the value's type for documentation */
    public String typeName() {
      Class<?> t = type();
      if (t == int.class || t == long.class || t == Integer.class || t == Long.class) {
        return "integer";
      }
      if (t == boolean.class || t == Boolean.class) {
        return "boolean";
      }
      if (t == Duration.class) {
        return "duration";
      }
      if (t.isEnum()) {
        return String.join(" \\| ", Arrays.stream(t.getEnumConstants()).map(c -> ((Enum<?>) c).name()
            .toLowerCase(Locale.ROOT)).toList());
      }
      if (List.class.isAssignableFrom(t)) {
        return "list";
      }
      return "string";
    }

    private Object groupOf(Object root) {
      return invoke(groupGetter, root);
    }
  }

  private final Class<R> rootType;
  private final List<Entry> entries;
  private final Map<String, Entry> byPath = new HashMap<>();
  private final Map<String, Entry> byName = new HashMap<>();
  private final Map<String, String> groupDescriptions = new LinkedHashMap<>();

  private ConfigSchema(Class<R> rootType) {
    this.rootType = rootType;
    List<Entry> found = new ArrayList<>();
    List<Method> groupGetters = Arrays.stream(rootType.getMethods())
        .filter(m -> m.isAnnotationPresent(OptionGroup.class) && m.getParameterCount() == 0)
        .sorted(Comparator.comparing(Method::getName)).toList();
    for (Method gg : groupGetters) {
      OptionGroup og = gg.getAnnotation(OptionGroup.class);
      groupDescriptions.put(og.name(), og.description());
      Class<?> groupType = gg.getReturnType();
      List<Method> setters = Arrays.stream(groupType.getMethods())
          .filter(m -> m.isAnnotationPresent(Setting.class) && !Modifier.isStatic(m.getModifiers()))
          .sorted(Comparator.comparing(m -> m.getAnnotation(Setting.class).name())).toList();
      for (Method setter : setters) {
        Setting s = setter.getAnnotation(Setting.class);
        if (setter.getParameterCount() != 1) {
          throw new IllegalStateException(setter + " must take one argument");
        }
        Method getter = getter(groupType, setter);
        Entry e = new Entry(og.name(), gg, s, setter, getter);
        if (byName.put(s.name(), e) != null) {
          throw new IllegalStateException("two options are named " + s.name());
        }
        byPath.put(e.path(), e);
        found.add(e);
      }
    }
    this.entries = List.copyOf(found);
  }

  /**
   * @param rootType the root options class, with {@link OptionGroup} getters and a no-argument constructor
   * @param <R> the root type
   * @return its schema
   */
  public static <R> ConfigSchema<R> of(Class<R> rootType) {
    return new ConfigSchema<>(rootType);
  }

  /** @return every option, by group then name */
  public List<Entry> entries() {
    return entries;
  }

  /** @return each group's key and description, in order */
  public Map<String, String> groups() {
    return groupDescriptions;
  }

  /**
   * @param name an option's kebab-case name
   * @return the option, or {@code null}
   */
  public Entry byName(String name) {
    return byName.get(name);
  }

  /**
   * @param root the options
   * @param e an option
   * @return its current value
   */
  public Object get(R root, Entry e) {
    return invoke(e.getter, e.groupOf(root));
  }

  /**
   * Sets an option from text (a flag or an environment variable) or from a JSON value (a file).
   *
   * @param root the options
   * @param e the option
   * @param value a {@code String}, a number, a boolean or a JSON array
   * @param source where the value came from, for the error message
   * @throws ConfigException naming the option and the source when the value is not usable
   */
  public void set(R root, Entry e, Object value, String source) {
    Object converted;
    try {
      converted = convert(e, value);
    } catch (IllegalArgumentException bad) {
      throw new ConfigException(e.path() + " (" + source + "): " + bad.getMessage());
    }
    try {
      e.setter.invoke(e.groupOf(root), converted);
    } catch (InvocationTargetException ite) {
      Throwable cause = ite.getCause();
      throw new ConfigException(e.path() + " (" + source + "): " + (cause.getMessage() == null ? cause.toString()
          : cause.getMessage()));
    } catch (IllegalAccessException iae) {
      throw new IllegalStateException(iae);
    }
  }

  /**
   * Applies a configuration file's content: an object of groups, each an object of keys. A key {@code nameFile}
   * reads an option that has a file form from that file.
   *
   * @param root the options
   * @param json the file's content
   * @param source the file's name, for messages
   * @throws ConfigException on an unknown group or key, or a bad value
   */
  public void apply(R root, JsonObject json, String source) {
    for (String group : json.fieldNames()) {
      Object section = json.getValue(group);
      if (!groupDescriptions.containsKey(group)) {
        throw new ConfigException("unknown configuration key '" + group + "' in " + source + " (groups: "
            + String.join(", ", groupDescriptions.keySet()) + ")");
      }
      if (!(section instanceof JsonObject obj)) {
        throw new ConfigException("'" + group + "' in " + source + " must be an object");
      }
      for (String key : obj.fieldNames()) {
        Entry e = byPath.get(group + "." + key);
        Object v = obj.getValue(key);
        if (e == null && key.endsWith("File")) {
          Entry base = byPath.get(group + "." + key.substring(0, key.length() - 4));
          if (base != null && base.hasFileForm()) {
            set(root, base, readFile(String.valueOf(v), group + "." + key + " in " + source), source);
            continue;
          }
        }
        if (e == null) {
          throw new ConfigException("unknown configuration key '" + group + "." + key + "' in " + source);
        }
        set(root, e, v, source);
      }
    }
  }

  /**
   * Applies every {@code WORKSPACE_*} variable that names an option (and {@code WORKSPACE_NAME_FILE} for options
   * with a file form). Other variables are left alone: scripts use the prefix for their own settings too.
   *
   * @param root the options
   * @param env the environment
   */
  public void applyEnv(R root, Map<String, String> env) {
    for (Entry e : entries) {
      if (e.hasFileForm() && env.get(e.env() + "_FILE") != null) {
        set(root, e, readFile(env.get(e.env() + "_FILE"), e.env() + "_FILE"), e.env() + "_FILE");
      }
      if (env.get(e.env()) != null) {
        set(root, e, env.get(e.env()), e.env());
      }
    }
  }

  /**
   * @param root the options
   * @param masked whether secrets are replaced by {@code ********} and passwords in URIs by {@code ****}
   * @return the options as a configuration file would hold them, with every key
   */
  public JsonObject toJson(R root, boolean masked) {
    JsonObject out = new JsonObject();
    for (Entry e : entries) {
      JsonObject section = out.getJsonObject(e.group());
      if (section == null) {
        section = new JsonObject();
        out.put(e.group(), section);
      }
      Object v = get(root, e);
      section.put(e.key(), masked ? mask(e, toJsonValue(v)) : toJsonValue(v));
    }
    return out;
  }

  /**
   * @param e an option
   * @param v its JSON value
   * @return the value as it may be shown: secrets hidden, a URI's password hidden
   */
  public static Object mask(Entry e, Object v) {
    if (v == null) {
      return null;
    }
    if (e.setting().secret()) {
      return "********";
    }
    if (e.setting().uriWithPassword() && v instanceof String s) {
      return s.replaceFirst("//([^:@/]*):[^@/]*@", "//$1:****@");
    }
    return v;
  }

  /**
   * @param v a value of an option
   * @return it as JSON: durations as text ({@code 10s}), enums in lower case, lists as arrays
   */
  public static Object toJsonValue(Object v) {
    if (v instanceof Duration d) {
      return Durations.format(d);
    }
    if (v instanceof Enum<?> en) {
      return en.name().toLowerCase(Locale.ROOT);
    }
    if (v instanceof List<?> list) {
      return new JsonArray(new ArrayList<>(list));
    }
    return v;
  }

  /**
   * @param file a path
   * @param what what names the file, for messages
   * @return the file's content, without a trailing line break
   */
  public static String readFile(String file, String what) {
    try {
      return Files.readString(Path.of(file), StandardCharsets.UTF_8).strip();
    } catch (java.io.IOException | RuntimeException e) {
      throw new ConfigException(what + ": cannot read " + file + " (" + e.getMessage() + ")");
    }
  }

  /** @return the root type */
  public Class<R> rootType() {
    return rootType;
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static Object convert(Entry e, Object value) {
    Class<?> t = e.type();
    if (value == null) {
      if (t.isPrimitive()) {
        throw new IllegalArgumentException("must not be null");
      }
      return null;
    }
    if (t == String.class) {
      if (!(value instanceof String)) {
        throw new IllegalArgumentException("must be a string, was " + value);
      }
      return value;
    }
    if (t == int.class || t == Integer.class || t == long.class || t == Long.class) {
      long n;
      if (value instanceof Number num) {
        if (num.doubleValue() != Math.rint(num.doubleValue())) {
          throw new IllegalArgumentException("must be a whole number, was " + value);
        }
        n = num.longValue();
      } else {
        try {
          n = Long.parseLong(String.valueOf(value).trim().replace("_", ""));
        } catch (NumberFormatException nfe) {
          throw new IllegalArgumentException("must be a whole number, was '" + value + "'");
        }
      }
      if (t == int.class || t == Integer.class) {
        if (n < Integer.MIN_VALUE || n > Integer.MAX_VALUE) {
          throw new IllegalArgumentException("is too large, was " + value);
        }
        return (int) n;
      }
      return n;
    }
    if (t == boolean.class || t == Boolean.class) {
      if (value instanceof Boolean b) {
        return b;
      }
      String s = String.valueOf(value).trim().toLowerCase(Locale.ROOT);
      if (s.equals("true") || s.equals("false")) {
        return Boolean.parseBoolean(s);
      }
      throw new IllegalArgumentException("must be true or false, was '" + value + "'");
    }
    if (t == Duration.class) {
      return Durations.parse(String.valueOf(value));
    }
    if (t.isEnum()) {
      String s = String.valueOf(value).trim();
      for (Object c : t.getEnumConstants()) {
        if (((Enum<?>) c).name().equalsIgnoreCase(s)) {
          return c;
        }
      }
      throw new IllegalArgumentException("must be one of " + e.typeName().replace(" \\| ", ", ") + ", was '"
          + value + "'");
    }
    if (List.class.isAssignableFrom(t)) {
      if (value instanceof JsonArray arr) {
        List<String> out = new ArrayList<>();
        for (Object o : arr) {
          out.add(String.valueOf(o));
        }
        return out;
      }
      if (value instanceof List<?> list) {
        return new ArrayList<>((List) list);
      }
      return Arrays.stream(String.valueOf(value).split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }
    throw new IllegalStateException("options of type " + t + " are not supported");
  }

  private static Method getter(Class<?> type, Method setter) {
    String base = setter.getName().startsWith("set") ? setter.getName().substring(3) : setter.getName();
    for (String prefix : List.of("get", "is")) {
      try {
        Method m = type.getMethod(prefix + base);
        if (m.getParameterCount() == 0) {
          return m;
        }
      } catch (NoSuchMethodException ignored) {
        // try the next prefix
      }
    }
    throw new IllegalStateException(setter + " has no getter");
  }

  private static Object invoke(Method m, Object target) {
    try {
      return m.invoke(target);
    } catch (IllegalAccessException | InvocationTargetException e) {
      throw new IllegalStateException(e);
    }
  }

  static String camel(String kebab) {
    StringBuilder sb = new StringBuilder();
    boolean up = false;
    for (char c : kebab.toCharArray()) {
      if (c == '-') {
        up = true;
      } else {
        sb.append(up ? Character.toUpperCase(c) : c);
        up = false;
      }
    }
    return sb.toString();
  }
}
