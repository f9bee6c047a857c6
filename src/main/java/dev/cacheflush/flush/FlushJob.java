package dev.cacheflush.flush;

import dev.cacheflush.CacheflushException;
import dev.cacheflush.config.Durations;
import dev.cacheflush.config.Settings;
import dev.cacheflush.glob.RedisGlob;
import dev.cacheflush.redis.ConnectOptions;
import dev.cacheflush.redis.Deadline;
import dev.cacheflush.redis.RedisFailures;
import dev.cacheflush.redis.RedisNode;
import dev.cacheflush.redis.RedisTarget;
import dev.cacheflush.report.FlushReport;
import dev.cacheflush.report.KeyText;
import io.lettuce.core.RedisException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A whole run, from connecting to the report. Failures after the settings were accepted end in a
 * report too (outcome {@code failed}), so a pipeline always has something to read.
 */
public final class FlushJob {
  private static final Logger log = LoggerFactory.getLogger(FlushJob.class);

  /**
   * What deleting a matched key costs, as a share of what scanning a key costs. Measured on 2M keys
   * of which 1M matched: the flush took 1.18x to 1.25x the dry run, so about 0.4 to 0.5; the
   * estimate takes the higher end.
   */
  static final double DELETE_COST_PER_SCAN_COST = 0.5;

  private final Settings settings;
  private final Confirmation confirmation;
  private final Progress progress;
  private final StopSignal stop;
  private final Clock clock;

  public FlushJob(Settings settings, Confirmation confirmation, Progress progress, StopSignal stop, Clock clock) {
    this.settings = settings;
    this.confirmation = confirmation;
    this.progress = progress;
    this.stop = stop;
    this.clock = clock;
  }

  // The lock's try holds it for the flush and releases it; the body has no other use for it.
  @SuppressWarnings("try")
  public FlushReport run() {
    Instant started = clock.instant();
    Tally tally = new Tally(settings.flushPatterns().size());
    Result result = new Result();
    try (RedisTarget redis = RedisTarget.connect(settings.redisUrl(), ConnectOptions.of(settings),
        new Deadline(clock, settings.timeout()))) {
      result.mode = redis.mode();
      result.dbSize = dbSize(redis.primaries());
      log.info("Connected to {} ({}{}), {} keys", settings.redisUrl().masked(), result.mode,
          redis.cluster() ? ", " + redis.primaries().size() + " shards" : "", result.dbSize);
      long asking = System.nanoTime();
      boolean confirmed = settings.dryRun()
          || confirmation.confirm(settings.redisUrl().masked(), result.mode, result.dbSize);
      // The person's answer and a hit-rate window measured on the way are not the run's time.
      result.confirmMillis = (System.nanoTime() - asking) / 1_000_000;
      if (!confirmed) {
        result.end(Outcome.DECLINED, "not confirmed; nothing was deleted");
      } else {
        // Time spent waiting for a person to type "yes" is not the run's: its deadline starts now.
        Deadline deadline = new Deadline(clock, settings.timeout());
        try (FlushLock lock = settings.dryRun() || !settings.lock() ? null
            : FlushLock.acquire(redis.lockNode(), lockTtl(), clock.instant())) {
          flush(redis, tally, deadline, result);
        }
      }
    } catch (CacheflushException e) {
      fail(result, e);
    } catch (RedisException e) {
      // A command outside the scan's own recovery (the first DBSIZE, the lock) met a fault.
      fail(result, RedisFailures.explain(settings.redisUrl().masked(), e));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      result.end(Outcome.INTERRUPTED, "interrupted");
    }
    return report(started, tally, result);
  }

  private static void fail(Result result, CacheflushException e) {
    log.debug("Run failed", e);
    result.end(Outcome.FAILED, e.getMessage());
    result.exitCode = e.exitCode();
  }

  /** What the report needs beyond the tally; filled in as the run goes. */
  private static final class Result {
    /** Null until connected: how the cache is deployed is found, not configured. */
    String mode;
    long dbSize;
    long confirmMillis;
    Outcome outcome;
    int exitCode;
    String message;
    List<FlushReport.Recovery> recoveries = List.of();
    List<FlushReport.Shard> shards = List.of();
    FlushReport.Verification verification;
    FlushReport.DeadlineEstimate estimate;

    void end(Outcome outcome, String message) {
      this.outcome = outcome;
      this.exitCode = outcome.exitCode();
      this.message = message;
    }
  }

  private void flush(RedisTarget redis, Tally tally, Deadline deadline, Result result) throws InterruptedException {
    long scanStarted = System.nanoTime();
    FlushRun run = new FlushRun(settings, !settings.dryRun(), tally, progress, deadline, stop);
    try {
      result.end(run.run(redis, result.dbSize), null);
    } finally {
      result.recoveries = run.recoveries();
      result.shards = run.shards().stream().map(s -> new FlushReport.Shard(s.node().nodeId(), s.node().address(),
          s.tally().scanned(), s.tally().matched(), s.tally().deleted())).toList();
    }
    switch (result.outcome) {
      case TIMEOUT -> result.message = "the deadline of " + Durations.format(settings.timeout()) + " passed; the counts"
          + " show the work done before it (raise --timeout to finish)";
      case INTERRUPTED -> result.message = "stopped on request after the batches in flight; the counts show the work"
          + " done before it";
      default -> {
        if (settings.dryRun()) {
          result.estimate = estimate(tally, System.nanoTime() - scanStarted, result.dbSize);
        } else if (settings.verify()) {
          result.verification = verify(redis, tally, deadline);
        }
      }
    }
  }

  private FlushReport.DeadlineEstimate estimate(Tally tally, long scanNanos, long dbSize) {
    double nanosPerKey = tally.scanned() == 0 ? 0 : (double) scanNanos / tally.scanned();
    double matchedShare = tally.scanned() == 0 ? 0 : (double) tally.matched() / tally.scanned();
    long estimatedMs = (long) (dbSize * nanosPerKey * (1 + matchedShare * DELETE_COST_PER_SCAN_COST) / 1e6);
    long keysPerSecond = nanosPerKey == 0 ? 0 : (long) (1e9 / nanosPerKey);
    return new FlushReport.DeadlineEstimate(keysPerSecond, estimatedMs, settings.timeout().toMillis(),
        estimatedMs < settings.timeout().toMillis());
  }

  private FlushReport.Verification verify(RedisTarget redis, Tally flushed, Deadline deadline)
      throws InterruptedException {
    Tally after = new Tally(settings.flushPatterns().size());
    Outcome outcome = new FlushRun(settings, false, after, Progress.NONE, deadline, stop).run(redis, 0);
    List<String> samples = new ArrayList<>();
    for (int i = 0; i < settings.flushPatterns().size() && samples.size() < Tally.SAMPLES; i++) {
      after.samples(i).stream().limit(Tally.SAMPLES - samples.size()).map(KeyText::render).forEach(samples::add);
    }
    if (after.matched() > 0) {
      log.info("Verification: {} keys match a flush pattern again (live traffic re-creates hot keys)", after.matched());
    }
    return new FlushReport.Verification(outcome == Outcome.COMPLETED, after.scanned(), after.matched(), samples,
        flushed.preserved(), after.preserved());
  }

  /** Longer than the run can take, so only a holder that died leaves it to expire. */
  private Duration lockTtl() {
    return settings.timeout().plus(settings.commandTimeout().multipliedBy(2)).plusSeconds(30);
  }

  private static long dbSize(List<RedisNode> primaries) {
    long total = 0;
    for (RedisNode node : primaries) {
      total += node.dbSize();
    }
    return total;
  }

  private FlushReport report(Instant started, Tally tally, Result r) {
    Instant finished = clock.instant();
    List<RedisGlob> flush = settings.flushPatterns();
    List<FlushReport.PatternCount> patterns = new ArrayList<>();
    for (int i = 0; i < flush.size(); i++) {
      patterns.add(new FlushReport.PatternCount(flush.get(i).pattern(), tally.matched(i), tally.deleted(i),
          tally.samples(i).stream().map(KeyText::render).toList()));
    }
    List<FlushReport.ConflictSample> conflicts = tally.conflictSamples().stream()
        .map(c -> new FlushReport.ConflictSample(KeyText.render(c.key()), flush.get(c.flushPattern()).pattern(),
            settings.preservePatterns().get(c.preservePattern()).pattern()))
        .toList();
    return new FlushReport(
        FlushReport.SCHEMA_VERSION,
        settings.dryRun() ? "plan" : "flush",
        settings.dryRun(),
        settings.redisUrl().masked(),
        r.mode,
        r.outcome.reportName(),
        r.exitCode,
        r.message,
        started.toString(),
        finished.toString(),
        Duration.between(started, finished).toMillis() - r.confirmMillis,
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
        new FlushReport.Tuning(settings.scanCount(), settings.batchSize(), settings.maxInFlight(),
            settings.timeout().toMillis(), settings.retries(), settings.commandTimeout().toMillis(), settings.lock(),
            settings.verify(), settings.maxRate(),
            settings.maxLatency() == null ? null : settings.maxLatency().toMillis()),
        r.shards,
        null,
        null,
        null);
  }
}
