package dev.cacheflush.flush;

import dev.cacheflush.report.LatencyReport;
import java.time.Duration;

/**
 * The database's latency as its probe sees it while the flush runs (the real one is the monitor's
 * DbProbe); a seam so that pacing on it is tested with a fake.
 */
public interface LatencySignal {
  /**
   * What the probe saw lately.
   *
   * @param answered queries that answered in the window
   * @param failed queries that failed in the window
   * @param p99Nanos nearest-rank p99 of the answers (with fewer than 100, the slowest), 0 when none
   * @param runningNanos how long the query still running has run, 0 when none runs: a query slower
   *     than the bound shows before it answers
   */
  record Recent(int answered, int failed, long p99Nanos, long runningNanos) {}

  /** How often the probe sends its query. */
  Duration interval();

  /** The queries that ended in the last {@code windowNanos}, and the one still running. */
  Recent recent(long windowNanos);

  /** The queries that started in [fromNanos, toNanos), for the report. */
  LatencyReport between(long fromNanos, long toNanos);
}
