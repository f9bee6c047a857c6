package dev.cacheflush.config;

import dev.cacheflush.CacheflushException;
import dev.cacheflush.ExitCode;
import dev.cacheflush.glob.RedisGlob;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Merges defaults &lt; file &lt; environment &lt; flags, then checks the result. */
public final class SettingsResolver {
  private SettingsResolver() {}

  /**
   * @param configFile the file named by --config, or null to look for cacheflush.yml in {@code cwd}
   * @param allowBroad whether a flush pattern that matches every key is accepted
   */
  public static Settings resolve(SettingsLayer flags, Map<String, String> env, Path configFile, Path cwd,
      boolean allowBroad) {
    SettingsLayer merged = SettingsLayer.DEFAULTS
        .overriddenBy(ConfigFile.load(configFile, cwd))
        .overriddenBy(Environment.layer(env))
        .overriddenBy(flags);

    List<RedisGlob> flush = compile("flush", merged.flush());
    List<RedisGlob> preserve = compile("preserve", merged.preserve());
    if (flush.isEmpty()) {
      throw new ConfigException("The flush pattern list is empty, so there is nothing to flush: give at least one --flush "
          + "pattern (or 'flush:' in cacheflush.yml, or FLUSH_PATTERNS)");
    }
    for (RedisGlob pattern : flush) {
      if (pattern.matches(Settings.LOCK_KEY.getBytes(StandardCharsets.UTF_8)) && !pattern.matchesEverything()) {
        throw new ConfigException("Flush pattern '" + pattern.pattern() + "' matches the lock key " + Settings.LOCK_KEY
            + " that keeps two flushes apart; narrow the pattern");
      }
      if (pattern.matchesEverything() && !allowBroad) {
        throw new CacheflushException(ExitCode.SAFETY, "Refusing flush pattern '" + pattern.pattern()
            + "': it matches every key in the database; name the cache families instead, or pass --allow-broad "
            + "if you really mean it (preserve patterns still apply)");
      }
    }
    return new Settings(
        RedisUrl.parse(merged.redisUrl()),
        flush,
        preserve,
        merged.dryRun(),
        positive("scan count (--scan-count)", merged.scanCount()),
        positive("batch size (--batch-size)", merged.batchSize()),
        positive("in-flight bound (--max-in-flight)", merged.maxInFlight()),
        positive("timeout (--timeout)", merged.timeout()),
        atLeastZero("retries (--retries)", merged.retries()),
        positive("connect timeout (--connect-timeout)", merged.connectTimeout()),
        positive("command timeout (--command-timeout)", merged.commandTimeout()),
        merged.lock(),
        merged.verify(),
        atLeastZero("rate cap (--max-rate)", merged.maxRate()),
        merged.maxLatency() == null ? null : positive("latency bound (--max-latency)", merged.maxLatency()));
  }

  /**
   * Only the Redis URL, from the same sources in the same order, for commands that read the cache
   * and delete nothing; the flush settings are not checked, as they do not apply.
   */
  public static RedisUrl redisUrl(String flag, Map<String, String> env, Path configFile, Path cwd) {
    SettingsLayer merged = ConfigFile.load(configFile, cwd)
        .overriddenBy(Environment.layer(env))
        .overriddenBy(new SettingsLayer(flag, null, null, null, null, null, null, null, null, null, null, null, null,
            null, null));
    return RedisUrl.parse(merged.redisUrl());
  }

  private static List<RedisGlob> compile(String kind, List<String> patterns) {
    List<RedisGlob> globs = new ArrayList<>();
    for (String p : patterns) {
      if (p == null || p.isEmpty()) {
        throw new ConfigException("Empty " + kind + " pattern: an empty pattern matches only the empty key and is "
            + "almost certainly a typo; remove it or write the pattern, e.g. 'mocs:*'");
      }
      globs.add(RedisGlob.compile(p));
    }
    return globs;
  }

  private static int positive(String what, Integer value) {
    if (value == null || value < 1) {
      throw new ConfigException("The " + what + " must be a whole number of 1 or more, got " + value);
    }
    return value;
  }

  private static int atLeastZero(String what, Integer value) {
    if (value == null || value < 0) {
      throw new ConfigException("The " + what + " must be a whole number of 0 or more, got " + value);
    }
    return value;
  }

  private static long atLeastZero(String what, Long value) {
    if (value == null || value < 0) {
      throw new ConfigException("The " + what + " must be a whole number of 0 or more, got " + value);
    }
    return value;
  }

  private static Duration positive(String what, Duration value) {
    if (value == null || value.isZero() || value.isNegative()) {
      throw new ConfigException("The " + what + " must be longer than zero, e.g. 60s");
    }
    return value;
  }
}
