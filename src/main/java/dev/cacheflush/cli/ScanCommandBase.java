package dev.cacheflush.cli;

import dev.cacheflush.config.ConfigException;
import dev.cacheflush.config.Durations;
import dev.cacheflush.config.Settings;
import dev.cacheflush.config.SettingsLayer;
import dev.cacheflush.config.SettingsResolver;
import dev.cacheflush.flush.Confirmation;
import dev.cacheflush.flush.FlushJob;
import dev.cacheflush.flush.Progress;
import dev.cacheflush.glob.RedisGlob;
import dev.cacheflush.report.FlushReport;
import dev.cacheflush.report.JsonReport;
import dev.cacheflush.report.TextReport;
import java.time.Clock;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Mixin;

/** What {@code plan} and {@code flush} share: they are one run, with or without the deleter. */
abstract class ScanCommandBase implements Callable<Integer> {
  private static final Logger log = LoggerFactory.getLogger(ScanCommandBase.class);

  @Mixin TargetOptions target;
  @Mixin AccessOptions access;
  @Mixin PatternOptions patterns;
  @Mixin TuningOptions tuning;
  @Mixin(name = "output") OutputOptions output;

  final CliContext context;

  ScanCommandBase(CliContext context) {
    this.context = context;
  }

  /**
   * @param dryRunFlag true or false when a flag says so, null to leave it to DRY_RUN and the file
   * @param confirmed whether --yes was given
   * @param lock, verify the flags, or null where not given
   */
  int execute(Boolean dryRunFlag, boolean confirmed, Boolean lock, Boolean verify) {
    output.configureLogging(context.env());
    SettingsLayer flags = new SettingsLayer(target.redisUrl, patterns.flush, patterns.preserve, dryRunFlag,
        tuning.scanCount, tuning.batchSize, tuning.maxInFlight, tuning.timeout, tuning.retries, tuning.connectTimeout,
        tuning.commandTimeout, lock, verify, tuning.maxRate, tuning.maxLatency, access.layer());
    Settings settings = SettingsResolver.resolve(flags, context.env(), target.config, context.workingDirectory(),
        patterns.allowBroad);
    log.debug("Settings in force: {} {}, flush {}, preserve {}, scan count {}, batch size {}, in flight {}, timeout {},"
        + " retries {}, lock {}, verify {}", settings.dryRun() ? "dry run on" : "flush of", settings.redisUrl().masked(),
        settings.flushPatterns().stream().map(RedisGlob::pattern).toList(),
        settings.preservePatterns().stream().map(RedisGlob::pattern).toList(), settings.scanCount(),
        settings.batchSize(), settings.maxInFlight(), Durations.format(settings.timeout()), settings.retries(),
        settings.lock(), settings.verify());
    if (!settings.dryRun() && !confirmed && !context.interactive()) {
      throw new ConfigException("Refusing to flush without confirmation: there is no terminal to ask on; pass --yes "
          + "to confirm, or --dry-run to only look");
    }
    ReportFiles files = ReportFiles.check(context, output);

    Confirmation confirmation = confirmed ? Confirmation.ALREADY_GIVEN : new TerminalConfirmation(context, settings);
    Progress progress = context.liveProgress() && !output.quiet ? new ProgressLine(context.err(), settings.dryRun())
        : Progress.NONE;
    FlushReport report = runFlush(settings, confirmation, progress);

    files.write(report);
    if (output.format == OutputOptions.Format.json) {
      context.out().println(JsonReport.toJson(report));
    } else {
      context.out().print(TextReport.render(report, context.colour()));
    }
    context.out().flush();
    if (report.exitCode() != 0 && report.message() != null) {
      context.err().println("cacheflush: " + report.message());
    }
    files.announce();
    return report.exitCode();
  }

  /** The run itself; {@code flush} overrides it to observe the cache around the flush. */
  FlushReport runFlush(Settings settings, Confirmation confirmation, Progress progress) {
    FlushReport report = new FlushJob(settings, confirmation, progress, context.stopSignal(), Clock.systemUTC())
        .run();
    progress.done();
    return report;
  }
}
