package dev.cacheflush.cli;

import dev.cacheflush.config.ConfigException;
import dev.cacheflush.config.Settings;
import dev.cacheflush.config.SettingsLayer;
import dev.cacheflush.config.SettingsResolver;
import dev.cacheflush.flush.Confirmation;
import dev.cacheflush.flush.FlushJob;
import dev.cacheflush.flush.Progress;
import dev.cacheflush.report.FlushReport;
import dev.cacheflush.report.JsonReport;
import dev.cacheflush.report.TextReport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;

/** What {@code plan} and {@code flush} share: they are one run, with or without the deleter. */
abstract class ScanCommandBase implements Callable<Integer> {
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
    Logging.configure(output.verbose, output.quiet);
    SettingsLayer flags = new SettingsLayer(target.redisUrl, patterns.flush, patterns.preserve, dryRunFlag,
        tuning.scanCount, tuning.batchSize, tuning.maxInFlight, tuning.timeout, tuning.retries, tuning.connectTimeout,
        tuning.commandTimeout, lock, verify, tuning.maxRate, tuning.maxLatency, access.layer());
    Settings settings = SettingsResolver.resolve(flags, context.env(), target.config, context.workingDirectory(),
        patterns.allowBroad);
    if (!settings.dryRun() && !confirmed && !context.interactive()) {
      throw new ConfigException("Refusing to flush without confirmation: there is no terminal to ask on; pass --yes "
          + "to confirm, or --dry-run to only look");
    }
    Path reportFile = output.report == null ? null : context.workingDirectory().resolve(output.report);
    checkWritable(reportFile);

    Confirmation confirmation = confirmed ? Confirmation.ALREADY_GIVEN : new TerminalConfirmation(context, settings);
    Progress progress = context.interactive() && !output.quiet ? new ProgressLine(context.err()) : Progress.NONE;
    FlushReport report = runFlush(settings, confirmation, progress);

    if (reportFile != null) {
      JsonReport.write(report, reportFile);
    }
    if (output.format == OutputOptions.Format.json) {
      context.out().println(JsonReport.toJson(report));
    } else {
      context.out().print(TextReport.render(report, context.colour()));
    }
    context.out().flush();
    if (report.exitCode() != 0 && report.message() != null) {
      context.err().println("cacheflush: " + report.message());
    }
    if (reportFile != null && !output.quiet) {
      context.err().println("Report written to " + reportFile);
    }
    return report.exitCode();
  }

  /** The run itself; {@code flush} overrides it to observe the cache around the flush. */
  FlushReport runFlush(Settings settings, Confirmation confirmation, Progress progress) {
    FlushReport report = new FlushJob(settings, confirmation, progress, context.stopSignal(), Clock.systemUTC())
        .run();
    progress.done();
    return report;
  }

  /** A report that cannot be written is found out before the flush, not after it. */
  static void checkWritable(Path file) {
    if (file == null) {
      return;
    }
    Path dir = file.toAbsolutePath().getParent();
    while (dir != null && !Files.exists(dir)) {
      dir = dir.getParent();
    }
    if (dir == null || !Files.isDirectory(dir) || !Files.isWritable(dir) || Files.isDirectory(file)) {
      throw new ConfigException("Cannot write the report to " + file + ": choose a writable file path for --report");
    }
  }
}
