package dev.cacheflush.monitor;

import dev.cacheflush.report.LatencyReport;
import java.util.Arrays;

/**
 * Query latencies over a stretch of time: nearest-rank percentiles of the queries that answered,
 * and how many did not. With few samples p99 is simply the slowest one.
 */
public record LatencySummary(int samples, int errors, Double p50Ms, Double p99Ms, Double maxMs) {

  public static LatencySummary of(long[] latencyNanos, int errors) {
    if (latencyNanos.length == 0) {
      return new LatencySummary(0, errors, null, null, null);
    }
    long[] sorted = latencyNanos.clone();
    Arrays.sort(sorted);
    return new LatencySummary(
        sorted.length,
        errors,
        millis(percentile(sorted, 50)),
        millis(percentile(sorted, 99)),
        millis(sorted[sorted.length - 1]));
  }

  static long percentile(long[] sorted, int p) {
    int rank = (int) Math.ceil(p / 100.0 * sorted.length);
    return sorted[Math.max(0, rank - 1)];
  }

  private static double millis(long nanos) {
    return Math.round(nanos / 1_000.0) / 1_000.0;
  }

  /** during p50 / baseline p50: how many times slower the typical query got; null when either is unknown. */
  public static Double spikeRatio(LatencySummary baseline, LatencySummary during) {
    if (baseline == null
        || during == null
        || baseline.p50Ms() == null
        || during.p50Ms() == null
        || baseline.p50Ms() <= 0) {
      return null;
    }
    return Math.round(during.p50Ms() / baseline.p50Ms() * 100) / 100.0;
  }

  public LatencyReport report() {
    return new LatencyReport(samples, errors, p50Ms, p99Ms, maxMs);
  }
}
