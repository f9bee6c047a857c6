package dev.cacheflush.flush;

import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * --spread: the deletions spread evenly over a duration, so the misses they cause reach the
 * database as a ramp, not a cliff. The number of keys to delete is known only once the scan has
 * ended, so the rate is re-planned before every batch: the keys estimated to remain over the time
 * remaining. With a steady estimate of N keys and batches of k, batch i goes at i·k/N of the
 * spread; when the estimate changes, the rest of the schedule follows it from there. Once the
 * spread has passed, it limits nothing (the keys still left go as fast as the other limits allow).
 */
public final class SpreadPacer implements Pacer {
  private final long spreadNanos;
  private final LongSupplier keysToDelete;
  private long start = Long.MIN_VALUE;
  private long firstEstimate = -1;
  private long lastEstimate = -1;

  /**
   * @param keysToDelete the current estimate of the keys the whole flush deletes
   */
  public SpreadPacer(Duration spread, LongSupplier keysToDelete) {
    this.spreadNanos = spread.toNanos();
    this.keysToDelete = keysToDelete;
  }

  /** The spread starts at the first batch: the time before it was spent finding keys to delete. */
  @Override
  public synchronized double keysPerSecond(long nowNanos, long sent) {
    if (start == Long.MIN_VALUE) {
      start = nowNanos;
    }
    long estimate = Math.max(keysToDelete.getAsLong(), sent);
    if (firstEstimate < 0) {
      firstEstimate = estimate;
    }
    lastEstimate = estimate;
    long left = spreadNanos - (nowNanos - start);
    if (left <= 0) {
      return Double.POSITIVE_INFINITY;
    }
    // At least one key remains while a batch is asking: an estimate the scan has already passed
    // must not stop the flush until the spread is over.
    return Math.max(1, estimate - sent) * 1e9 / left;
  }

  /** The estimate of the keys to delete the schedule first started from; -1 before the first batch. */
  public synchronized long firstEstimate() {
    return firstEstimate;
  }

  /** The estimate the schedule was last planned on; -1 before the first batch. */
  public synchronized long lastEstimate() {
    return lastEstimate;
  }

  /** The even rate the last estimate means over the whole spread, keys per second. */
  public synchronized double plannedKeysPerSecond() {
    return lastEstimate < 0 ? 0 : lastEstimate * 1e9 / spreadNanos;
  }
}
