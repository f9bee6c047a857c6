package dev.cacheflush.flush;

import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * --db-max-latency: holds the deletions to a rate the database behind the cache absorbs. Every
 * deleted key that is still read becomes a miss, and every miss a query; so once a window, it
 * looks at the database probe's p99 over that window and halves the rate while it is above the
 * bound, raises it by a quarter while it is at most {@link #HEADROOM} of it, and holds it in
 * between (or when no query answered to judge by). A failed probe query, or one still running
 * past the bound, counts as over it: a database that does not answer is not absorbing.
 *
 * <p>It starts at {@link #START_KEYS_PER_SECOND}, not unpaced: an unpaced flush is over before the
 * probe has seen its first miss. A halving starts from the rate the flush really reached in the
 * window, when that was lower (the scan, or another pacer, held it back), so that a rate raised
 * while something else limited the flush does not take several windows to bite. It never goes
 * below {@link #FLOOR_KEYS_PER_SECOND}, so the flush always moves; the deadline (--timeout) still
 * ends it.
 */
public final class DbLatencyPacer implements Pacer {
  private static final Logger log = LoggerFactory.getLogger(DbLatencyPacer.class);

  static final double START_KEYS_PER_SECOND = 100;
  static final double FLOOR_KEYS_PER_SECOND = 10;
  static final double CEILING_KEYS_PER_SECOND = 10_000_000;
  static final double SPEED_UP = 1.25;
  static final double SLOW_DOWN = 0.5;

  /** The share of the bound below which the p99 must be for the rate to rise: room for the lag. */
  static final double HEADROOM = 0.8;

  private final LatencySignal signal;
  private final long boundNanos;
  private final long windowNanos;
  private double rate = START_KEYS_PER_SECOND;
  private long lastDecision = Long.MIN_VALUE;
  private long sentAtDecision;
  private int slowdowns;
  private int speedups;
  private double lowest = START_KEYS_PER_SECOND;
  private long highestP99 = -1;

  /**
   * @param bound the probe's p99 above which the flush slows down
   * @param window how much of the probe's recent answers a decision looks at, and how often it
   *     decides
   */
  public DbLatencyPacer(LatencySignal signal, Duration bound, Duration window) {
    this.signal = signal;
    this.boundNanos = bound.toNanos();
    this.windowNanos = window.toNanos();
  }

  @Override
  public synchronized double keysPerSecond(long nowNanos, long sent) {
    if (lastDecision == Long.MIN_VALUE) {
      lastDecision = nowNanos;
      sentAtDecision = sent;
    } else if (nowNanos - lastDecision >= windowNanos) {
      decide(nowNanos, sent);
    }
    return rate;
  }

  private void decide(long now, long sent) {
    LatencySignal.Recent recent = signal.recent(windowNanos);
    double reached = (sent - sentAtDecision) * 1e9 / (now - lastDecision);
    lastDecision = now;
    sentAtDecision = sent;
    long seen = Math.max(recent.p99Nanos(), recent.runningNanos());
    if (recent.answered() > 0 || recent.runningNanos() > 0) {
      highestP99 = Math.max(highestP99, seen);
    }
    if (recent.failed() > 0 || seen > boundNanos) {
      double from = reached > 0 ? Math.min(rate, reached) : rate;
      rate = Math.max(FLOOR_KEYS_PER_SECOND, from * SLOW_DOWN);
      slowdowns++;
      lowest = Math.min(lowest, rate);
      log.debug(
          "Database p99 {} ms{} over the bound: {} keys/s",
          seen / 1e6,
          recent.failed() > 0 ? " (with failed queries)" : "",
          Math.round(rate));
    } else if (recent.answered() > 0 && seen <= boundNanos * HEADROOM) {
      rate = Math.min(CEILING_KEYS_PER_SECOND, rate * SPEED_UP);
      speedups++;
      log.debug("Database p99 {} ms within the bound: {} keys/s", seen / 1e6, Math.round(rate));
    }
  }

  /** The rate in force, keys per second. */
  public synchronized double rate() {
    return rate;
  }

  /** Decisions that lowered the rate. */
  public synchronized int slowdowns() {
    return slowdowns;
  }

  /** Decisions that raised it. */
  public synchronized int speedups() {
    return speedups;
  }

  /** The lowest rate it set, keys per second (the start rate when it never slowed down). */
  public synchronized double lowest() {
    return lowest;
  }

  /** The highest p99 a decision saw, in nanoseconds; -1 when none saw an answer. */
  public synchronized long highestP99Nanos() {
    return highestP99;
  }
}
