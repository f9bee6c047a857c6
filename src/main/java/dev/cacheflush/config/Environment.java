package dev.cacheflush.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The settings the story names as environment variables (REDIS_URL, DRY_RUN and the pattern lists),
 * the credentials (REDIS_USERNAME, REDIS_PASSWORD: kept out of the URL, shell history and process
 * list) and the AWS region for IAM tokens (AWS_REGION, then AWS_DEFAULT_REGION, as the AWS CLI reads them).
 */
public final class Environment {
  private Environment() {}

  public static SettingsLayer layer(Map<String, String> env) {
    return new SettingsLayer(
        blankToNull(env.get("REDIS_URL")),
        patternList(env, "FLUSH_PATTERNS"),
        patternList(env, "PRESERVE_PATTERNS"),
        bool(env, "DRY_RUN"),
        null, null, null, null, null, null, null, null, null, null, null,
        new AccessLayer(blankToNull(env.get("REDIS_USERNAME")), blankToNull(env.get("REDIS_PASSWORD")),
            null, null, null, null, null, null, null, null,
            region(env)));
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

  private static String region(Map<String, String> env) {
    String region = blankToNull(env.get("AWS_REGION"));
    return region != null ? region : blankToNull(env.get("AWS_DEFAULT_REGION"));
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s;
  }
}
