package dev.cacheflush.flush;

import dev.cacheflush.report.DatabaseReport;
import dev.cacheflush.report.HitRateReport;
import dev.cacheflush.report.WatchReport;
import java.time.Instant;

/**
 * Watches the cache around a flush. The {@link FlushCoordinator} tells it of each step as it gets
 * there; it measures over a connection of its own, so the flush runs exactly as it would
 * unobserved, and anything that goes wrong while observing is a warning, never the flush's failure.
 * Its waits end early on a stop request. {@link #NONE} observes nothing: the dry run.
 */
public interface FlushObserver extends AutoCloseable {
  FlushObserver NONE = new FlushObserver() {};

  /** What was observed, for the report; each part null when it was not. */
  record Observation(HitRateReport hitRate, DatabaseReport database, WatchReport watch) {}

  /** The flush's target answered: connect to observe it, start the database probe. */
  default void connected() {}

  /** The hit-rate window before the flush, measured before the person is asked to confirm. */
  default void baseline() {}

  /** The person said yes (or --yes did): the flush starts now, and with it the time after the baseline. */
  default void flushStarting() {}

  /**
   * The flush ended (it was not declined), with whatever it did.
   *
   * @param at when it ended
   */
  default void flushEnded(Tally tally, long durationMs, Instant at) {}

  /**
   * The database probe's latency, for --db-max-latency to pace on while the flush deletes; null
   * without a probe.
   */
  default LatencySignal dbLatency() {
    return null;
  }

  /** The hit-rate window after a flush that deleted keys. */
  default void after() {}

  /**
   * Watches the hit rate after a completed flush, when asked to.
   *
   * @return why the run ends with exit code 3 (a watch told to wait for recovery did not see it), or null
   */
  default String watch() {
    return null;
  }

  /** What was observed, once it is over. */
  default Observation observation() {
    return new Observation(null, null, null);
  }

  @Override
  default void close() {}
}
