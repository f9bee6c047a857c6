package dev.cacheflush.monitor;

import dev.cacheflush.CacheflushException;
import dev.cacheflush.ExitCode;
import dev.cacheflush.config.DbSettings;
import dev.cacheflush.config.SettingsResolver;
import dev.cacheflush.config.WatchSettings;
import dev.cacheflush.flush.StopSignal;
import dev.cacheflush.metrics.FlushMetrics;
import dev.cacheflush.metrics.MetricsSink;
import dev.cacheflush.redis.ConnectOptions;
import dev.cacheflush.redis.Deadline;
import dev.cacheflush.redis.Deployment;
import dev.cacheflush.redis.RedisTarget;
import dev.cacheflush.report.DatabaseReport;
import dev.cacheflush.report.WatchReport;
import dev.cacheflush.report.WatchRunReport;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Consumer;

/**
 * {@code cacheflush watch}: the hit rate (and database latency) interval by interval, until the
 * time is up or the hit rate has recovered. Exit 0 when it ran its time or recovered, 3 when it
 * did not recover in time, 1 (or the failure's own code) when Redis could not be watched.
 */
public final class WatchJob {
  private final SettingsResolver.Access access;
  private final WatchSettings settings;
  private final DbSettings db;
  private final MetricsSink sink;
  private final FlushMetrics metrics;
  private final Consumer<WatchReport.Interval> printer;
  private final Ticker ticker;
  private final Clock clock;
  private final StopSignal stop;

  /** @param db the database to probe, or null */
  public WatchJob(
      SettingsResolver.Access access,
      WatchSettings settings,
      DbSettings db,
      MetricsSink sink,
      String stage,
      Consumer<WatchReport.Interval> printer,
      Ticker ticker,
      Clock clock,
      StopSignal stop) {
    this.access = access;
    this.settings = settings;
    this.db = db;
    this.sink = sink;
    this.metrics = new FlushMetrics(access.url(), stage);
    this.printer = printer;
    this.ticker = ticker;
    this.clock = clock;
    this.stop = stop;
  }

  public WatchRunReport run() {
    Instant started = clock.instant();
    // Read before the probe starts: its first query runs at once on its own thread and belongs in.
    long probeStart = ticker.nanos();
    DbProbe probe = db == null ? null : DbProbe.start(db, ticker, stop);
    String mode = Deployment.STANDALONE.reportName();
    int failureCode = ExitCode.FAILED;
    WatchLoop.Watched watch;
    DatabaseReport database = null;
    ConnectOptions options = ConnectOptions.of(access);
    try (RedisTarget redis =
        RedisTarget.connect(access.url(), options, new Deadline(clock, settings.limit()))) {
      // A sample is retried like any command, even the last one, taken as the watch ends.
      redis.retryWithin(
          new Deadline(clock, settings.limit().plus(options.backoff().longestWait())));
      mode = redis.mode();
      StatsSampler sampler = new StatsSampler(redis.readNodes(), redis.primaries(), ticker, clock);
      if (probe != null) {
        probe.awaitFirstAnswer();
      }
      watch =
          new WatchLoop(sampler, probe, settings, ticker, stop)
              .run(
                  sampler.snapshot(),
                  interval -> {
                    printer.accept(interval);
                    sink.publish(metrics.interval(interval));
                  });
    } catch (CacheflushException e) {
      failureCode = e.exitCode();
      watch = WatchLoop.failedToStart(settings, e.getMessage());
    } finally {
      if (probe != null) {
        long end = ticker.nanos();
        probe.close();
        database =
            new DatabaseReport(
                db.maskedUrl(),
                db.query(),
                db.interval().toMillis(),
                null,
                probe.between(probeStart, end).report(),
                null,
                probe.firstError());
      }
    }
    sink.publish(metrics.database(database, clock.instant()));

    int exitCode;
    String message = null;
    switch (watch.outcome()) {
      case NOT_RECOVERED -> {
        exitCode = ExitCode.DEADLINE;
        message = WatchLoop.notRecovered(settings, watch);
      }
      case FAILED -> {
        exitCode = failureCode;
        message = watch.report().message();
      }
      case INTERRUPTED -> {
        exitCode = ExitCode.INTERRUPTED;
        message = "stopped on request; the report shows the intervals watched before it";
      }
      default -> exitCode = ExitCode.DONE;
    }
    Instant finished = clock.instant();
    return new WatchRunReport(
        WatchRunReport.SCHEMA_VERSION,
        "watch",
        access.url().masked(),
        mode,
        watch.outcome().reportName(),
        exitCode,
        message,
        started.toString(),
        finished.toString(),
        Duration.between(started, finished).toMillis(),
        watch.report(),
        database);
  }
}
