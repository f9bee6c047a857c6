package dev.cacheflush.config;

import java.time.Duration;

/**
 * What a flush observes around itself, kept apart from {@link Settings} (which says what to
 * delete): the hit-rate windows before and after, the optional watch, the optional database probe
 * and where metrics go.
 *
 * @param sampleWindow the length of each hit-rate window before and after the flush; zero skips both
 * @param watch the watch right after the flush, or null
 * @param db the database probe, or null
 */
public record MonitorSettings(
    Duration sampleWindow, WatchSettings watch, DbSettings db, MetricsSettings metrics) {
  /** The default, once: --sample-window's help text quotes it. */
  public static final String SAMPLE_WINDOW = "10s";

  public static final Duration DEFAULT_SAMPLE_WINDOW =
      Durations.parse(SAMPLE_WINDOW, "sampleWindow");

  public static MonitorSettings of(
      Duration sampleWindow, WatchSettings watch, DbSettings db, MetricsSettings metrics) {
    Duration window = sampleWindow != null ? sampleWindow : DEFAULT_SAMPLE_WINDOW;
    if (window.isNegative() || (!window.isZero() && window.toMillis() < 100)) {
      throw new ConfigException(
          "--sample-window must be 0 (skip) or 100ms or more, got " + Durations.format(window));
    }
    if (db != null && window.isZero() && watch == null) {
      throw new ConfigException(
          "--db-url needs time to measure in: keep --sample-window above 0 (the baseline "
              + "before the flush) or add --watch");
    }
    return new MonitorSettings(window, watch, db, metrics);
  }

  public boolean samples() {
    return !sampleWindow.isZero();
  }
}
