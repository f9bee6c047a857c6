package dev.cacheflush.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The settings the story names as environment variables: REDIS_URL, DRY_RUN and the pattern lists. */
public final class Environment {
  private Environment() {}

  public static SettingsLayer layer(Map<String, String> env) {
    return new SettingsLayer(
        blankToNull(env.get("REDIS_URL")),
        patternList(env, "FLUSH_PATTERNS"),
        patternList(env, "PRESERVE_PATTERNS"),
        bool(env, "DRY_RUN"),
        null, null, null, null, null, null, null, null, null, null, null);
  }

  static Boolean bool(Map<String, String> env, String name) {
    String value = blankToNull(env.get(name));
    if (value == null) {
      return null;
    }
    return switch (value.strip().toLowerCase(Locale.ROOT)) {
      case "true", "1", "yes" -> true;
      case "false", "0", "no" -> false;
      default -> throw new ConfigException(name + "='" + value + "' is not a boolean: set it to true or false");
    };
  }

  private static List<String> patternList(Map<String, String> env, String name) {
    String value = env.get(name);
    if (value == null) {
      return null;
    }
    List<String> patterns = new ArrayList<>();
    for (String part : value.split(",", -1)) {
      if (part.isBlank()) {
        throw new ConfigException(name + " contains an empty pattern: separate patterns with single commas, e.g. "
            + name + "='mocs:*,gallery:*'");
      }
      patterns.add(part.strip());
    }
    return patterns;
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s;
  }
}
