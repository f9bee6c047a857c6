package dev.cacheflush.flush;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;

/**
 * Keeps a flush from pushing a busy production cache over: a cap on keys deleted per second
 * (token bucket), and a guard that backs off while UNLINK round trips take longer than a bound,
 * since slow round trips are the first sign that the server's event loop is saturated.
 *
 * <p>The guard is additive-increase/multiplicative-decrease on a pause taken before each batch:
 * a slow reply doubles the pause (from 1 ms up to 1 s), a fast one halves it.
 */
public final class Throttle {
  /** Sleeps for the given nanoseconds; a seam so the schedule can be tested without waiting. */
  @FunctionalInterface
  public interface Sleeper {
    void sleep(long nanos) throws InterruptedException;
  }

  private static final long MIN_PAUSE = TimeUnit.MILLISECONDS.toNanos(1);
  private static final long MAX_PAUSE = TimeUnit.SECONDS.toNanos(1);

  /**
   * How far behind its schedule the cap may fall and still catch up. A sleep ends late by tens of
   * microseconds; with a batch every millisecond, forgiving that lateness every time would lose
   * several per cent of the rate. Catching up on up to this much is a burst too small to matter.
   */
  static final long CATCH_UP = TimeUnit.MILLISECONDS.toNanos(5);

  private final double nanosPerKey;
  private final long maxLatencyNanos;
  private final LongSupplier clock;
  private final Sleeper sleeper;
  private long nextAllowed;
  private long pause;

  /**
   * @param maxKeysPerSecond 0 for no cap
   * @param maxLatency null for no guard
   */
  public Throttle(long maxKeysPerSecond, Duration maxLatency, LongSupplier clock, Sleeper sleeper) {
    this.nanosPerKey = maxKeysPerSecond > 0 ? 1e9 / maxKeysPerSecond : 0;
    this.maxLatencyNanos = maxLatency == null ? 0 : maxLatency.toNanos();
    this.clock = clock;
    this.sleeper = sleeper;
    this.nextAllowed = clock.getAsLong();
  }

  public static Throttle of(long maxKeysPerSecond, Duration maxLatency) {
    return new Throttle(maxKeysPerSecond, maxLatency, System::nanoTime, Throttle::park);
  }

  /**
   * Thread.sleep rounds any fraction of a millisecond up to a whole one (and more), which at a
   * batch per millisecond cost a sixth of the rate (docs/benchmarks.md); parkNanos wakes within
   * tens of microseconds.
   */
  private static void park(long nanos) throws InterruptedException {
    long end = System.nanoTime() + nanos;
    for (long left = nanos; left > 0; left = end - System.nanoTime()) {
      LockSupport.parkNanos(left);
      if (Thread.interrupted()) {
        throw new InterruptedException();
      }
    }
  }

  public boolean active() {
    return nanosPerKey > 0 || maxLatencyNanos > 0;
  }

  /** Waits until {@code keys} more deletions are allowed, and takes them. */
  public void beforeSend(int keys) throws InterruptedException {
    long wait;
    synchronized (this) {
      long now = clock.getAsLong();
      // A cap is a rate over time, not a debt: idle time does not buy a burst later, beyond the
      // little lateness of the sleeps themselves.
      long start = Math.max(nextAllowed, now - CATCH_UP);
      nextAllowed = start + (long) (keys * nanosPerKey);
      wait = Math.max(0, start - now) + pause;
    }
    if (wait > 0) {
      sleeper.sleep(wait);
    }
  }

  /** Told the round trip of each UNLINK batch that was answered. */
  public synchronized void observed(long roundTripNanos) {
    if (maxLatencyNanos == 0) {
      return;
    }
    if (roundTripNanos > maxLatencyNanos) {
      pause = Math.min(MAX_PAUSE, Math.max(MIN_PAUSE, pause * 2));
    } else {
      pause = pause / 2 < MIN_PAUSE ? 0 : pause / 2;
    }
  }

  synchronized long pauseNanos() {
    return pause;
  }
}
