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
    return SettingsLayer.builder()
        .redisUrl(value(env, "REDIS_URL"))
        .flush(patternList(env, "FLUSH_PATTERNS"))
        .preserve(patternList(env, "PRESERVE_PATTERNS"))
        .dryRun(bool(env, "DRY_RUN"))
        .access(
            AccessLayer.builder()
                .username(value(env, "REDIS_USERNAME"))
                .password(value(env, "REDIS_PASSWORD"))
                .region(region(env))
                .build())
        .build();
  }

  /** The variable's value, or null when it is unset or blank: an empty variable says nothing. */
  static String value(Map<String, String> env, String name) {
    String s = env.get(name);
    return s == null || s.isBlank() ? null : s;
  }

  static Boolean bool(Map<String, String> env, String name) {
    String value = value(env, name);
    if (value == null) {
      return null;
    }
    return switch (value.strip().toLowerCase(Locale.ROOT)) {
      case "true", "1", "yes" -> true;
      case "false", "0", "no" -> false;
      default ->
          throw new ConfigException(
              name + "='" + value + "' is not a boolean: set it to true or false");
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
        throw new ConfigException(
            name
                + " contains an empty pattern: separate patterns with single commas, e.g. "
                + name
                + "='mocs:*,gallery:*'");
      }
      patterns.add(part.strip());
    }
    return patterns;
  }

  private static String region(Map<String, String> env) {
    String region = value(env, "AWS_REGION");
    return region != null ? region : value(env, "AWS_DEFAULT_REGION");
  }
}
