package dev.cacheflush.cli;

import dev.cacheflush.config.Settings;
import dev.cacheflush.config.SettingsLayer;
import java.time.Duration;
import picocli.CommandLine.Option;

/** How hard and how long the run may work; defaults are in docs/benchmarks.md. */
public final class TuningOptions {
  @Option(
      names = "--scan-count",
      paramLabel = "N",
      description =
          "COUNT hint of each SCAN. Default: "
              + Settings.SCAN_COUNT
              + ", or "
              + Settings.PACED_SCAN_COUNT
              + " with --max-rate or --max-latency.")
  Integer scanCount;

  @Option(
      names = "--batch-size",
      paramLabel = "N",
      description =
          "Keys per UNLINK batch. Default: "
              + Settings.BATCH_SIZE
              + ", or "
              + Settings.PACED_BATCH_SIZE
              + " with --max-rate or --max-latency.")
  Integer batchSize;

  @Option(
      names = "--max-in-flight",
      paramLabel = "N",
      description =
          "UNLINK batches sent and not yet answered, per node. Default: "
              + SettingsLayer.MAX_IN_FLIGHT
              + ".")
  Integer maxInFlight;

  @Option(
      names = "--timeout",
      paramLabel = "DURATION",
      converter = DurationConverter.class,
      description =
          "Deadline for the whole run (e.g. 60s, 5m); on it the run stops and reports (exit 3). Default: "
              + SettingsLayer.TIMEOUT
              + ".")
  Duration timeout;

  @Option(
      names = "--max-rate",
      paramLabel = "KEYS_PER_SEC",
      description = "Delete at most this many keys per second (0: no cap). Default: 0.")
  Long maxRate;

  @Option(
      names = "--max-latency",
      paramLabel = "DURATION",
      converter = DurationConverter.class,
      description =
          "Slow down while UNLINK round trips take longer than this (e.g. 5ms), so a busy cache is not "
              + "pushed over. Default: off.")
  Duration maxLatency;

  @Option(
      names = "--max-keys",
      paramLabel = "N",
      description =
          "Blast-radius cap: a flush that would delete more than N keys stops there (exit 4, report "
              + "written); a dry run says whether the cap would be reached. Default: no cap.")
  Long maxKeys;

  @Option(
      names = "--retries",
      paramLabel = "N",
      description =
          "How many times a failed connection or step is tried again, after about 1 s, 2 s, 4 s... Default: "
              + SettingsLayer.RETRIES
              + ".")
  Integer retries;

  @Option(
      names = "--connect-timeout",
      paramLabel = "DURATION",
      converter = DurationConverter.class,
      description =
          "How long one connection attempt may take. Default: "
              + SettingsLayer.CONNECT_TIMEOUT
              + ".")
  Duration connectTimeout;

  @Option(
      names = "--command-timeout",
      paramLabel = "DURATION",
      converter = DurationConverter.class,
      description =
          "How long Redis may take to answer one command before the connection counts as failed. Default: "
              + SettingsLayer.COMMAND_TIMEOUT
              + ".")
  Duration commandTimeout;

  /** Sets what these flags say on the flags' layer. */
  SettingsLayer.Builder applyTo(SettingsLayer.Builder flags) {
    return flags
        .scanCount(scanCount)
        .batchSize(batchSize)
        .maxInFlight(maxInFlight)
        .timeout(timeout)
        .maxRate(maxRate)
        .maxLatency(maxLatency)
        .maxKeys(maxKeys)
        .retries(retries)
        .connectTimeout(connectTimeout)
        .commandTimeout(commandTimeout);
  }
}
