package dev.cacheflush.redis;

import java.util.Locale;

/** How the cache is deployed, as found on connecting; its name is the report's {@code mode}. */
public enum Deployment {
  STANDALONE,
  CLUSTER,
  SENTINEL;

  /** The mode {@link RedisTarget#mode()} names. */
  public static Deployment of(String mode) {
    return valueOf(mode.toUpperCase(Locale.ROOT));
  }

  public String reportName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
