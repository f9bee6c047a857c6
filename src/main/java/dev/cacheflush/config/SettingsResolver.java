package dev.cacheflush.config;

import dev.cacheflush.CacheflushException;
import dev.cacheflush.ExitCode;
import dev.cacheflush.glob.RedisGlob;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Merges defaults &lt; file &lt; environment &lt; flags, then checks the result. */
public final class SettingsResolver {
  private SettingsResolver() {}

  /**
   * @param configFile the file named by --config, or null to look for cacheflush.yml in {@code cwd}
   * @param allowBroad whether a flush pattern that matches every key is accepted
   */
  public static Settings resolve(
      SettingsLayer flags, Map<String, String> env, Path configFile, Path cwd, boolean allowBroad) {
    SettingsLayer merged = merge(flags, env, configFile, cwd);
    Patterns patterns = patterns(merged, allowBroad);
    Access access = access(merged, cwd);
    long maxRate =
        atMost(
            "rate cap (--max-rate, maxRate)",
            atLeastZero("rate cap (--max-rate)", merged.maxRate()),
            Settings.MAX_RATE,
            Settings.MAX_RATE_WHY);
    Duration maxLatency =
        merged.maxLatency() == null
            ? null
            : positive("latency bound (--max-latency)", merged.maxLatency());
    Duration timeout = positive("timeout (--timeout)", merged.timeout());
    PacingSettings pacing = PacingSettings.of(merged.spread(), merged.dbMaxLatency(), timeout);
    // A paced flush has time to spare, so it spends it on commands short enough that no other
    // client waits noticeably behind one; unpaced, larger ones keep the whole flush short.
    boolean paced = maxRate > 0 || maxLatency != null || pacing.paced();
    return new Settings(
        access.url(),
        patterns.flush(),
        patterns.preserve(),
        merged.dryRun(),
        atMost(
            "scan count (--scan-count, scanCount)",
            positive(
                "scan count (--scan-count)",
                orDefault(
                    merged.scanCount(), paced ? Settings.PACED_SCAN_COUNT : Settings.SCAN_COUNT)),
            Settings.MAX_SCAN_COUNT,
            Settings.MAX_SCAN_COUNT_WHY),
        atMost(
            "batch size (--batch-size, batchSize)",
            positive(
                "batch size (--batch-size)",
                orDefault(
                    merged.batchSize(), paced ? Settings.PACED_BATCH_SIZE : Settings.BATCH_SIZE)),
            Settings.MAX_BATCH_SIZE,
            Settings.MAX_BATCH_SIZE_WHY),
        atMost(
            "in-flight bound (--max-in-flight, maxInFlight)",
            positive("in-flight bound (--max-in-flight)", merged.maxInFlight()),
            Settings.MAX_IN_FLIGHT,
            Settings.MAX_IN_FLIGHT_WHY),
        timeout,
        atLeastZero("retries (--retries)", merged.retries()),
        positive("connect timeout (--connect-timeout)", merged.connectTimeout()),
        positive("command timeout (--command-timeout)", merged.commandTimeout()),
        merged.lock(),
        merged.verify(),
        maxRate,
        maxLatency,
        access.tls(),
        access.iam(),
        merged.maxKeys() == null ? null : atLeastOne("key cap (--max-keys)", merged.maxKeys()),
        pacing);
  }

  /** Where the cache is and how to reach it: the URL with its credentials, TLS and IAM settings. */
  public record Access(RedisUrl url, TlsSettings tls, IamSettings iam) {}

  /**
   * Only the connection, from the same sources in the same order, for commands that read the cache
   * and delete nothing ({@code watch}); the flush settings are not checked, as they do not apply.
   */
  public static Access access(
      SettingsLayer flags, Map<String, String> env, Path configFile, Path cwd) {
    return access(merge(flags, env, configFile, cwd), cwd);
  }

  private static Access access(SettingsLayer merged, Path cwd) {
    RedisUrl url = RedisUrl.parse(merged.redisUrl());
    AccessLayer access = merged.access();
    TlsSettings tls = tls(access, url, cwd);
    IamSettings iam = iam(access, url);
    // Credentials set on their own (env, flags) win over the ones inside the URL, wherever it came
    // from.
    RedisUrl withCredentials =
        url.withCredentials(iam != null ? iam.user() : access.username(), access.password());
    if (iam == null
        && withCredentials.username().isPresent()
        && withCredentials.password().isEmpty()) {
      // Said without the name: someone who wrote redis://secret@host meant it as a password.
      throw new ConfigException(
          "A Redis user is given without a password: cacheflush reads redis://NAME@host as the "
              + "user NAME (as RFC 3986 and redis-py do), so set REDIS_PASSWORD (or --redis-password) for it; for a "
              + "password alone write redis://:PASSWORD@host");
    }
    return new Access(withCredentials, tls, iam);
  }

  /** The flush and preserve lists, checked, from the same sources in the same order. */
  public record Patterns(List<RedisGlob> flush, List<RedisGlob> preserve) {}

  /** What the least-privilege rule depends on: the pattern lists, and whether flushes take the lock. */
  public record AclScope(Patterns patterns, boolean lock) {}

  /**
   * Only what {@code acl} needs, from the same sources in the same order; it connects to nothing, so
   * no Redis URL is required.
   */
  public static AclScope aclScope(
      SettingsLayer flags, Map<String, String> env, Path configFile, Path cwd, boolean allowBroad) {
    SettingsLayer merged = merge(flags, env, configFile, cwd);
    return new AclScope(patterns(merged, allowBroad), merged.lock());
  }

  /**
   * All sources merged and not yet checked, for the settings whose checks live with their own
   * record (the monitor, watch, database probe and metrics settings: {@link MonitorSettings#of}
   * and the others).
   */
  public static SettingsLayer merge(
      SettingsLayer flags, Map<String, String> env, Path configFile, Path cwd) {
    return SettingsLayer.DEFAULTS
        .overriddenBy(ConfigFile.load(configFile, cwd))
        .overriddenBy(Environment.layer(env))
        .overriddenBy(flags);
  }

  private static Patterns patterns(SettingsLayer merged, boolean allowBroad) {
    List<RedisGlob> flush = compile("flush", merged.flush());
    List<RedisGlob> preserve = compile("preserve", merged.preserve());
    if (flush.isEmpty()) {
      throw new ConfigException(
          "The flush pattern list is empty, so there is nothing to flush: give at least one --flush "
              + "pattern (or 'flush:' in cacheflush.yml, or FLUSH_PATTERNS)");
    }
    for (RedisGlob pattern : flush) {
      if (pattern.matches(Settings.LOCK_KEY.getBytes(StandardCharsets.UTF_8))
          && !pattern.matchesEverything()) {
        throw new ConfigException(
            "Flush pattern '"
                + pattern.pattern()
                + "' matches the lock key "
                + Settings.LOCK_KEY
                + " that keeps two flushes apart; narrow the pattern");
      }
      if (pattern.matchesEverything() && !allowBroad) {
        throw new CacheflushException(
            ExitCode.SAFETY,
            "Refusing flush pattern '"
                + pattern.pattern()
                + "': it matches every key in the database; name the cache families instead, or pass --allow-broad "
                + "if you really mean it (preserve patterns still apply)");
      }
    }
    return new Patterns(flush, preserve);
  }

  private static TlsSettings tls(AccessLayer access, RedisUrl url, Path cwd) {
    if (!url.tls()) {
      if (access.hasTlsDetails()) {
        throw new ConfigException(
            "--tls-ca, --tls-verify, --tls-cert and --tls-key apply to TLS connections only: use "
                + "a rediss:// URL, or drop them");
      }
      return TlsSettings.DEFAULT;
    }
    if ((access.tlsCert() == null) != (access.tlsKey() == null)) {
      throw new ConfigException(
          "--tls-cert and --tls-key go together: give both the client certificate and its "
              + "private key (PEM files)");
    }
    return new TlsSettings(
        readable(access.tlsCa(), cwd, "--tls-ca", "CA certificate"),
        access.tlsVerify() != null ? access.tlsVerify() : TlsSettings.Verify.FULL,
        readable(access.tlsCert(), cwd, "--tls-cert", "client certificate"),
        readable(access.tlsKey(), cwd, "--tls-key", "client key"));
  }

  private static IamSettings iam(AccessLayer access, RedisUrl url) {
    if (!Boolean.TRUE.equals(access.iam())) {
      if (access.hasIamDetails()) {
        throw new ConfigException(
            "--iam-user, --iam-cache-name and --iam-serverless only apply with --iam");
      }
      return null;
    }
    if (!url.tls()) {
      throw new ConfigException(
          "ElastiCache IAM authentication (--iam) needs TLS: use a rediss:// URL");
    }
    if (access.password() != null || url.password().isPresent()) {
      throw new ConfigException(
          "--iam signs a fresh token to use as the password: remove the password from the Redis "
              + "URL and REDIS_PASSWORD");
    }
    String user =
        access.iamUser() != null
            ? access.iamUser()
            : access.username() != null ? access.username() : url.username().orElse(null);
    if (user == null || user.isBlank()) {
      throw new ConfigException(
          "--iam needs the ElastiCache user the token is for: pass --iam-user (or put the user in "
              + "the Redis URL or REDIS_USERNAME)");
    }
    String cache = access.iamCacheName();
    if (cache == null || cache.isBlank()) {
      throw new ConfigException(
          "--iam needs --iam-cache-name: the replication group id (or the serverless cache name) "
              + "the token is signed for");
    }
    // ElastiCache stores replication group ids and cache names in lower case, and signs against
    // that.
    return new IamSettings(
        user,
        cache.strip().toLowerCase(Locale.ROOT),
        access.region(),
        Boolean.TRUE.equals(access.iamServerless()));
  }

  private static long atLeastZero(String what, Long value) {
    if (value == null || value < 0) {
      throw new ConfigException(
          "The " + what + " must be a whole number of 0 or more, got " + value);
    }
    return value;
  }

  private static long atMost(String what, long value, long max, String why) {
    if (value > max) {
      throw new ConfigException(
          String.format(
              Locale.ROOT, "The %s may be at most %,d, got %,d: %s", what, max, value, why));
    }
    return value;
  }

  private static long atLeastOne(String what, long value) {
    if (value < 1) {
      throw new ConfigException(
          "The " + what + " must be a whole number of 1 or more, got " + value);
    }
    return value;
  }

  private static int atMost(String what, int value, int max, String why) {
    return (int) atMost(what, (long) value, max, why);
  }

  private static Path readable(Path file, Path cwd, String flag, String what) {
    if (file == null) {
      return null;
    }
    Path resolved = cwd.resolve(file);
    if (!Files.isRegularFile(resolved) || !Files.isReadable(resolved)) {
      throw new ConfigException(
          "Cannot read the " + what + " " + resolved + ": give a readable PEM file to " + flag);
    }
    return resolved;
  }

  private static List<RedisGlob> compile(String kind, List<String> patterns) {
    List<RedisGlob> globs = new ArrayList<>();
    for (String p : patterns) {
      if (p == null || p.isEmpty()) {
        throw new ConfigException(
            "Empty "
                + kind
                + " pattern: an empty pattern matches only the empty key and is "
                + "almost certainly a typo; remove it or write the pattern, e.g. 'mocs:*'");
      }
      globs.add(RedisGlob.compile(p));
    }
    return globs;
  }

  private static Integer orDefault(Integer value, int fallback) {
    return value != null ? value : fallback;
  }

  private static int positive(String what, Integer value) {
    if (value == null || value < 1) {
      throw new ConfigException(
          "The " + what + " must be a whole number of 1 or more, got " + value);
    }
    return value;
  }

  private static int atLeastZero(String what, Integer value) {
    if (value == null || value < 0) {
      throw new ConfigException(
          "The " + what + " must be a whole number of 0 or more, got " + value);
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
