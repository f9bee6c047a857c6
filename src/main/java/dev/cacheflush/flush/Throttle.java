package dev.cacheflush.flush;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;

/**
 * Keeps a flush from pushing a busy production cache, or the database behind it, over: a cap on
 * keys deleted per second (token bucket), {@link Pacer}s that set a rate of their own as the flush
 * goes (--spread, --db-max-latency), and a guard that backs off while UNLINK round trips take
 * longer than a bound, since slow round trips are the first sign that the server's event loop is
 * saturated. One throttle serves every shard of a flush: the limits are on the whole flush.
 *
 * <p>Each batch is held to the lowest rate in force: the cap and every pacer's. The rate is asked
 * again every {@link #SLICE} while a batch waits, so a pacer that allows more lets it go sooner,
 * and a stop request or the deadline ends the wait (the batch is then not sent).
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

  /** The longest a batch sleeps before the rate, a stop request and the deadline are looked at again. */
  static final long SLICE = TimeUnit.MILLISECONDS.toNanos(100);

  private final double capNanosPerKey;
  private final long maxLatencyNanos;
  private final List<Pacer> pacers;
  private final LongSupplier clock;
  private final Sleeper sleeper;
  private final BooleanSupplier stopWaiting;

  /** When the last batch was let through (its slot on the schedule), and its keys. */
  private long lastStart;

  private long lastKeys;
  private long sent;
  private long pause;
  private long heldBatches;
  private long waitedNanos;

  /**
   * @param maxKeysPerSecond 0 for no cap
   * @param maxLatency null for no guard
   */
  public Throttle(long maxKeysPerSecond, Duration maxLatency, LongSupplier clock, Sleeper sleeper) {
    this(maxKeysPerSecond, maxLatency, List.of(), clock, sleeper, () -> false);
  }

  /**
   * @param pacers rates of their own, each asked before every batch
   * @param stopWaiting true once a batch waiting its turn should not be sent at all (a stop request,
   *     the deadline)
   */
  public Throttle(
      long maxKeysPerSecond,
      Duration maxLatency,
      List<Pacer> pacers,
      LongSupplier clock,
      Sleeper sleeper,
      BooleanSupplier stopWaiting) {
    this.capNanosPerKey = maxKeysPerSecond > 0 ? 1e9 / maxKeysPerSecond : 0;
    this.maxLatencyNanos = maxLatency == null ? 0 : maxLatency.toNanos();
    this.pacers = List.copyOf(pacers);
    this.clock = clock;
    this.sleeper = sleeper;
    this.stopWaiting = stopWaiting;
    this.lastStart = clock.getAsLong();
  }

  public static Throttle of(long maxKeysPerSecond, Duration maxLatency) {
    return of(maxKeysPerSecond, maxLatency, List.of(), () -> false);
  }

  public static Throttle of(
      long maxKeysPerSecond, Duration maxLatency, List<Pacer> pacers, BooleanSupplier stopWaiting) {
    return new Throttle(
        maxKeysPerSecond, maxLatency, pacers, System::nanoTime, Throttle::park, stopWaiting);
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
    return capNanosPerKey > 0 || maxLatencyNanos > 0 || !pacers.isEmpty();
  }

  /**
   * Waits until {@code keys} more deletions are allowed, and takes them.
   *
   * @return false when the wait ended on {@code stopWaiting}: the batch must not be sent
   */
  public boolean beforeSend(int keys) throws InterruptedException {
    long wait;
    boolean held = false;
    while (true) {
      synchronized (this) {
        long now = clock.getAsLong();
        double due = lastKeys == 0 ? lastStart : lastStart + lastKeys * nanosPerKey(now);
        if (due - now <= SLICE) {
          // A cap is a rate over time, not a debt: idle time does not buy a burst later, beyond the
          // little lateness of the sleeps themselves.
          long start = Math.max((long) due, now - CATCH_UP);
          lastStart = start;
          lastKeys = keys;
          sent += keys;
          wait = Math.max(0, start - now) + pause;
          waitedNanos += wait;
          if (held || wait > 0) {
            heldBatches++;
          }
          break;
        }
      }
      if (stopWaiting.getAsBoolean()) {
        return false;
      }
      held = true;
      sleeper.sleep(SLICE);
      synchronized (this) {
        waitedNanos += SLICE;
      }
    }
    if (wait > 0) {
      sleeper.sleep(wait);
    }
    return true;
  }

  /**
   * The time one key costs now: that of the lowest rate of the cap and the pacers; 0 for no limit,
   * infinite while a pacer allows nothing.
   */
  private double nanosPerKey(long now) {
    double nanosPerKey = capNanosPerKey;
    for (Pacer pacer : pacers) {
      double rate = pacer.keysPerSecond(now, sent);
      if (rate < Double.POSITIVE_INFINITY) {
        nanosPerKey = Math.max(nanosPerKey, rate > 0 ? 1e9 / rate : Double.POSITIVE_INFINITY);
      }
    }
    return nanosPerKey;
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

  /** Batches that waited for their turn (the cap, a pacer or the guard's pause). */
  public synchronized long heldBatches() {
    return heldBatches;
  }

  /** The waits decided, summed over every shard. */
  public synchronized long waitedNanos() {
    return waitedNanos;
  }
}
