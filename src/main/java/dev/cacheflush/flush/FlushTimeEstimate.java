package dev.cacheflush.flush;

import dev.cacheflush.config.Settings;
import dev.cacheflush.report.FlushReport;

/**
 * How long a real flush of the keyspace a dry run has just counted would take, and whether that
 * fits the timeout. It starts from the scan rate the dry run measured, then adds what deleting the
 * matched keys costs, the verification pass over the keys that stay, and the lower bounds that
 * --max-rate and --spread put on the deletion.
 *
 * <p>It errs on the long side. The plan's answer is a go/no-go for the run (docs/runbook.md): a flush
 * estimated to fit that then stops at its deadline, half done, is the failure the estimate is there
 * to prevent. A latency bound (--max-latency, --db-max-latency) slows a flush by what the flush
 * meets, which a dry run cannot know; the README says so.
 */
final class FlushTimeEstimate {
  /**
   * What deleting a matched key costs, as a multiple of what the dry run's scan of a key cost.
   * Measured on W1 (2M keys, 1M matched), the deletion pass against the dry run of the same
   * keyspace: 1.1 to 2.0 (docs/benchmarks.md); the estimate takes the high end.
   */
  static final double DELETE_COST_PER_SCAN_COST = 2.0;

  /**
   * What the verification pass costs per key it scans (those that stay), as a multiple of the dry
   * run's cost per key. Measured with the connection's setup on the same runs: 1.0 to 1.2.
   */
  static final double VERIFY_COST_PER_SCAN_COST = 1.2;

  private FlushTimeEstimate() {}

  /**
   * @param scanned, matched what the dry run counted
   * @param scanNanos how long its scan took
   * @param dbSize the keys in the keyspace, which the dry run may have counted only part of
   */
  static FlushReport.DeadlineEstimate of(
      Settings settings, long scanned, long matched, long scanNanos, long dbSize) {
    double nanosPerKey = scanned == 0 ? 0 : (double) scanNanos / scanned;
    double matchedShare = scanned == 0 ? 0 : (double) matched / scanned;
    double toDelete = dbSize * matchedShare;
    double deletionMs = dbSize * nanosPerKey * (1 + matchedShare * DELETE_COST_PER_SCAN_COST) / 1e6;
    if (settings.maxRate() > 0) {
      deletionMs = Math.max(deletionMs, toDelete * 1000 / settings.maxRate());
    }
    if (settings.pacing().spread() != null) {
      deletionMs = Math.max(deletionMs, settings.pacing().spread().toMillis());
    }
    double verificationMs =
        settings.verify() ? (dbSize - toDelete) * nanosPerKey * VERIFY_COST_PER_SCAN_COST / 1e6 : 0;
    long estimatedMs = Math.round(deletionMs + verificationMs);
    long timeoutMs = settings.timeout().toMillis();
    return new FlushReport.DeadlineEstimate(
        nanosPerKey == 0 ? 0 : (long) (1e9 / nanosPerKey),
        estimatedMs,
        timeoutMs,
        estimatedMs < timeoutMs);
  }
}
