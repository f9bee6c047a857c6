package dev.cacheflush.cli;

import dev.cacheflush.audit.AuditFile;
import dev.cacheflush.audit.AuditTrail;
import dev.cacheflush.audit.AuditWriter;
import dev.cacheflush.config.ConfigException;
import dev.cacheflush.config.DbSettings;
import dev.cacheflush.config.Durations;
import dev.cacheflush.config.MetricsSettings;
import dev.cacheflush.config.MonitorSettings;
import dev.cacheflush.config.Settings;
import dev.cacheflush.config.SettingsLayer;
import dev.cacheflush.config.SettingsResolver;
import dev.cacheflush.config.WatchSettings;
import dev.cacheflush.flush.FlushObserver;
import dev.cacheflush.metrics.MetricsSinks;
import dev.cacheflush.monitor.CacheObserver;
import dev.cacheflush.monitor.Ticker;
import dev.cacheflush.plan.ApprovedPlan;
import dev.cacheflush.plan.PlanTolerance;
import dev.cacheflush.redis.ConnectOptions;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "flush",
    mixinStandardHelpOptions = true,
    versionProvider = CacheflushCommand.Version.class,
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:flushed (with --until-hit-rate: and recovered)",
      "1:Redis unreachable or erroring after retries",
      "2:usage or configuration error, or confirmation declined: nothing deleted",
      "3:the --timeout deadline was reached (partial work reported), or the hit rate did not recover within --watch",
      "4:a safety check failed: nothing deleted",
      "5:another flush holds the lock on this cache",
      "130:stopped by Ctrl-C or SIGTERM; the report says what was done"
    },
    description = {
      "Delete the keys that match a flush pattern and no preserve pattern.",
      "Asks for confirmation on a terminal; --yes confirms up front (required without a terminal).",
      "Measures the hit rate before and after it (--sample-window), can watch it recover (--watch), probe the "
          + "database (--db-url) and publish metrics (--metrics); a dry run does none of these."
    })
final class FlushCommand extends ScanCommandBase {
  private static final Logger log = LoggerFactory.getLogger(FlushCommand.class);

  @Option(
      names = "--dry-run",
      negatable = true,
      description =
          "Only count and show what would be deleted (the same as 'plan'). Default: $DRY_RUN, else false.")
  Boolean dryRun;

  @Option(
      names = {"-y", "--yes"},
      description = "Confirm the flush without being asked.")
  boolean yes;

  @Option(
      names = "--lock",
      negatable = true,
      description =
          "Hold the lock key cacheflush:lock while flushing, so two flushes cannot run at once; --no-lock for "
              + "read-only replicas or ACLs that cannot write it. Default: on.")
  Boolean lock;

  @Option(
      names = "--verify",
      negatable = true,
      description =
          "Scan again after the flush and report the keys still matching (live traffic re-creates hot keys)"
              + " and the preserved keys before and after. Default: on.")
  Boolean verify;

  @Option(
      names = "--plan",
      paramLabel = "FILE",
      description =
          "Flush only as the approved plan FILE ('plan --out') describes, instead of asking: refused "
              + "(exit 4, nothing deleted) when the cache, the patterns or the keyspace's size differ, "
              + "the plan is older than --plan-max-age or was edited; stops (exit 4) after deleting the "
              + "planned keys plus --plan-tolerance.")
  Path plan;

  @Option(
      names = "--plan-max-age",
      paramLabel = "DURATION",
      converter = DurationConverter.class,
      description = "The oldest plan --plan accepts. Default: " + PLAN_MAX_AGE + ".")
  Duration planMaxAge;

  @Option(
      names = "--plan-tolerance",
      paramLabel = "P%,N",
      description =
          "How far the keys now may be from the plan's: the keyspace's size before the flush, the "
              + "keys deleted during it. A share of the planned count (10%), a number of keys (500), "
              + "or the larger of both (10%,500). Default: "
              + PlanTolerance.DEFAULT
              + ".")
  String planTolerance;

  @Option(
      names = "--audit",
      paramLabel = "FILE",
      description =
          "List every key deleted (with its flush pattern and shard) in FILE, gzip-compressed, under a header"
              + " naming the run; renamed into place when the flush completes, kept as FILE's .partial"
              + " name when it does not. Check it with 'cacheflush audit-check FILE'. A dry run writes none.")
  Path audit;

  @Mixin PacingOptions pacing;
  @Mixin MonitorOptions monitor;
  @Mixin WatchConditionOptions watchCondition;
  @Mixin DbOptions db;
  @Mixin MetricsOptions metrics;

  /** A plan is reviewed and flushed within a working day. */
  static final String PLAN_MAX_AGE = "24h";

  FlushCommand(CliContext context) {
    super(context);
  }

  @Override
  ApprovedPlan approvedPlan() {
    if (plan == null) {
      if (planMaxAge != null || planTolerance != null) {
        throw new ConfigException(
            "--plan-max-age and --plan-tolerance check an approved plan: add --plan FILE");
      }
      return null;
    }
    Duration maxAge = planMaxAge != null ? planMaxAge : Durations.parse(PLAN_MAX_AGE, "");
    if (maxAge.isNegative() || maxAge.isZero()) {
      throw new ConfigException("--plan-max-age must be longer than 0 (e.g. 24h)");
    }
    PlanTolerance tolerance =
        PlanTolerance.parse(
            planTolerance != null ? planTolerance : PlanTolerance.DEFAULT, "--plan-tolerance");
    Path file = context.workingDirectory().resolve(plan).normalize();
    return ApprovedPlan.load(file, file.toString(), maxAge, tolerance);
  }

  @Override
  public Integer call() {
    return execute(dryRun, yes, lock, verify);
  }

  @Override
  SettingsLayer.Builder commandFlags(SettingsLayer.Builder flags) {
    return pacing.applyTo(flags);
  }

  @Override
  FlushObserver observer(Settings settings) {
    MonitorSettings observe = monitorSettings(settings);
    if (settings.dryRun()) {
      if (observe.watch() != null
          || observe.db() != null
          || observe.metrics().sink() != MetricsSettings.Sink.none) {
        log.info("A dry run deletes nothing, so it is not watched, probed or published");
      }
      return FlushObserver.NONE;
    }
    boolean json = output.format == OutputOptions.Format.json;
    PrintWriter lines = json ? (output.quiet ? null : context.err()) : context.out();
    return new CacheObserver(
        settings.redisUrl(),
        ConnectOptions.of(settings),
        observe,
        MetricsSinks.open(observe.metrics(), context.out()),
        new WatchPrinter(lines, observe.db() != null),
        Ticker.system(context.stopSignal()),
        Clock.systemUTC(),
        context.stopSignal());
  }

  /** The path is checked for every flush, dry or not, so that a mistake shows before the real one. */
  @Override
  AuditTrail audit(Settings settings) {
    if (audit == null) {
      return AuditTrail.NONE;
    }
    Path path = context.workingDirectory().resolve(audit).normalize();
    AuditFile file = AuditFile.check(path);
    for (Path report : new Path[] {output.report, output.html}) {
      Path other = report == null ? null : context.workingDirectory().resolve(report).normalize();
      if (path.equals(other) || file.partial().equals(other)) {
        throw new ConfigException(
            "--audit and --report or --html both name " + other + ": give each its own file");
      }
    }
    if (settings.dryRun()) {
      log.info("A dry run deletes nothing, so it writes no audit ({} is left as it is)", path);
      return AuditTrail.NONE;
    }
    return new AuditWriter(file);
  }

  /** Checked for every flush, dry or not, so that a mistake shows before the real one. */
  private MonitorSettings monitorSettings(Settings settings) {
    SettingsLayer merged =
        SettingsResolver.merge(
            metrics
                .applyTo(
                    db.applyTo(watchCondition.applyTo(monitor.applyTo(SettingsLayer.builder()))))
                .build(),
            context.env(),
            target.config.config,
            context.workingDirectory());
    WatchSettings watch = null;
    if (monitor.watch != null) {
      watch =
          WatchSettings.of(
              "--watch",
              monitor.watch,
              merged.watchInterval(),
              watchCondition.untilHitRate,
              watchCondition.consecutive);
    } else if (watchCondition.anyGiven()) {
      throw new ConfigException(
          "--interval, --until-hit-rate and --consecutive shape the watch after the flush: "
              + "add --watch DURATION (e.g. --watch 10m --until-hit-rate 0.8)");
    }
    boolean dbPaced = settings.pacing().dbMaxLatency() != null;
    DbSettings database = db.settings(context.env(), merged, dbPaced);
    if (dbPaced && database == null) {
      throw new ConfigException(
          "--db-max-latency paces the flush on the database probe's latency: add --db-url (the "
              + "database behind the cache), or leave --db-max-latency (dbMaxLatency) out");
    }
    return MonitorSettings.of(
        merged.sampleWindow(),
        watch,
        database,
        metrics.settings(output.format == OutputOptions.Format.json, merged));
  }
}
