package dev.cacheflush.config;

import java.time.Duration;
import java.util.List;

/**
 * The settings one source gives (built-in defaults, cacheflush.yml, environment, flags); null means
 * "this source says nothing". Layers are merged lowest first, so a higher source replaces a value,
 * and a pattern list, as a whole.
 *
 * @param access credentials, TLS and IAM: from the environment and flags only, never the file
 */
public record SettingsLayer(
    String redisUrl,
    List<String> flush,
    List<String> preserve,
    Boolean dryRun,
    Integer scanCount,
    Integer batchSize,
    Integer maxInFlight,
    Duration timeout,
    Integer retries,
    Duration connectTimeout,
    Duration commandTimeout,
    Boolean lock,
    Boolean verify,
    Long maxRate,
    Duration maxLatency,
    AccessLayer access) {

  public static final SettingsLayer EMPTY = new SettingsLayer(null, null, null, null, null, null, null, null, null,
      null, null, null, null, null, null, null);

  public SettingsLayer {
    access = access == null ? AccessLayer.EMPTY : access;
  }

  /** The story's lists and figures, and the tuning measured in docs/benchmarks.md. */
  public static final SettingsLayer DEFAULTS = new SettingsLayer(
      null,
      List.of("mocs:*", "gallery:*", "wishlist:*", "albums:*"),
      List.of("sessions:*", "ratelimit:*", "user-profiles:*"),
      false,
      null, // scanCount and batchSize: Settings picks them by whether the flush is paced
      null,
      2,
      Duration.ofSeconds(60),
      3,
      Duration.ofSeconds(10),
      Duration.ofSeconds(5),
      true,
      true,
      0L,
      null,
      AccessLayer.EMPTY);

  /** A layer with only the Redis URL (null to say nothing) and access settings, for commands that only read. */
  public static SettingsLayer access(String redisUrl, AccessLayer access) {
    return new SettingsLayer(redisUrl, null, null, null, null, null, null, null, null, null, null, null, null, null,
        null, access);
  }

  /** This layer with every value the higher layer gives replaced by that value. */
  public SettingsLayer overriddenBy(SettingsLayer higher) {
    return new SettingsLayer(
        pick(higher.redisUrl, redisUrl),
        pick(higher.flush, flush),
        pick(higher.preserve, preserve),
        pick(higher.dryRun, dryRun),
        pick(higher.scanCount, scanCount),
        pick(higher.batchSize, batchSize),
        pick(higher.maxInFlight, maxInFlight),
        pick(higher.timeout, timeout),
        pick(higher.retries, retries),
        pick(higher.connectTimeout, connectTimeout),
        pick(higher.commandTimeout, commandTimeout),
        pick(higher.lock, lock),
        pick(higher.verify, verify),
        pick(higher.maxRate, maxRate),
        pick(higher.maxLatency, maxLatency),
        access.overriddenBy(higher.access));
  }

  private static <T> T pick(T higher, T lower) {
    return higher != null ? higher : lower;
  }
}
