package dev.cacheflush.cli;

import dev.cacheflush.config.SettingsLayer;
import dev.cacheflush.config.WatchSettings;
import java.time.Duration;
import picocli.CommandLine.Option;

/** How a watch samples and what ends it early; shared by {@code watch} and {@code flush --watch}. */
public final class WatchConditionOptions {
  @Option(
      names = "--interval",
      paramLabel = "DURATION",
      converter = DurationConverter.class,
      description =
          "Length of each watch interval, one line each. Default: "
              + WatchSettings.INTERVAL
              + " (or the whole watch if shorter).")
  Duration interval;

  @Option(
      names = "--until-hit-rate",
      paramLabel = "RATIO",
      description =
          "Stop as soon as the hit rate is RATIO (0-1, e.g. 0.8) or more in --consecutive intervals in a "
              + "row: exit 0; not reaching it in time is exit 3.")
  Double untilHitRate;

  @Option(
      names = "--consecutive",
      paramLabel = "N",
      description =
          "Intervals in a row at or above --until-hit-rate that count as recovered. Default: "
              + WatchSettings.DEFAULT_CONSECUTIVE
              + ".")
  Integer consecutive;

  /** Sets what these flags say on the flags' layer. */
  SettingsLayer.Builder applyTo(SettingsLayer.Builder flags) {
    return flags.watchInterval(interval);
  }

  boolean anyGiven() {
    return interval != null || untilHitRate != null || consecutive != null;
  }
}
