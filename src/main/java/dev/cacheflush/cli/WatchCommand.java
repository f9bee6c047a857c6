package dev.cacheflush.cli;

import dev.cacheflush.config.ConfigException;
import dev.cacheflush.config.DbSettings;
import dev.cacheflush.config.MetricsSettings;
import dev.cacheflush.config.SettingsLayer;
import dev.cacheflush.config.SettingsResolver;
import dev.cacheflush.config.WatchSettings;
import dev.cacheflush.metrics.MetricsSink;
import dev.cacheflush.metrics.MetricsSinks;
import dev.cacheflush.monitor.Ticker;
import dev.cacheflush.monitor.WatchJob;
import dev.cacheflush.report.WatchRunReport;
import dev.cacheflush.report.WatchText;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "watch",
    mixinStandardHelpOptions = true,
    versionProvider = CacheflushCommand.Version.class,
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:watched for --for, or the hit rate recovered",
      "1:Redis could not be watched",
      "2:usage or configuration error",
      "3:the hit rate did not recover within --within",
      "130:stopped by Ctrl-C or SIGTERM"
    },
    description = {
      "Watch the cache's hit rate (and the database's latency), one line per interval; deletes nothing.",
      "The hit rate comes from the deltas of INFO stats on every read node. Watch for a fixed time (--for 2m, the "
          + "runbook's wait: exit 0), or until it recovers (--until-hit-rate 0.8 --within 10m: exit 0 once reached "
          + "in --consecutive intervals in a row, 3 if not in time)."
    })
final class WatchCommand implements Callable<Integer> {
  @Mixin TargetOptions target;
  @Mixin AccessOptions access;
  @Mixin WatchConditionOptions condition;
  @Mixin DbOptions db;
  @Mixin MetricsOptions metrics;
  @Mixin OutputOptions output;

  @Option(
      names = "--for",
      paramLabel = "DURATION",
      converter = DurationConverter.class,
      description = "Watch for this long, then exit 0.")
  Duration forDuration;

  @Option(
      names = "--within",
      paramLabel = "DURATION",
      converter = DurationConverter.class,
      description =
          "With --until-hit-rate: how long to wait for recovery before exit 3. Default: "
              + WatchSettings.WITHIN
              + ".")
  Duration within;

  private final CliContext context;

  WatchCommand(CliContext context) {
    this.context = context;
  }

  @Override
  public Integer call() {
    output.configureLogging(context.env());
    SettingsLayer flags =
        metrics
            .applyTo(db.applyTo(condition.applyTo(SettingsLayer.builder())))
            .redisUrl(target.redisUrl)
            .access(access.layer())
            .build();
    SettingsLayer merged =
        SettingsResolver.merge(
            flags, context.env(), target.config.config, context.workingDirectory());
    WatchSettings settings = watchSettings(merged.watchInterval());
    SettingsResolver.Access redis =
        SettingsResolver.access(
            flags, context.env(), target.config.config, context.workingDirectory());
    DbSettings database = db.settings(context.env(), merged, false);
    boolean json = output.format == OutputOptions.Format.json;
    MetricsSettings metricsSettings = metrics.settings(json, merged);
    ReportFiles files = ReportFiles.check(context, output);

    PrintWriter lines = json ? (output.quiet ? null : context.err()) : context.out();
    WatchRunReport report;
    try (MetricsSink sink = MetricsSinks.open(metricsSettings, context.out())) {
      report =
          new WatchJob(
                  redis,
                  settings,
                  database,
                  sink,
                  metricsSettings.stage(),
                  new WatchPrinter(lines, database != null),
                  Ticker.system(context.stopSignal()),
                  Clock.systemUTC(),
                  context.stopSignal())
              .run();
    }
    return ReportOutput.watch(
        context, output, files, report, () -> WatchText.summary(report.watch()) + "\n");
  }

  private WatchSettings watchSettings(Duration interval) {
    if (forDuration != null && condition.untilHitRate != null) {
      throw new ConfigException(
          "--for watches for a fixed time and --until-hit-rate waits for recovery (within "
              + "--within): choose one");
    }
    if (forDuration != null) {
      if (within != null) {
        throw new ConfigException(
            "--within only applies with --until-hit-rate; --for already sets the time");
      }
      return WatchSettings.of("--for", forDuration, interval, null, condition.consecutive);
    }
    if (condition.untilHitRate != null) {
      return WatchSettings.of(
          "--within",
          within != null ? within : WatchSettings.DEFAULT_WITHIN,
          interval,
          condition.untilHitRate,
          condition.consecutive);
    }
    throw new ConfigException(
        "Say how long to watch: --for 2m, or --until-hit-rate 0.8 [--within 10m]");
  }
}
