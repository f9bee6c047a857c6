package dev.cacheflush.monitor;

import dev.cacheflush.CacheflushException;
import dev.cacheflush.config.Durations;
import dev.cacheflush.config.MonitorSettings;
import dev.cacheflush.config.RedisUrl;
import dev.cacheflush.flush.FlushObserver;
import dev.cacheflush.flush.LatencySignal;
import dev.cacheflush.flush.StopSignal;
import dev.cacheflush.flush.Tally;
import dev.cacheflush.metrics.FlushMetrics;
import dev.cacheflush.metrics.Metric;
import dev.cacheflush.metrics.MetricsSink;
import dev.cacheflush.redis.ConnectOptions;
import dev.cacheflush.redis.Deadline;
import dev.cacheflush.redis.RedisTarget;
import dev.cacheflush.report.DatabaseReport;
import dev.cacheflush.report.HitRateReport;
import dev.cacheflush.report.WatchReport;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cache around a real flush: the hit rate in a window before it and one after it, the watch,
 * the database probe, and the metrics of it all. It observes over a connection of its own, and
 * anything that goes wrong while observing is a warning: the flush is the job. The one exception
 * is a watch asked to wait for recovery: not seeing it is exit code 3, as the watch command's own.
 */
public final class CacheObserver implements FlushObserver {
  private static final Logger log = LoggerFactory.getLogger(CacheObserver.class);

  private final RedisUrl url;
  private final ConnectOptions connect;
  private final MonitorSettings settings;
  private final MetricsSink sink;
  private final FlushMetrics metrics;
  private final Consumer<WatchReport.Interval> printer;
  private final Ticker ticker;
  private final Clock clock;
  private final StopSignal stop;

  /** Opens the connection to sample over; a seam for tests. */
  private final Sampling sampling;

  private RedisTarget redis;
  private StatsSource sampler;
  private String unmeasured;
  private DbProbe probe;
  private long probeStart;
  private long flushStart;
  private long flushEnd;

  /** The flush ran, or failed trying: not declined. */
  private boolean flushed;

  private boolean deleted;
  private Measured before;
  private Measured after;
  private WatchLoop.Watched watch;

  /** Connects the sampler, or throws a {@link CacheflushException} saying why it cannot. */
  interface Sampling {
    StatsSource open(CacheObserver observer);
  }

  /** A window, its report (with the database's latency over it, if probed), and where it ended. */
  private record Measured(HitRateReport.Window report, StatsSnapshot end) {}

  /**
   * @param sink closed with this observer
   * @param printer shows each watch interval as it ends
   */
  public CacheObserver(
      RedisUrl url,
      ConnectOptions connect,
      MonitorSettings settings,
      MetricsSink sink,
      Consumer<WatchReport.Interval> printer,
      Ticker ticker,
      Clock clock,
      StopSignal stop) {
    this(url, connect, settings, sink, printer, ticker, clock, stop, CacheObserver::connectSampler);
  }

  CacheObserver(
      RedisUrl url,
      ConnectOptions connect,
      MonitorSettings settings,
      MetricsSink sink,
      Consumer<WatchReport.Interval> printer,
      Ticker ticker,
      Clock clock,
      StopSignal stop,
      Sampling sampling) {
    this.url = url;
    this.connect = connect;
    this.settings = settings;
    this.sink = sink;
    this.metrics = new FlushMetrics(url, settings.metrics().stage());
    this.printer = printer;
    this.ticker = ticker;
    this.clock = clock;
    this.stop = stop;
    this.sampling = sampling;
  }

  /**
   * Connects once: the flush connects and retries on its own, and observing must not hold it up.
   * The samples are retried like any command of the run, each under a deadline of its own, as long
   * as all its commands' retries can take: no one deadline covers the prompt, the flush and the watch.
   */
  private static StatsSource connectSampler(CacheObserver o) {
    RedisTarget redis =
        RedisTarget.connect(
            o.url, o.connect.withoutRetries(), new Deadline(o.clock, o.connect.connectTimeout()));
    o.redis = redis;
    StatsSampler sampler =
        new StatsSampler(redis.readNodes(), redis.primaries(), o.ticker, o.clock);
    Duration perSample =
        o.connect
            .longestRetried()
            .multipliedBy(redis.readNodes().size() + (long) redis.primaries().size());
    return () -> {
      redis.retryWithin(o.connect.backoff(), new Deadline(o.clock, perSample));
      return sampler.snapshot();
    };
  }

  @Override
  public void connected() {
    // Read before the probe starts: its first query runs at once on its own thread and belongs in.
    probeStart = ticker.nanos();
    probe = settings.db() == null ? null : DbProbe.start(settings.db(), ticker, stop);
    if (settings.samples() || settings.watch() != null) {
      try {
        sampler = sampling.open(this);
      } catch (CacheflushException e) {
        unmeasured = e.getMessage();
        log.warn("The hit rate is not measured: {}", unmeasured);
      }
    }
    if (probe != null) {
      probe.awaitFirstAnswer();
    }
  }

  @Override
  public void baseline() {
    if (sampler != null && settings.samples()) {
      log.info(
          "Measuring the hit rate for {} before the flush (--sample-window 0 skips this)",
          Durations.format(settings.sampleWindow()));
      before = measure("before the flush");
    }
  }

  @Override
  public void flushStarting() {
    flushStart = ticker.nanos();
  }

  @Override
  public void flushEnded(Tally tally, long durationMs, Instant at) {
    flushed = true;
    flushEnd = ticker.nanos();
    if (flushStart == 0) {
      // Never started (the run failed before): nothing ran, so the baseline is all there is.
      flushStart = flushEnd;
    }
    List<Metric> done =
        new ArrayList<>(
            metrics.flushed(
                tally.scanned(),
                tally.matched(),
                tally.deleted(),
                tally.preserved(),
                durationMs,
                at));
    done.addAll(
        metrics.hitRate(FlushMetrics.HIT_RATE_BEFORE, before == null ? null : before.report()));
    sink.publish(done);
  }

  @Override
  public LatencySignal dbLatency() {
    return probe == null ? null : probe.signal();
  }

  @Override
  public void after() {
    deleted = true;
    if (sampler != null && settings.samples()) {
      log.info(
          "Measuring the hit rate for {} after the flush",
          Durations.format(settings.sampleWindow()));
      after = measure("after the flush");
      if (after != null) {
        sink.publish(metrics.hitRate(FlushMetrics.HIT_RATE_AFTER, after.report()));
      }
    }
  }

  @Override
  public String watch() {
    if (settings.watch() == null || stop.requested()) {
      return null;
    }
    watch = startWatch();
    if (watch.outcome() == WatchOutcome.FAILED) {
      log.warn("The watch stopped: {}", watch.report().message());
    }
    return settings.watch().gated()
            && watch.outcome() != WatchOutcome.RECOVERED
            && watch.outcome() != WatchOutcome.INTERRUPTED
        ? WatchLoop.notRecovered(settings.watch(), watch)
        : null;
  }

  private WatchLoop.Watched startWatch() {
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
    log.info(
        "Watching the hit rate for {}{}",
        Durations.format(settings.watch().limit()),
        settings.watch().gated()
            ? String.format(
                Locale.ROOT,
                " or until it is %.1f%% or more in %d consecutive intervals",
                settings.watch().untilHitRate() * 100,
                settings.watch().consecutive())
            : "");
    return new WatchLoop(sampler, probe, settings.watch(), ticker, stop)
        .run(
            start,
            interval -> {
              printer.accept(interval);
              sink.publish(metrics.interval(interval));
            });
  }

  @Override
  public Observation observation() {
    DatabaseReport database = null;
    if (probe != null) {
      long end = ticker.nanos();
      probe.close();
      LatencySummary baseline = probe.between(probeStart, flushed ? flushStart : end);
      LatencySummary during = deleted ? probe.between(flushEnd, end) : null;
      database =
          new DatabaseReport(
              settings.db().maskedUrl(),
              settings.db().query(),
              settings.db().interval().toMillis(),
              baseline.report(),
              during == null ? null : during.report(),
              LatencySummary.spikeRatio(baseline, during),
              probe.firstError());
      if (flushed) {
        sink.publish(metrics.database(database, clock.instant()));
      }
    }
    HitRateReport hitRate =
        settings.samples()
            ? new HitRateReport(
                settings.sampleWindow().toMillis(),
                before == null ? null : before.report(),
                after == null ? null : after.report())
            : null;
    return new Observation(hitRate, database, watch == null ? null : watch.report());
  }

  /** One window, or null: with a warning when Redis could not be sampled, at once on a stop request. */
  private Measured measure(String when) {
    try {
      StatsSnapshot start = sampler.snapshot();
      ticker.sleep(settings.sampleWindow());
      if (stop.requested()) {
        return null;
      }
      StatsSnapshot end = sampler.snapshot();
      StatsWindow window = StatsWindow.between(start, end);
      log.info(
          "Hit rate {}: {} of {} lookups in {} ms",
          when,
          window.hitRate().defined()
              ? String.format(Locale.ROOT, "%.1f%%", window.hitRate().ratio() * 100)
              : "n/a",
          window.hitRate().lookups(),
          window.windowMs());
      return new Measured(
          window.report(probe == null ? null : probe.between(start.nanos(), end.nanos())), end);
    } catch (CacheflushException e) {
      log.warn("Could not measure the hit rate {}: {}", when, e.getMessage());
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  /** Stops the probe, closes the connection and the metrics sink, which this observer owns. */
  @Override
  public void close() {
    try {
      if (probe != null) {
        probe.close();
      }
      if (redis != null) {
        redis.close();
      }
    } finally {
      sink.close();
    }
  }
}
