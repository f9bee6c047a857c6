package dev.cacheflush.monitor;

import dev.cacheflush.CacheflushException;
import dev.cacheflush.ExitCode;
import dev.cacheflush.config.Durations;
import dev.cacheflush.config.MonitorSettings;
import dev.cacheflush.config.RedisUrl;
import dev.cacheflush.metrics.FlushMetrics;
import dev.cacheflush.metrics.Metric;
import dev.cacheflush.metrics.MetricsSink;
import dev.cacheflush.flush.Confirmation;
import dev.cacheflush.redis.ConnectOptions;
import dev.cacheflush.redis.Deadline;
import dev.cacheflush.redis.RedisTarget;
import dev.cacheflush.report.DatabaseReport;
import dev.cacheflush.report.FlushReport;
import dev.cacheflush.report.HitRateReport;
import dev.cacheflush.report.WatchReport;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A flush with the cache observed around it: the hit rate in a window before and one after, the
 * watch, the database probe, and the metrics of it all. It observes over a connection of its own,
 * so the flush runs exactly as it would unobserved, and anything that goes wrong while observing is
 * a warning: the flush is the job. The one exception is a watch asked to wait for recovery: not
 * seeing it is exit code 3, as the watch command's own.
 */
public final class ObservedFlush {
  private static final Logger log = LoggerFactory.getLogger(ObservedFlush.class);

  private final RedisUrl url;
  private final ConnectOptions connect;
  private final MonitorSettings settings;
  private final MetricsSink sink;
  private final FlushMetrics metrics;
  private final Consumer<WatchReport.Interval> printer;
  private final Ticker ticker;
  private final Clock clock;

  /** @param printer shows each watch interval as it ends */
  public ObservedFlush(RedisUrl url, ConnectOptions connect, MonitorSettings settings, MetricsSink sink,
      Consumer<WatchReport.Interval> printer, Ticker ticker, Clock clock) {
    this.url = url;
    // The flush connects and retries on its own; observing must not add its own round of retries.
    this.connect = connect.withoutRetries();
    this.settings = settings;
    this.sink = sink;
    this.metrics = new FlushMetrics(url, settings.metrics().stage());
    this.printer = printer;
    this.ticker = ticker;
    this.clock = clock;
  }

  /** A window, its report (with the database's latency over it, if probed), and where it ended. */
  private record Measured(HitRateReport.Window report, StatsSnapshot end) {}

  /**
   * @param confirmation asked before anything is measured, so a person is not kept waiting for a
   *     window before the question, and the window is right before the flush
   * @param flush the flush, given the confirmation to ask
   */
  public FlushReport run(Confirmation confirmation, Function<Confirmation, FlushReport> flush) {
    // Read before the probe starts: its first query runs at once on its own thread and belongs in.
    long probeStart = ticker.nanos();
    DbProbe probe = settings.db() == null ? null : DbProbe.start(settings.db(), ticker);
    RedisTarget redis = null;
    try {
      StatsSource sampler = null;
      String unmeasured = null;
      if (settings.samples() || settings.watch() != null) {
        try {
          redis = RedisTarget.connect(url, connect, new Deadline(clock, connect.connectTimeout()));
          sampler = new StatsSampler(redis.readNodes(), redis.primaries(), ticker, clock);
        } catch (CacheflushException e) {
          unmeasured = e.getMessage();
          log.warn("The hit rate is not measured: {}", unmeasured);
        }
      }

      StatsSource measured = sampler;
      Measured[] before = new Measured[1];
      long[] flushStart = new long[1];
      FlushReport report = flush.apply((target, mode, keys) -> {
        if (!confirmation.confirm(target, mode, keys)) {
          return false;
        }
        if (measured != null && settings.samples()) {
          log.info("Measuring the hit rate for {} before the flush (--sample-window 0 skips this)",
              Durations.format(settings.sampleWindow()));
          try {
            before[0] = measure(measured, probe, "before the flush");
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CacheflushException(ExitCode.INTERRUPTED, "Interrupted before the flush; nothing was deleted");
          }
        }
        flushStart[0] = ticker.nanos();
        return true;
      });
      long flushEnd = ticker.nanos();
      if (flushStart[0] == 0) {
        // Never confirmed or never connected: nothing ran, so the baseline is all there is.
        flushStart[0] = flushEnd;
      }
      if ("declined".equals(report.outcome())) {
        return report;
      }
      List<Metric> done = new ArrayList<>(metrics.flushed(report));
      done.addAll(metrics.hitRate(FlushMetrics.HIT_RATE_BEFORE, before[0] == null ? null : before[0].report()));
      sink.publish(done);

      boolean deleted = "completed".equals(report.outcome()) || "timeout".equals(report.outcome());
      Measured after = null;
      if (deleted && sampler != null && settings.samples()) {
        try {
          after = measure(sampler, probe, "after the flush");
        } catch (InterruptedException e) {
          // The flush is done and its report must still be written; the watch, if any, ends at once.
          Thread.currentThread().interrupt();
        }
        if (after != null) {
          sink.publish(metrics.hitRate(FlushMetrics.HIT_RATE_AFTER, after.report()));
        }
      }

      WatchReport watch = null;
      if (settings.watch() != null && "completed".equals(report.outcome())) {
        watch = watch(sampler, probe, after, unmeasured);
      }

      DatabaseReport database = null;
      if (probe != null) {
        long end = ticker.nanos();
        probe.close();
        LatencySummary baseline = probe.between(probeStart, flushStart[0]);
        LatencySummary during = deleted ? probe.between(flushEnd, end) : null;
        database = new DatabaseReport(settings.db().maskedUrl(), settings.db().query(),
            settings.db().interval().toMillis(), baseline.report(), during == null ? null : during.report(),
            LatencySummary.spikeRatio(baseline, during), probe.firstError());
        sink.publish(metrics.database(database, clock.instant()));
      }

      HitRateReport hitRate = settings.samples()
          ? new HitRateReport(settings.sampleWindow().toMillis(), before[0] == null ? null : before[0].report(),
              after == null ? null : after.report())
          : null;
      int exitCode = report.exitCode();
      String message = report.message();
      if (exitCode == ExitCode.DONE && watch != null && settings.watch().gated()
          && !WatchLoop.RECOVERED.equals(watch.outcome())) {
        exitCode = ExitCode.DEADLINE;
        message = WatchLoop.notRecovered(settings.watch(), watch);
      }
      return report.observed(hitRate, database, watch, exitCode, message);
    } finally {
      if (probe != null) {
        probe.close();
      }
      if (redis != null) {
        redis.close();
      }
    }
  }

  private WatchReport watch(StatsSource sampler, DbProbe probe, Measured after, String unmeasured) {
    if (sampler == null) {
      return WatchLoop.failedToStart(settings.watch(), unmeasured);
    }
    StatsSnapshot start;
    try {
      start = after != null ? after.end() : sampler.snapshot();
    } catch (CacheflushException e) {
      log.warn("Could not watch the hit rate: {}", e.getMessage());
      return WatchLoop.failedToStart(settings.watch(), e.getMessage());
    }
    log.info("Watching the hit rate for {}{}", Durations.format(settings.watch().limit()),
        settings.watch().gated()
            ? String.format(Locale.ROOT, " or until it is %.1f%% or more in %d consecutive intervals",
                settings.watch().untilHitRate() * 100, settings.watch().consecutive())
            : "");
    WatchReport watch = new WatchLoop(sampler, probe, settings.watch(), ticker).run(start, interval -> {
      printer.accept(interval);
      sink.publish(metrics.interval(interval));
    });
    if (WatchLoop.FAILED.equals(watch.outcome())) {
      log.warn("The watch stopped: {}", watch.message());
    }
    return watch;
  }

  /** One window, or null with a warning when Redis could not be sampled. */
  private Measured measure(StatsSource sampler, DbProbe probe, String when) throws InterruptedException {
    try {
      StatsSnapshot start = sampler.snapshot();
      ticker.sleep(settings.sampleWindow());
      StatsSnapshot end = sampler.snapshot();
      StatsWindow window = StatsWindow.between(start, end);
      log.info("Hit rate {}: {} of {} lookups in {} ms", when,
          window.hitRate().defined() ? String.format(Locale.ROOT, "%.1f%%", window.hitRate().ratio() * 100) : "n/a",
          window.hitRate().lookups(), window.windowMs());
      return new Measured(window.report(probe == null ? null : probe.between(start.nanos(), end.nanos())), end);
    } catch (CacheflushException e) {
      log.warn("Could not measure the hit rate {}: {}", when, e.getMessage());
      return null;
    }
  }
}
