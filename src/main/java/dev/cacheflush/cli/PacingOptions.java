package dev.cacheflush.cli;

import dev.cacheflush.config.PacingSettings;
import dev.cacheflush.config.SettingsLayer;
import java.time.Duration;
import picocli.CommandLine.Option;

/** How a real flush paces its deletions for the database behind the cache (README, "Pacing"). */
public final class PacingOptions {
  @Option(
      names = "--spread",
      paramLabel = "DURATION",
      converter = DurationConverter.class,
      description =
          "Spread the deletions evenly over this long (e.g. 2m), so the misses reach the database as a "
              + "ramp; must be shorter than --timeout. Default: off.")
  Duration spread;

  @Option(
      names = "--db-max-latency",
      paramLabel = "DURATION",
      converter = DurationConverter.class,
      description =
          "With --db-url: slow the deletions down while the database probe's p99 over the last second"
              + " is above this (e.g. 20ms), speed up below it; the probe then runs every "
              + PacingSettings.DB_INTERVAL
              + " unless --db-interval says otherwise. Default: off.")
  Duration dbMaxLatency;

  /** Sets what these flags say on the flags' layer. */
  SettingsLayer.Builder applyTo(SettingsLayer.Builder flags) {
    return flags.spread(spread).dbMaxLatency(dbMaxLatency);
  }
}
