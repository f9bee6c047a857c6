package dev.cacheflush.cli;

import java.time.Duration;
import picocli.CommandLine.Option;

/** How hard and how long the run may work; defaults are in docs/benchmarks.md. */
public final class TuningOptions {
  @Option(names = "--scan-count", paramLabel = "N",
      description = "COUNT hint of each SCAN. Default: 500, or 100 with --max-rate or --max-latency.")
  Integer scanCount;

  @Option(names = "--batch-size", paramLabel = "N",
      description = "Keys per UNLINK batch. Default: 250, or 100 with --max-rate or --max-latency.")
  Integer batchSize;

  @Option(names = "--max-in-flight", paramLabel = "N",
      description = "UNLINK batches sent and not yet answered, per node. Default: 2.")
  Integer maxInFlight;

  @Option(names = "--timeout", paramLabel = "DURATION", converter = DurationConverter.class,
      description = "Deadline for the whole run (e.g. 60s, 5m); on it the run stops and reports (exit 3). Default: 60s.")
  Duration timeout;

  @Option(names = "--max-rate", paramLabel = "KEYS_PER_SEC",
      description = "Delete at most this many keys per second (0: no cap). Default: 0.")
  Long maxRate;

  @Option(names = "--max-latency", paramLabel = "DURATION", converter = DurationConverter.class,
      description = "Slow down while UNLINK round trips take longer than this (e.g. 5ms), so a busy cache is not "
          + "pushed over. Default: off.")
  Duration maxLatency;

  @Option(names = "--retries", paramLabel = "N",
      description = "How many times a failed connection or step is tried again, after about 1 s, 2 s, 4 s... Default: 3.")
  Integer retries;

  @Option(names = "--connect-timeout", paramLabel = "DURATION", converter = DurationConverter.class,
      description = "How long one connection attempt may take. Default: 10s.")
  Duration connectTimeout;

  @Option(names = "--command-timeout", paramLabel = "DURATION", converter = DurationConverter.class,
      description = "How long Redis may take to answer one command before the connection counts as failed. Default: 5s.")
  Duration commandTimeout;
}
