package dev.cacheflush.flush;

import dev.cacheflush.CacheflushException;
import dev.cacheflush.ExitCode;
import dev.cacheflush.audit.AuditHeader;
import dev.cacheflush.audit.AuditTrail;
import dev.cacheflush.config.Durations;
import dev.cacheflush.config.Settings;
import dev.cacheflush.glob.RedisGlob;
import dev.cacheflush.plan.ApprovedPlan;
import dev.cacheflush.plan.Plan;
import dev.cacheflush.plan.PlanFile;
import dev.cacheflush.redis.Deadline;
import dev.cacheflush.redis.Deployment;
import dev.cacheflush.redis.RedisFailures;
import dev.cacheflush.redis.TargetIdentity;
import dev.cacheflush.report.FlushReport;
import io.lettuce.core.RedisException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A whole flush, or dry run, in the order it happens: connect, the hit-rate baseline, confirm,
 * lock, scan/classify/delete (or count), verify, the hit rate after, the watch, the report. {@link
 * #run()} reads as that list. Failures after the settings were accepted end in a report too
 * (outcome {@code failed}), and so does a stop request in any step (outcome {@code interrupted}),
 * so a pipeline always has something to read.
 */
public final class FlushCoordinator {
  private static final Logger log = LoggerFactory.getLogger(FlushCoordinator.class);

  private final Settings settings;
  private final FlushTarget.Connector connector;
  private final Confirmation confirmation;
  private final FlushObserver observer;
  private final Progress progress;
  private final StopSignal stop;
  private final Clock clock;
  private final AuditTrail audit;

  /** The plan this flush follows (flush --plan), or null. */
  private ApprovedPlan approved;

  /** Where a dry run's plan is to be written (plan --out), or null; and the plan it made. */
  private String planOut;

  private Plan planMade;

  /** A run without an audit. */
  public FlushCoordinator(
      Settings settings,
      FlushTarget.Connector connector,
      Confirmation confirmation,
      FlushObserver observer,
      Progress progress,
      StopSignal stop,
      Clock clock) {
    this(settings, connector, confirmation, observer, progress, stop, clock, AuditTrail.NONE);
  }

  /**
   * @param observer {@link FlushObserver#NONE} for a dry run
   * @param audit where a real flush lists the keys it deleted; {@link AuditTrail#NONE} for none
   */
  public FlushCoordinator(
      Settings settings,
      FlushTarget.Connector connector,
      Confirmation confirmation,
      FlushObserver observer,
      Progress progress,
      StopSignal stop,
      Clock clock,
      AuditTrail audit) {
    this.audit = audit;
    this.settings = settings;
    this.connector = connector;
    this.confirmation = confirmation;
    this.observer = observer;
    this.progress = progress;
    this.stop = stop;
    this.clock = clock;
  }

  /**
   * Follow this approved plan: it is checked before anything is deleted (refused: exit 4), and its
   * cap is already in the settings ({@link ApprovedPlan#capped}).
   */
  public FlushCoordinator following(ApprovedPlan plan) {
    this.approved = plan;
    return this;
  }

  /** Make a plan of this dry run, to be written to {@code path}; {@link #plan()} then has it. */
  public FlushCoordinator planningTo(String path) {
    this.planOut = path;
    return this;
  }

  /** The plan the dry run made, once {@link #run()} has returned; null if it did not complete. */
  public Plan plan() {
    return planMade;
  }

  /** What the report needs beyond the tally; filled in as the run goes. */
  private static final class Run {
    final Instant started;
    final Tally tally;

    /** Null until connected: how the cache is deployed is found, not configured. */
    Deployment mode;

    long dbSize;

    /** Asked only for a plan, made or followed. */
    TargetIdentity identity;

    FlushReport.PlanReference plan;

    /** The baseline window and the wait for a person's answer: not the run's own time. */
    Duration paused = Duration.ZERO;

    Instant flushStarted;
    Instant workEnded;
    Outcome outcome;

    /** How the deleting pass ended; null until it has (or when it failed). */
    Outcome deletion;

    FlushReport.Audit audit;
    int exitCode;
    String message;
    List<FlushReport.Recovery> recoveries = List.of();
    List<FlushReport.Shard> shards = List.of();
    FlushReport.Verification verification;
    FlushReport.DeadlineEstimate estimate;
    FlushReport.Pacing pacing;

    Run(Instant started, Tally tally) {
      this.started = started;
      this.tally = tally;
    }

    void end(Outcome outcome, String message) {
      this.outcome = outcome;
      this.exitCode = outcome.exitCode();
      this.message = message;
    }

    boolean deleted() {
      return flushStarted != null
          && (outcome == Outcome.COMPLETED
              || outcome == Outcome.TIMEOUT
              || outcome == Outcome.CAP_REACHED);
    }
  }

  // The lock's try holds it for the flush and releases it; the body has no other use for it.
  @SuppressWarnings("try")
  public FlushReport run() {
    Run run =
        new Run(
            clock.instant(),
            new Tally(settings.flushPatterns().size(), settings.preservePatterns().size()));
    try (FlushObserver observing = observer) {
      try (FlushTarget target =
          refusedBeforeConnecting(run)
              ? null
              : connector.connect(new Deadline(clock, settings.timeout()))) {
        boolean approved = target != null && connected(target, run);
        Instant pauseStarted = clock.instant();
        if (approved) {
          observing.baseline();
        }
        boolean confirmed = approved && confirm(run);
        run.paused = Duration.between(pauseStarted, clock.instant());
        if (confirmed) {
          // Time spent waiting for a person to type "yes" is not the run's: its deadline starts
          // now.
          Deadline deadline = new Deadline(clock, settings.timeout());
          target.retryWithin(deadline);
          run.flushStarted = clock.instant();
          observing.flushStarting();
          try (FlushTarget.HeldLock lock =
              settings.dryRun() || !settings.lock() ? null : target.lock()) {
            openAudit(run);
            pass(target, deadline, run, observing.dbLatency());
            verify(target, deadline, run);
          }
        }
      } catch (CacheflushException e) {
        fail(run, e);
      } catch (RedisException e) {
        // An error reply no retry can mend, met outside the scan (DBSIZE, the lock).
        fail(run, RedisFailures.explain(settings.redisUrl().masked(), e));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        run.end(Outcome.INTERRUPTED, "interrupted");
      }
      run.workEnded = clock.instant();
      // Once the connections are closed: no reply can add a key to a closed audit.
      closeAudit(run);
      if (run.outcome != Outcome.DECLINED && run.outcome != Outcome.REFUSED) {
        observing.flushEnded(run.tally, durationMs(run), run.workEnded);
      }
      if (!settings.dryRun() && run.deleted()) {
        observing.after();
        interruptedAfterTheFlush(run, "while measuring the hit rate after the flush");
      }
      if (!settings.dryRun() && run.outcome == Outcome.COMPLETED) {
        watch(observing, run);
      }
      makePlan(run);
      return report(run, observing.observation());
    }
  }

  /** A plan refused for what the file says (edited, other patterns, too old) needs no connection. */
  private boolean refusedBeforeConnecting(Run run) {
    if (approved == null) {
      return false;
    }
    run.plan = new FlushReport.PlanReference(approved.path(), approved.digest());
    String refusal = approved.refusal(settings, clock.instant());
    if (refusal != null) {
      run.end(Outcome.REFUSED, refusal);
    }
    return refusal != null;
  }

  /** The plan of a completed dry run, with its digest in the report; none of a partial one. */
  private void makePlan(Run run) {
    if (planOut == null) {
      return;
    }
    if (run.outcome != Outcome.COMPLETED) {
      run.message =
          (run.message == null ? "" : run.message + "; ")
              + "no plan was written: a plan holds the counts of a whole dry run";
      return;
    }
    Tally tally = run.tally;
    List<Plan.PatternCount> patterns = new ArrayList<>();
    for (int i = 0; i < settings.flushPatterns().size(); i++) {
      patterns.add(
          new Plan.PatternCount(
              settings.flushPatterns().get(i).pattern(), tally.matched(i), tally.samples(i)));
    }
    List<Plan.FamilyCount> families = new ArrayList<>();
    for (int i = 0; i < settings.preservePatterns().size(); i++) {
      families.add(
          new Plan.FamilyCount(
              settings.preservePatterns().get(i).pattern(),
              tally.preserved(i),
              tally.preservedSamples(i)));
    }
    planMade =
        new Plan(
            Plan.VERSION,
            run.flushStarted.toString(),
            run.identity,
            settings.flushPatterns().stream().map(RedisGlob::pattern).toList(),
            settings.preservePatterns().stream().map(RedisGlob::pattern).toList(),
            run.dbSize,
            tally.scanned(),
            tally.matched(),
            tally.preserved(),
            tally.untouched(),
            tally.conflicts(),
            patterns,
            families);
    run.plan = new FlushReport.PlanReference(planOut, PlanFile.digest(planMade));
  }

  /**
   * Whether to go ahead: a dry run does, a flush following an approved plan does (the plan is what
   * was said yes to), another flush when the person says so; none after a stop.
   */
  private boolean confirm(Run run) {
    boolean confirmed =
        !stop.requested()
            && (settings.dryRun()
                || approved != null
                || confirmation.confirm(
                    settings.redisUrl().masked(), run.mode.reportName(), run.dbSize));
    if (stop.requested()) {
      run.end(Outcome.INTERRUPTED, "stopped on request before the flush; nothing was deleted");
      return false;
    }
    if (!confirmed) {
      run.end(Outcome.DECLINED, "not confirmed; nothing was deleted");
    }
    return confirmed;
  }

  /** A watch told to wait for recovery that did not see it turns a completed flush's exit code into 3. */
  private void watch(FlushObserver observing, Run run) {
    String notRecovered = observing.watch();
    if (!interruptedAfterTheFlush(run, "during the watch") && notRecovered != null) {
      run.exitCode = ExitCode.DEADLINE;
      run.message = notRecovered;
    }
  }

  /** Records what was found on connecting; false when the approved plan is not for what was found. */
  private boolean connected(FlushTarget target, Run run) {
    run.mode = target.mode();
    run.dbSize = target.dbSize();
    if (approved != null || planOut != null) {
      run.identity = target.identity();
    }
    log.info(
        "Connected to {} ({}{}), {} keys",
        settings.redisUrl().masked(),
        run.mode.reportName(),
        run.mode == Deployment.CLUSTER ? ", " + target.shards() + " shards" : "",
        run.dbSize);
    String refusal = approved == null ? null : approved.refusal(run.identity, run.dbSize);
    if (refusal != null) {
      run.end(Outcome.REFUSED, refusal);
      return false;
    }
    if (approved != null) {
      log.info(
          "The plan {} ({}) matches this cache; the flush deletes at most {} keys",
          approved.path(),
          approved.digest(),
          settings.maxKeys());
    }
    observer.connected();
    return true;
  }

  /** The audit's header, before the first key is deleted; a file that cannot be made fails the run. */
  private void openAudit(Run run) {
    if (!settings.dryRun()) {
      audit.open(
          AuditHeader.of(
              settings.redisUrl().masked(),
              run.mode.reportName(),
              settings.flushPatterns().stream().map(RedisGlob::pattern).toList(),
              settings.preservePatterns().stream().map(RedisGlob::pattern).toList(),
              run.started.toString(),
              approved == null ? null : approved.digest()));
    }
  }

  /** Complete when the deleting pass ran to its end: every key that matched was sent and answered. */
  private void closeAudit(Run run) {
    Outcome deletion = run.deletion != null ? run.deletion : run.outcome;
    run.audit =
        audit.close(
            run.deletion == Outcome.COMPLETED,
            deletion.reportName(),
            run.tally.deleted(),
            clock.instant());
  }

  /**
   * Scan, classify and delete (or only count, in a dry run), the deletions paced as asked.
   *
   * @param dbLatency the database probe, for --db-max-latency; null without one
   */
  private void pass(FlushTarget target, Deadline deadline, Run run, LatencySignal dbLatency)
      throws InterruptedException {
    long scanStarted = System.nanoTime();
    Pacing pacing =
        settings.dryRun() ? null : Pacing.of(settings, dbLatency, run.tally, run.dbSize);
    try {
      if (pacing != null) {
        pacing.passStarted();
      }
      run.end(
          target.pass(!settings.dryRun(), run.tally, audit, progress, deadline, run.dbSize, pacing),
          null);
      run.deletion = run.outcome;
    } finally {
      if (pacing != null) {
        pacing.passEnded();
        run.pacing = pacing.report();
      }
      progress.done();
      run.recoveries = target.recoveries();
      run.shards = target.shardCounts();
    }
    switch (run.outcome) {
      case TIMEOUT ->
          run.message =
              "the deadline of "
                  + Durations.format(settings.timeout())
                  + " passed; the counts"
                  + " show the work done before it (raise --timeout to finish)";
      case INTERRUPTED ->
          run.message =
              "stopped on request after the batches in flight; the counts show the work"
                  + " done before it";
      case CAP_REACHED ->
          run.message =
              approved != null && approved.capsAt(settings.maxKeys())
                  ? "stopped at "
                      + approved.capText()
                      + " deleted: more keys match than were reviewed; make a new plan"
                  : String.format(
                      Locale.ROOT,
                      "stopped at the --max-keys cap of %,d keys "
                          + "deleted: more keys match; narrow the patterns or raise --max-keys",
                      settings.maxKeys());
      default -> {
        if (settings.dryRun()) {
          run.estimate =
              FlushTimeEstimate.of(
                  settings,
                  run.tally.scanned(),
                  run.tally.matched(),
                  System.nanoTime() - scanStarted,
                  run.dbSize);
          if (settings.maxKeys() != null && run.tally.matched() > settings.maxKeys()) {
            run.message =
                approved != null && approved.capsAt(settings.maxKeys())
                    ? String.format(
                        Locale.ROOT,
                        "a real flush would stop at %s: %,d keys match",
                        approved.capText(),
                        run.tally.matched())
                    : String.format(
                        Locale.ROOT,
                        "a real flush would stop at the --max-keys cap of %,d: %,d " + "keys match",
                        settings.maxKeys(),
                        run.tally.matched());
          }
        }
      }
    }
  }

  private void verify(FlushTarget target, Deadline deadline, Run run) throws InterruptedException {
    if (run.outcome == Outcome.COMPLETED && !settings.dryRun() && settings.verify()) {
      run.verification = target.verify(run.tally, deadline);
      interruptedAfterTheFlush(run, "during the verification");
    }
  }

  /** A stop asked for after every key was deleted: the report says the flush itself completed. */
  private boolean interruptedAfterTheFlush(Run run, String when) {
    if (!stop.requested() || run.outcome == Outcome.INTERRUPTED) {
      return false;
    }
    run.end(
        Outcome.INTERRUPTED,
        "stopped on request "
            + when
            + "; the flush "
            + (run.outcome == Outcome.TIMEOUT ? "had reached its deadline" : "had completed"));
    return true;
  }

  private static void fail(Run run, CacheflushException e) {
    log.debug("Run failed", e);
    run.end(Outcome.FAILED, e.getMessage());
    run.exitCode = e.exitCode();
  }

  /** Connecting to the end of the verification, without the baseline window and the wait for an answer. */
  private static long durationMs(Run run) {
    return Duration.between(run.started, run.workEnded).minus(run.paused).toMillis();
  }

  private FlushReport report(Run r, FlushObserver.Observation observed) {
    Tally tally = r.tally;
    List<RedisGlob> flush = settings.flushPatterns();
    List<FlushReport.PatternCount> patterns = new ArrayList<>();
    for (int i = 0; i < flush.size(); i++) {
      patterns.add(
          new FlushReport.PatternCount(
              flush.get(i).pattern(), tally.matched(i), tally.deleted(i), tally.samples(i)));
    }
    List<FlushReport.ConflictSample> conflicts =
        tally.conflictSamples().stream()
            .map(
                c ->
                    new FlushReport.ConflictSample(
                        c.key(),
                        flush.get(c.flushPattern()).pattern(),
                        settings.preservePatterns().get(c.preservePattern()).pattern()))
            .toList();
    return new FlushReport(
        FlushReport.SCHEMA_VERSION,
        settings.dryRun() ? "plan" : "flush",
        settings.dryRun(),
        settings.redisUrl().masked(),
        r.mode == null ? null : r.mode.reportName(),
        r.plan,
        r.outcome.reportName(),
        r.exitCode,
        r.message,
        r.started.toString(),
        clock.instant().toString(),
        durationMs(r),
        r.flushStarted == null ? null : r.flushStarted.toString(),
        r.flushStarted == null ? null : r.workEnded.toString(),
        r.dbSize,
        tally.scanned(),
        tally.matched(),
        tally.deleted(),
        tally.preserved(),
        tally.untouched(),
        patterns,
        settings.preservePatterns().stream().map(RedisGlob::pattern).toList(),
        new FlushReport.Conflicts(tally.conflicts(), conflicts),
        r.recoveries,
        r.verification,
        r.estimate,
        new FlushReport.Tuning(
            settings.scanCount(),
            settings.batchSize(),
            settings.maxInFlight(),
            settings.timeout().toMillis(),
            settings.retries(),
            settings.commandTimeout().toMillis(),
            settings.lock(),
            settings.verify(),
            settings.maxRate(),
            settings.maxLatency() == null ? null : settings.maxLatency().toMillis()),
        r.shards,
        observed.hitRate(),
        observed.database(),
        observed.watch(),
        r.pacing,
        r.audit);
  }
}
