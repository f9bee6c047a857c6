package dev.cacheflush.config;

import java.time.Duration;
import java.util.Locale;

/**
 * How long to watch the hit rate and when to stop: after {@code limit} in any case, and earlier
 * when {@code untilHitRate} is set and reached for {@code consecutive} intervals in a row.
 *
 * @param untilHitRate the ratio (0..1] to wait for, or null to only observe for {@code limit}
 */
public record WatchSettings(
    Duration limit, Duration interval, Double untilHitRate, int consecutive) {
  /** The defaults, each once: the help texts of --interval and --within quote them. */
  public static final String INTERVAL = "10s";

  public static final String WITHIN = "10m";
  public static final Duration DEFAULT_INTERVAL = Durations.parse(INTERVAL, "interval");
  public static final Duration DEFAULT_WITHIN = Durations.parse(WITHIN, "within");
  public static final int DEFAULT_CONSECUTIVE = 3;

  /**
   * Intervals one watch may have, at most: each is kept for the report and its chart (a day at the
   * default interval is 8,640), so their number bounds what the watch holds.
   */
  public static final int MAX_INTERVALS = 10_000;

  /**
   * @param limitName the option that gave the limit, for messages (--for, --within, --watch)
   */
  public static WatchSettings of(
      String limitName,
      Duration limit,
      Duration interval,
      Double untilHitRate,
      Integer consecutive) {
    if (limit == null || limit.isZero() || limit.isNegative()) {
      throw new ConfigException(limitName + " must be longer than zero, e.g. 2m");
    }
    Duration step =
        interval != null
            ? interval
            : DEFAULT_INTERVAL.compareTo(limit) > 0 ? limit : DEFAULT_INTERVAL;
    if (step.toMillis() < 100) {
      throw new ConfigException("--interval must be 100ms or more, got " + Durations.format(step));
    }
    if (step.compareTo(limit) > 0) {
      throw new ConfigException(
          "--interval "
              + Durations.format(step)
              + " is longer than "
              + limitName
              + " "
              + Durations.format(limit)
              + ": choose a shorter interval");
    }
    long intervals = (limit.toMillis() + step.toMillis() - 1) / step.toMillis();
    if (intervals > MAX_INTERVALS) {
      throw new ConfigException(
          String.format(
              Locale.ROOT,
              "%s %s at --interval %s is %,d intervals; a watch may "
                  + "have at most %,d, as each is kept for the report: choose a longer --interval or a shorter %s",
              limitName,
              Durations.format(limit),
              Durations.format(step),
              intervals,
              MAX_INTERVALS,
              limitName));
    }
    if (untilHitRate != null && (untilHitRate.isNaN() || untilHitRate <= 0 || untilHitRate > 1)) {
      throw new ConfigException(
          String.format(
              Locale.ROOT,
              "--until-hit-rate %s is not a ratio: write it between 0 and 1, e.g. 0.8 for 80%%",
              untilHitRate));
    }
    if (untilHitRate == null && consecutive != null) {
      throw new ConfigException("--consecutive only applies with --until-hit-rate");
    }
    int n = consecutive != null ? consecutive : DEFAULT_CONSECUTIVE;
    if (n < 1) {
      throw new ConfigException("--consecutive must be 1 or more, got " + n);
    }
    if (n > MAX_INTERVALS) {
      throw new ConfigException(
          String.format(
              Locale.ROOT,
              "--consecutive may be at most %,d, got %,d: a watch has at " + "most %,d intervals",
              MAX_INTERVALS,
              n,
              MAX_INTERVALS));
    }
    return new WatchSettings(limit, step, untilHitRate, n);
  }

  public boolean gated() {
    return untilHitRate != null;
  }
}
