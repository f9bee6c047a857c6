package dev.cacheflush.config;

import java.time.Duration;

/**
 * How a real flush paces its deletions so the database behind the cache can absorb the misses
 * they cause: spread evenly over a duration, and/or held under a latency bound of the database
 * probe. Either may be null (not asked for). The fixed caps (--max-rate, --max-latency) are in
 * {@link Settings}; all of them act through one throttle.
 *
 * @param spread delete evenly over this long (--spread), or null
 * @param dbMaxLatency slow down while the database probe's recent p99 is above this
 *     (--db-max-latency; needs --db-url), or null
 */
public record PacingSettings(Duration spread, Duration dbMaxLatency) {
  public static final PacingSettings NONE = new PacingSettings(null, null);

  /**
   * How often the database probe runs when --db-max-latency paces on it and --db-interval is not
   * given: often enough that each decision's window holds about ten answers.
   */
  public static final String DB_INTERVAL = "100ms";

  public static final Duration DEFAULT_DB_INTERVAL = Durations.parse(DB_INTERVAL, "dbInterval");

  /** The shortest window of probe answers a decision of --db-max-latency looks at. */
  public static final Duration MIN_DB_WINDOW = Duration.ofSeconds(1);

  /** Probe answers per decision window, at least: fewer would make its p99 one query's luck. */
  public static final int ANSWERS_PER_WINDOW = 10;

  /**
   * @param timeout the run's deadline, which still applies: a spread that does not fit in it is
   *     refused rather than cut short
   */
  public static PacingSettings of(Duration spread, Duration dbMaxLatency, Duration timeout) {
    if (spread != null) {
      if (spread.isZero() || spread.isNegative()) {
        throw new ConfigException(
            "The spread (--spread) must be longer than zero, e.g. 2m; leave it out for no spread");
      }
      if (spread.compareTo(timeout) >= 0) {
        throw new ConfigException(
            "--spread "
                + Durations.format(spread)
                + " does not fit in the run's deadline (--timeout "
                + Durations.format(timeout)
                + "): the deletions are spread within it, and the scan and the verification need time"
                + " too; raise --timeout (e.g. --timeout "
                + Durations.format(spread.plusMinutes(1))
                + ") or shorten --spread");
      }
    }
    if (dbMaxLatency != null && (dbMaxLatency.isZero() || dbMaxLatency.isNegative())) {
      throw new ConfigException(
          "The database latency bound (--db-max-latency) must be longer than zero, e.g. 20ms");
    }
    return new PacingSettings(spread, dbMaxLatency);
  }

  /** Whether anything paces the deletions: the flush then sends smaller commands (Settings). */
  public boolean paced() {
    return spread != null || dbMaxLatency != null;
  }

  /**
   * The window of probe answers each decision of --db-max-latency looks at, and how often it
   * decides: {@link #MIN_DB_WINDOW}, or {@link #ANSWERS_PER_WINDOW} probe intervals when that is
   * longer.
   */
  public static Duration dbWindow(Duration probeInterval) {
    Duration answers = probeInterval.multipliedBy(ANSWERS_PER_WINDOW);
    return answers.compareTo(MIN_DB_WINDOW) > 0 ? answers : MIN_DB_WINDOW;
  }
}
