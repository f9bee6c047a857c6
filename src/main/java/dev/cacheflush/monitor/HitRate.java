package dev.cacheflush.monitor;

/**
 * Lookups that found a key and lookups that did not, over one window. The ratio is undefined, not
 * zero, when there were no lookups: an idle cache has not lost its hit rate.
 */
public record HitRate(long hits, long misses) {
  public HitRate {
    if (hits < 0 || misses < 0) {
      throw new IllegalArgumentException(
          "negative lookups: " + hits + " hits, " + misses + " misses");
    }
  }

  public long lookups() {
    return hits + misses;
  }

  public boolean defined() {
    return lookups() > 0;
  }

  /** hits / (hits + misses), or null when there were no lookups. */
  public Double ratio() {
    return defined() ? (double) hits / lookups() : null;
  }

  public boolean atLeast(double target) {
    return defined() && ratio() >= target;
  }
}
