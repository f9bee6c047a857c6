package dev.cacheflush.cli;

import dev.cacheflush.config.MonitorSettings;
import dev.cacheflush.config.SettingsLayer;
import java.time.Duration;
import picocli.CommandLine.Option;

/** What a real flush observes around itself. */
public final class MonitorOptions {
  @Option(
      names = "--sample-window",
      paramLabel = "DURATION",
      converter = DurationConverter.class,
      description =
          "Measure the hit rate for this long right before the flush and again right after it; 0 skips "
              + "both (the flush then starts at once). Default: "
              + MonitorSettings.SAMPLE_WINDOW
              + ".")
  Duration sampleWindow;

  @Option(
      names = "--watch",
      paramLabel = "DURATION",
      converter = DurationConverter.class,
      description =
          "After the flush, watch the hit rate for this long, one line per --interval (the runbook's wait, "
              + "e.g. 2m). With --until-hit-rate, stop early on recovery, and exit 3 if it does not recover in time.")
  Duration watch;

  /** Sets what these flags say on the flags' layer (--watch is a flag only: it asks for a watch). */
  SettingsLayer.Builder applyTo(SettingsLayer.Builder flags) {
    return flags.sampleWindow(sampleWindow);
  }
}
