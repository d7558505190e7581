package dev.evertone.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Builds the configuration from the defaults, an optional file, the environment and command-line
 * overrides, in that order. A key that does not exist in the defaults is an error wherever it comes
 * from, so that a typo never silently does nothing.
 */
public final class ConfigLoader {
  public static final String DEFAULTS_RESOURCE = "/evertone-defaults.yaml";
  public static final String ENV_PREFIX = "EVERTONE_";

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final ObjectMapper BINDER =
      new ObjectMapper()
          .setPropertyNamingStrategy(PropertyNamingStrategies.KEBAB_CASE)
          .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
          .registerModule(
              new SimpleModule()
                  .addDeserializer(Duration.class, new Durations.Deserializer())
                  .addSerializer(Duration.class, new Durations.Serializer()));

  private ConfigLoader() {}

  /** The text of the defaults file, comments included. */
  public static String defaultsText() {
    try (InputStream in = ConfigLoader.class.getResourceAsStream(DEFAULTS_RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("missing " + DEFAULTS_RESOURCE);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Loads the configuration.
   *
   * @param file a YAML file, or null
   * @param env the environment (System.getenv() in production)
   * @param overrides {@code path=value} pairs from the command line
   */
  public static ServerConfig load(
      @Nullable Path file, Map<String, String> env, List<String> overrides) {
    ObjectNode tree = defaultsTree();
    ObjectNode defaults = tree.deepCopy();
    // every problem of every source at once, so that one run of 'config check' lists them all
    List<String> problems = new ArrayList<>();
    if (file != null) {
      merge(tree, readFile(file), defaults, "", problems);
    }
    for (String path : leafPaths(defaults, "")) {
      String value = env.get(envName(path));
      if (value != null) {
        collect(
            problems,
            () -> set(tree, defaults, path, value, "environment variable " + envName(path)));
      }
    }
    for (String o : overrides) {
      int eq = o.indexOf('=');
      if (eq <= 0) {
        problems.add("--set needs key=value, got '" + o + "'");
        continue;
      }
      collect(
          problems,
          () -> set(tree, defaults, o.substring(0, eq).trim(), o.substring(eq + 1), "--set " + o));
    }
    if (problems.size() == 1) {
      throw new ConfigException(problems.get(0));
    }
    if (!problems.isEmpty()) {
      throw new ConfigException(
          problems.size() + " problems in the configuration:\n  " + String.join("\n  ", problems));
    }
    return bind(tree);
  }

  /** The effective configuration as YAML, with the nonce secret masked. */
  public static String describe(ServerConfig config) {
    ObjectNode tree = BINDER.valueToTree(config);
    JsonNode auth = tree.get("auth");
    if (auth instanceof ObjectNode a && !a.path("nonce-secret").asText().isEmpty()) {
      a.put("nonce-secret", "(set)");
    }
    tree.put("data-dir", config.dataDir().toString());
    try {
      return YAML.writeValueAsString(tree);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  public static String envName(String path) {
    return ENV_PREFIX + path.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
  }

  static ObjectNode defaultsTree() {
    try {
      return (ObjectNode) YAML.readTree(defaultsText());
    } catch (IOException e) {
      throw new IllegalStateException("the built-in defaults do not parse", e);
    }
  }

  private static ObjectNode readFile(Path file) {
    JsonNode node;
    try {
      node = YAML.readTree(Files.readString(file, StandardCharsets.UTF_8));
    } catch (NoSuchFileException e) {
      throw new ConfigException("configuration file " + file + " does not exist");
    } catch (JsonProcessingException e) {
      throw new ConfigException(
          "configuration file "
              + file
              + " is not valid YAML: "
              + e.getOriginalMessage()
              + (e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ")"));
    } catch (IOException e) {
      throw new ConfigException(
          "cannot read configuration file " + file + ": " + e.getMessage(), e);
    }
    if (node == null || node.isMissingNode() || node.isNull()) {
      return JsonNodeFactory.instance.objectNode();
    }
    if (!(node instanceof ObjectNode o)) {
      throw new ConfigException("configuration file " + file + " must hold a mapping of keys");
    }
    return o;
  }

  private static void collect(List<String> problems, Runnable step) {
    try {
      step.run();
    } catch (ConfigException e) {
      problems.add(Objects.requireNonNullElse(e.getMessage(), "invalid configuration"));
    }
  }

  /**
   * Copies {@code from} into {@code into}; a key the defaults do not have, or a value of another
   * kind than the default's, is a problem (collected, not copied).
   */
  private static void merge(
      ObjectNode into, ObjectNode from, ObjectNode defaults, String prefix, List<String> problems) {
    for (Map.Entry<String, JsonNode> e : from.properties()) {
      String path = prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey();
      JsonNode def = defaults.get(e.getKey());
      if (def == null) {
        problems.add(
            "unknown configuration key '" + path + "'" + suggestion(defaults, e.getKey(), prefix));
      } else if (def.isObject()) {
        if (e.getValue().isObject()) {
          merge(
              (ObjectNode) into.get(e.getKey()),
              (ObjectNode) e.getValue(),
              (ObjectNode) def,
              path,
              problems);
        } else {
          problems.add("configuration key '" + path + "' holds a section of keys, not a value");
        }
      } else {
        String wrong = kindProblem(def, e.getValue());
        if (wrong == null) {
          into.set(e.getKey(), e.getValue());
        } else {
          problems.add("'" + path + "' must be " + wrong + ", got '" + e.getValue().asText() + "'");
        }
      }
    }
  }

  /**
   * What a value should be when it is not of its default's kind (a number, true or false, a
   * duration), else null; the finer checks (ranges) are the records'.
   */
  private static @Nullable String kindProblem(JsonNode def, JsonNode value) {
    if (value.isNull()) {
      return null;
    }
    if (def.isIntegralNumber()) {
      return value.isIntegralNumber() || value.asText().trim().matches("-?\\d+")
          ? null
          : "a whole number";
    }
    if (def.isBoolean()) {
      return value.isBoolean() || value.asText().matches("(?i)true|false") ? null : "true or false";
    }
    if (def.isTextual() && isDuration(def.asText())) {
      return value.isTextual() && isDuration(value.asText())
          ? null
          : "a duration such as 500ms, 10s, 5m, 2h or 14d";
    }
    return null;
  }

  private static boolean isDuration(String text) {
    try {
      Durations.parse(text);
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  private static String suggestion(ObjectNode defaults, String key, String prefix) {
    String normalized = key.toLowerCase(Locale.ROOT).replace('_', '-');
    for (Iterator<String> names = defaults.fieldNames(); names.hasNext(); ) {
      String n = names.next();
      if (n.equals(normalized) || n.replace("-", "").equals(normalized.replace("-", ""))) {
        return "; did you mean '" + (prefix.isEmpty() ? n : prefix + "." + n) + "'?";
      }
    }
    List<String> known = new ArrayList<>();
    defaults.fieldNames().forEachRemaining(known::add);
    return "; known keys here: " + String.join(", ", known);
  }

  private static void set(
      ObjectNode tree, ObjectNode defaults, String path, String value, String source) {
    JsonNode def = at(defaults, path);
    if (def == null || def.isObject()) {
      throw new ConfigException("unknown configuration key '" + path + "' (from " + source + ")");
    }
    ObjectNode parent = parentOf(tree, path);
    String key = last(path);
    if (def.isArray()) {
      ArrayNode arr = parent.putArray(key);
      for (String part : value.split(",", -1)) {
        if (!part.isBlank()) {
          arr.add(part.trim());
        }
      }
    } else if (def.isIntegralNumber()) {
      try {
        parent.put(key, Long.parseLong(value.trim()));
      } catch (NumberFormatException e) {
        throw new ConfigException(
            "'" + path + "' must be a whole number, got '" + value + "' (from " + source + ")");
      }
    } else {
      String wrong = kindProblem(def, TextNode.valueOf(value));
      if (wrong != null) {
        throw new ConfigException(
            "'" + path + "' must be " + wrong + ", got '" + value + "' (from " + source + ")");
      }
      parent.put(key, value);
    }
  }

  private static @Nullable JsonNode at(JsonNode root, String path) {
    JsonNode n = root;
    for (String part : path.split("\\.", -1)) {
      n = n == null ? null : n.get(part);
    }
    return n;
  }

  private static ObjectNode parentOf(ObjectNode root, String path) {
    int dot = path.lastIndexOf('.');
    // the defaults name every section, so a known key's parent exists
    return dot < 0
        ? root
        : (ObjectNode) Objects.requireNonNull(at(root, path.substring(0, dot)), path);
  }

  private static String last(String path) {
    return path.substring(path.lastIndexOf('.') + 1);
  }

  static List<String> leafPaths(JsonNode node, String prefix) {
    List<String> out = new ArrayList<>();
    for (Map.Entry<String, JsonNode> e : node.properties()) {
      String path = prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey();
      if (e.getValue().isObject()) {
        out.addAll(leafPaths(e.getValue(), path));
      } else {
        out.add(path);
      }
    }
    return out;
  }

  private static ServerConfig bind(ObjectNode tree) {
    try {
      return BINDER.treeToValue(tree, ServerConfig.class);
    } catch (ValueInstantiationException e) {
      Throwable cause = e.getCause() != null ? e.getCause() : e;
      throw new ConfigException("invalid configuration: " + cause.getMessage());
    } catch (MismatchedInputException e) {
      // InvalidFormatException among them: a value of the wrong kind, named with its key
      throw new ConfigException(
          "'"
              + pathOf(e)
              + "' must be "
              + expected(e.getTargetType())
              + (e instanceof InvalidFormatException f && f.getValue() != null
                  ? ", got '" + f.getValue() + "'"
                  : ""));
    } catch (JsonProcessingException e) {
      throw new ConfigException("invalid configuration: " + e.getOriginalMessage());
    }
  }

  /** What a configuration value of {@code type} is written as, in the defaults' terms. */
  private static String expected(@Nullable Class<?> type) {
    if (type == int.class || type == long.class || type == Integer.class || type == Long.class) {
      return "a whole number";
    }
    if (type == double.class || type == Double.class) {
      return "a number, e.g. 0.99";
    }
    if (type == boolean.class || type == Boolean.class) {
      return "true or false";
    }
    if (type == Duration.class) {
      return "a duration such as 500ms, 10s, 5m, 2h or 14d";
    }
    if (type != null && List.class.isAssignableFrom(type)) {
      return "a list";
    }
    if (type != null && type.isEnum()) {
      List<String> names = new ArrayList<>();
      for (Object c : type.getEnumConstants()) {
        names.add(c.toString().toLowerCase(Locale.ROOT).replace('_', '-'));
      }
      return "one of " + String.join(", ", names);
    }
    return type == String.class ? "text" : "a section of keys";
  }

  private static String pathOf(MismatchedInputException e) {
    StringBuilder sb = new StringBuilder();
    e.getPath()
        .forEach(
            ref -> {
              if (ref.getFieldName() != null) {
                sb.append(sb.length() == 0 ? "" : ".").append(ref.getFieldName());
              } else if (ref.getIndex() >= 0) {
                sb.append('[').append(ref.getIndex()).append(']');
              }
            });
    return sb.toString();
  }
}
