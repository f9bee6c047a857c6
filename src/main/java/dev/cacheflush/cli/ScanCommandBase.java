package dev.cacheflush.cli;

import dev.cacheflush.audit.AuditTrail;
import dev.cacheflush.config.ConfigException;
import dev.cacheflush.config.Durations;
import dev.cacheflush.config.Settings;
import dev.cacheflush.config.SettingsLayer;
import dev.cacheflush.config.SettingsResolver;
import dev.cacheflush.flush.Confirmation;
import dev.cacheflush.flush.FlushCoordinator;
import dev.cacheflush.flush.FlushObserver;
import dev.cacheflush.flush.Progress;
import dev.cacheflush.flush.RedisFlushTarget;
import dev.cacheflush.glob.RedisGlob;
import dev.cacheflush.report.FlushReport;
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
  @Mixin OutputOptions output;

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
    SettingsLayer flags =
        tuning
            .applyTo(patterns.applyTo(SettingsLayer.builder()))
            .redisUrl(target.redisUrl)
            .dryRun(dryRunFlag)
            .lock(lock)
            .verify(verify)
            .access(access.layer())
            .build();
    Settings settings =
        SettingsResolver.resolve(
            flags,
            context.env(),
            target.config.config,
            context.workingDirectory(),
            patterns.allowBroad);
    log.debug(
        "Settings in force: {} {}, flush {}, preserve {}, scan count {}, batch size {}, in flight {}, timeout {},"
            + " retries {}, lock {}, verify {}",
        settings.dryRun() ? "dry run on" : "flush of",
        settings.redisUrl().masked(),
        settings.flushPatterns().stream().map(RedisGlob::pattern).toList(),
        settings.preservePatterns().stream().map(RedisGlob::pattern).toList(),
        settings.scanCount(),
        settings.batchSize(),
        settings.maxInFlight(),
        Durations.format(settings.timeout()),
        settings.retries(),
        settings.lock(),
        settings.verify());
    if (!settings.dryRun() && !confirmed && !context.interactive()) {
      throw new ConfigException(
          "Refusing to flush without confirmation: there is no terminal to ask on; pass --yes "
              + "to confirm, or --dry-run to only look");
    }
    ReportFiles files = ReportFiles.check(context, output);
    AuditTrail audit = audit(settings);

    Confirmation confirmation =
        confirmed ? Confirmation.ALREADY_GIVEN : new TerminalConfirmation(context, settings);
    Progress progress =
        context.liveProgress() && !output.quiet
            ? new ProgressLine(context.err(), settings.dryRun())
            : Progress.NONE;
    Clock clock = Clock.systemUTC();
    FlushReport report =
        new FlushCoordinator(
                settings,
                RedisFlushTarget.connector(settings, context.stopSignal(), clock),
                confirmation,
                observer(settings),
                progress,
                context.stopSignal(),
                clock,
                audit)
            .run();
    return ReportOutput.flush(
        context, output, files, report, () -> TextReport.render(report, context.colour()));
  }

  /** Where a real flush lists the keys it deleted; {@code flush --audit} overrides it. */
  AuditTrail audit(Settings settings) {
    return AuditTrail.NONE;
  }

  /** What watches the cache around the run; {@code flush} overrides it to observe a real flush. */
  FlushObserver observer(Settings settings) {
    return FlushObserver.NONE;
  }
}
