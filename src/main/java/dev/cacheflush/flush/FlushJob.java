package dev.cacheflush.flush;

import dev.cacheflush.CacheflushException;
import dev.cacheflush.config.Durations;
import dev.cacheflush.config.Settings;
import dev.cacheflush.glob.RedisGlob;
import dev.cacheflush.redis.RedisNode;
import dev.cacheflush.redis.RedisTarget;
import dev.cacheflush.report.FlushReport;
import dev.cacheflush.report.KeyText;
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

  private final Settings settings;
  private final Confirmation confirmation;
  private final Progress progress;
  private final Clock clock;

  public FlushJob(Settings settings, Confirmation confirmation, Progress progress, Clock clock) {
    this.settings = settings;
    this.confirmation = confirmation;
    this.progress = progress;
    this.clock = clock;
  }

  public FlushReport run() {
    Instant started = clock.instant();
    Deadline deadline = new Deadline(clock, settings.timeout());
    Tally tally = new Tally(settings.flushPatterns().size());
    String target = settings.redisUrl().masked();
    String mode = "standalone";
    long dbSize = 0;
    Outcome outcome;
    String message = null;
    int exitCode;
    try (RedisTarget redis = RedisTarget.connect(settings.redisUrl())) {
      mode = redis.mode();
      dbSize = dbSize(redis.primaries());
      log.info("Connected to {} ({}), {} keys", target, mode, dbSize);
      if (!settings.dryRun() && !confirmation.confirm(target, mode, dbSize)) {
        outcome = Outcome.DECLINED;
        message = "not confirmed; nothing was deleted";
      } else {
        outcome = new FlushRun(settings, tally, progress, deadline).run(redis.primaries(), dbSize);
        if (outcome == Outcome.TIMEOUT) {
          message = "the deadline of " + Durations.format(settings.timeout()) + " passed; the counts show the work "
              + "done before it (raise --timeout to finish)";
        }
      }
      exitCode = outcome.exitCode();
    } catch (CacheflushException e) {
      log.debug("Run failed", e);
      outcome = Outcome.FAILED;
      message = e.getMessage();
      exitCode = e.exitCode();
    }
    return report(started, target, mode, dbSize, tally, outcome, exitCode, message);
  }

  private static long dbSize(List<RedisNode> primaries) {
    long total = 0;
    for (RedisNode node : primaries) {
      total += node.dbSize();
    }
    return total;
  }

  private FlushReport report(Instant started, String target, String mode, long dbSize, Tally tally,
      Outcome outcome, int exitCode, String message) {
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
        target,
        mode,
        outcome.reportName(),
        exitCode,
        message,
        started.toString(),
        finished.toString(),
        Duration.between(started, finished).toMillis(),
        dbSize,
        tally.scanned(),
        tally.matched(),
        tally.deleted(),
        tally.preserved(),
        tally.untouched(),
        patterns,
        settings.preservePatterns().stream().map(RedisGlob::pattern).toList(),
        new FlushReport.Conflicts(tally.conflicts(), conflicts),
        new FlushReport.Tuning(settings.scanCount(), settings.batchSize(), settings.maxInFlight(),
            settings.timeout().toMillis()));
  }
}
