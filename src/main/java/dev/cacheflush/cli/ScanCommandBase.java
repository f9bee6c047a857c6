package dev.cacheflush.cli;

import dev.cacheflush.CacheflushException;
import dev.cacheflush.ExitCode;
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
import dev.cacheflush.plan.ApprovedPlan;
import dev.cacheflush.plan.Plan;
import dev.cacheflush.plan.PlanFile;
import dev.cacheflush.report.FlushReport;
import dev.cacheflush.report.ReportFile;
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
        commandFlags(tuning.applyTo(patterns.applyTo(SettingsLayer.builder())))
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
    ApprovedPlan plan = approvedPlan();
    if (plan != null) {
      settings = plan.capped(settings);
    }
    // An approved plan is the confirmation: it is what a person said yes to.
    if (!settings.dryRun() && !confirmed && plan == null && !context.interactive()) {
      throw new ConfigException(
          "Refusing to flush without confirmation: there is no terminal to ask on; pass --yes "
              + "to confirm, --plan with an approved plan, or --dry-run to only look");
    }
    ReportFiles files = ReportFiles.check(context, output);
    ReportFile planFile = planFile();
    AuditTrail audit = audit(settings);

    Confirmation confirmation =
        confirmed ? Confirmation.ALREADY_GIVEN : new TerminalConfirmation(context, settings);
    Progress progress =
        context.liveProgress() && !output.quiet
            ? new ProgressLine(context.err(), settings.dryRun())
            : Progress.NONE;
    Clock clock = Clock.systemUTC();
    FlushCoordinator coordinator =
        new FlushCoordinator(
                settings,
                RedisFlushTarget.connector(settings, context.stopSignal(), clock, planFile != null),
                confirmation,
                observer(settings),
                progress,
                context.stopSignal(),
                clock,
                audit)
            .following(plan);
    if (planFile != null) {
      coordinator.planningTo(planFile.toString());
    }
    FlushReport report = coordinator.run();
    String planWritten = null;
    String planFailed = null;
    try {
      planWritten = writePlan(planFile, coordinator.plan());
    } catch (CacheflushException e) {
      planFailed = e.getMessage();
    }
    int exitCode =
        ReportOutput.flush(
            context, output, files, report, () -> TextReport.render(report, context.colour()));
    if (planFailed != null) {
      context.err().println("cacheflush: " + planFailed);
      return exitCode == ExitCode.DONE ? ExitCode.FAILED : exitCode;
    }
    if (planWritten != null && !output.quiet) {
      context.err().println(planWritten);
    }
    return exitCode;
  }

  /** The plan {@code flush --plan} follows, read and not yet checked; null for none. */
  ApprovedPlan approvedPlan() {
    return null;
  }

  /** The file {@code plan --out} writes, checked before the run; null for none. */
  ReportFile planFile() {
    return null;
  }

  /**
   * Writes the dry run's plan, if it made one, before the report that names its digest.
   *
   * @return the line that says where it is, or null
   */
  private static String writePlan(ReportFile file, Plan plan) {
    if (file == null || plan == null) {
      return null;
    }
    String json = PlanFile.toJson(plan);
    file.write(json);
    return "Plan written to " + file + ", digest " + PlanFile.digest(plan);
  }

  /** Sets the flags only this command has on the flags' layer; {@code flush} adds its pacing. */
  SettingsLayer.Builder commandFlags(SettingsLayer.Builder flags) {
    return flags;
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
