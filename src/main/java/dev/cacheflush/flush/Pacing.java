package dev.cacheflush.flush;

import dev.cacheflush.config.PacingSettings;
import dev.cacheflush.config.Settings;
import dev.cacheflush.report.FlushReport;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;

/**
 * How one real flush paces its deletions: the {@link Throttle} of its deletion pass with the
 * pacers its settings ask for (--spread, --db-max-latency) beside the fixed cap and guard
 * (--max-rate, --max-latency), and what they did, for the report.
 */
public final class Pacing {
  private final Settings settings;
  private final LatencySignal signal;
  private final SpreadPacer spread;
  private final DbLatencyPacer db;
  private final Duration dbWindow;
  private final LongSupplier clock;
  private Throttle throttle;
  private long passStarted;
  private long passEnded;

  Pacing(
      Settings settings,
      LatencySignal signal,
      SpreadPacer spread,
      DbLatencyPacer db,
      Duration dbWindow,
      LongSupplier clock) {
    this.settings = settings;
    this.signal = signal;
    this.spread = spread;
    this.db = db;
    this.dbWindow = dbWindow;
    this.clock = clock;
  }

  /**
   * @param signal the database probe, or null without one (then --db-max-latency cannot be given:
   *     the command refuses it before connecting)
   * @param tally the flush's counts, which the spread's estimate of the keys to delete reads
   * @param dbSize the keys in the database when the flush started
   */
  public static Pacing of(Settings settings, LatencySignal signal, Tally tally, long dbSize) {
    PacingSettings asked = settings.pacing();
    SpreadPacer spread =
        asked.spread() == null
            ? null
            : new SpreadPacer(asked.spread(), new KeysToDeleteEstimate(tally, dbSize));
    Duration window = signal == null ? null : PacingSettings.dbWindow(signal.interval());
    DbLatencyPacer db =
        asked.dbMaxLatency() == null || signal == null
            ? null
            : new DbLatencyPacer(signal, asked.dbMaxLatency(), window);
    return new Pacing(settings, signal, spread, db, window, System::nanoTime);
  }

  /**
   * The throttle of the deletion pass, made once: the spread and the rate the latency bound
   * decided carry over a reconnect.
   *
   * @param stopWaiting true once a batch waiting its turn should not be sent (stop, deadline)
   */
  synchronized Throttle throttle(BooleanSupplier stopWaiting) {
    if (throttle == null) {
      List<Pacer> pacers = new ArrayList<>();
      if (spread != null) {
        pacers.add(spread);
      }
      if (db != null) {
        pacers.add(db);
      }
      throttle = Throttle.of(settings.maxRate(), settings.maxLatency(), pacers, stopWaiting);
    }
    return throttle;
  }

  void passStarted() {
    passStarted = clock.getAsLong();
  }

  void passEnded() {
    passEnded = clock.getAsLong();
  }

  /** What the pacing did, and how long the deletion really took. */
  FlushReport.Pacing report() {
    PacingSettings asked = settings.pacing();
    long deletionMs = TimeUnit.NANOSECONDS.toMillis(passEnded - passStarted);
    return new FlushReport.Pacing(
        asked.spread() == null ? null : asked.spread().toMillis(),
        asked.dbMaxLatency() == null ? null : asked.dbMaxLatency().toMillis(),
        db == null ? null : dbWindow.toMillis(),
        deletionMs,
        spread == null || spread.firstEstimate() < 0 ? null : spread.firstEstimate(),
        spread == null || spread.lastEstimate() < 0 ? null : spread.lastEstimate(),
        spread == null ? null : round(spread.plannedKeysPerSecond()),
        throttle == null ? 0 : throttle.heldBatches(),
        throttle == null ? 0 : TimeUnit.NANOSECONDS.toMillis(throttle.waitedNanos()),
        db == null ? null : db.slowdowns(),
        db == null ? null : db.speedups(),
        db == null ? null : round(db.lowest()),
        db == null || db.highestP99Nanos() < 0
            ? null
            : Math.round(db.highestP99Nanos() / 1e3) / 1e3,
        signal == null ? null : signal.between(passStarted, passEnded));
  }

  private static double round(double keysPerSecond) {
    return Math.round(keysPerSecond * 10) / 10.0;
  }
}
