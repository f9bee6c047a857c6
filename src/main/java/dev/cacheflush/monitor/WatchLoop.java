package dev.cacheflush.monitor;

import dev.cacheflush.CacheflushException;
import dev.cacheflush.config.Durations;
import dev.cacheflush.config.WatchSettings;
import dev.cacheflush.flush.StopSignal;
import dev.cacheflush.report.WatchReport;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * Samples the cache once per interval and hands each interval on as it ends, until the limit, or,
 * with a target hit rate, until the target was reached in enough consecutive intervals. Intervals
 * are laid on a fixed grid from the start, so time spent sampling does not stretch the watch, and
 * each interval starts where the previous one ended, so no lookup is missed or counted twice.
 */
public final class WatchLoop {
  /** How the watch ended, and its report. */
  public record Watched(WatchOutcome outcome, WatchReport report) {}

  private final StatsSource source;
  private final DbProbe probe;
  private final WatchSettings settings;
  private final Ticker ticker;
  private final StopSignal stop;

  /**
   * @param probe the database probe whose latencies each interval shows, or null
   * @param stop ends the watch (outcome {@code interrupted}) at the next wake of the ticker
   */
  public WatchLoop(
      StatsSource source, DbProbe probe, WatchSettings settings, Ticker ticker, StopSignal stop) {
    this.source = source;
    this.probe = probe;
    this.settings = settings;
    this.ticker = ticker;
    this.stop = stop;
  }

  /**
   * Watches from {@code start} on; failures end the watch with outcome {@code failed} and the
   * intervals seen so far, rather than throwing them away.
   */
  public Watched run(StatsSnapshot start, Consumer<WatchReport.Interval> listener) {
    long origin = start.nanos();
    long limit = settings.limit().toNanos();
    long step = settings.interval().toNanos();
    List<WatchReport.Interval> intervals = new ArrayList<>();
    StatsSnapshot previous = start;
    int streak = 0;
    try {
      for (long k = 1; ; k++) {
        long end = Math.min(k * step, limit);
        long wait = origin + end - ticker.nanos();
        if (wait > 0) {
          ticker.sleep(Duration.ofNanos(wait));
        }
        if (stop.requested()) {
          return report(settings, WatchOutcome.INTERRUPTED, null, "stopped on request", intervals);
        }
        StatsSnapshot current = source.snapshot();
        StatsWindow window = StatsWindow.between(previous, current);
        LatencySummary db = probe == null ? null : probe.between(previous.nanos(), current.nanos());
        WatchReport.Interval interval =
            new WatchReport.Interval(
                current.at().toString(),
                window.windowMs(),
                window.hitRate().hits(),
                window.hitRate().misses(),
                window.hitRate().ratio(),
                Math.round(window.opsPerSecond() * 10) / 10.0,
                window.keys(),
                db == null ? null : db.p50Ms(),
                db == null ? null : db.p99Ms());
        intervals.add(interval);
        listener.accept(interval);
        previous = current;
        if (settings.gated()) {
          streak = window.hitRate().atLeast(settings.untilHitRate()) ? streak + 1 : 0;
          if (streak >= settings.consecutive()) {
            return report(
                settings,
                WatchOutcome.RECOVERED,
                (current.nanos() - origin) / 1_000_000,
                null,
                intervals);
          }
        }
        if (end >= limit) {
          return report(
              settings,
              settings.gated() ? WatchOutcome.NOT_RECOVERED : WatchOutcome.OBSERVED,
              null,
              null,
              intervals);
        }
      }
    } catch (CacheflushException e) {
      return report(settings, WatchOutcome.FAILED, null, e.getMessage(), intervals);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return report(settings, WatchOutcome.INTERRUPTED, null, "interrupted", intervals);
    }
  }

  /** The report of a watch that could not start, e.g. because Redis could not be reached. */
  public static Watched failedToStart(WatchSettings settings, String message) {
    return report(settings, WatchOutcome.FAILED, null, message, List.of());
  }

  /** Why a watch that waited for recovery ends with exit code 3, in one line. */
  public static String notRecovered(WatchSettings settings, Watched watch) {
    if (watch.outcome() == WatchOutcome.FAILED) {
      return "could not watch the hit rate recover: " + watch.report().message();
    }
    return String.format(
        Locale.ROOT,
        "the hit rate did not reach %.1f%% in %d consecutive intervals within %s",
        settings.untilHitRate() * 100,
        settings.consecutive(),
        Durations.format(settings.limit()));
  }

  private static Watched report(
      WatchSettings settings,
      WatchOutcome outcome,
      Long recoveredAfterMs,
      String message,
      List<WatchReport.Interval> intervals) {
    return new Watched(
        outcome,
        new WatchReport(
            settings.gated() ? "until-hit-rate" : "for",
            settings.limit().toMillis(),
            settings.interval().toMillis(),
            settings.untilHitRate(),
            settings.gated() ? settings.consecutive() : null,
            outcome.reportName(),
            recoveredAfterMs,
            message,
            List.copyOf(intervals)));
  }
}
