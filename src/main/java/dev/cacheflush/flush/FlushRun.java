package dev.cacheflush.flush;

import dev.cacheflush.config.Settings;
import dev.cacheflush.redis.KeyScanner;
import dev.cacheflush.redis.RedisNode;
import java.util.List;

/**
 * The flush itself: every primary's keys stream from SCAN through the classifier to the deleter,
 * one page at a time. One pass over the keyspace serves all patterns at once (docs/benchmarks.md
 * has the measurement that chose it over a SCAN MATCH per pattern).
 */
public final class FlushRun {
  private final Settings settings;
  private final Classifier classifier;
  private final Tally tally;
  private final Progress progress;
  private final Deadline deadline;

  public FlushRun(Settings settings, Tally tally, Progress progress, Deadline deadline) {
    this.settings = settings;
    this.classifier = new Classifier(settings.flushPatterns(), settings.preservePatterns());
    this.tally = tally;
    this.progress = progress;
    this.deadline = deadline;
  }

  /** Runs until every primary is scanned, or the deadline passes; failures propagate. */
  public Outcome run(List<RedisNode> primaries, long totalKeys) {
    for (RedisNode node : primaries) {
      Deleter deleter = settings.dryRun()
          ? new DryRunDeleter()
          : new UnlinkDeleter(node, tally, classifier.flushPatternCount(), settings.batchSize(),
              settings.maxInFlight());
      KeyScanner scanner = new KeyScanner(node, settings.scanCount());
      boolean timedOut = false;
      while (!scanner.finished()) {
        if (deadline.passed()) {
          timedOut = true;
          break;
        }
        for (byte[] key : scanner.nextPage()) {
          sort(key, deleter);
        }
        progress.update(tally, totalKeys);
      }
      // What was sent before the deadline is still waited for, so the report counts it.
      deleter.finish();
      if (timedOut) {
        return Outcome.TIMEOUT;
      }
    }
    return Outcome.COMPLETED;
  }

  private void sort(byte[] key, Deleter deleter) {
    tally.addScanned(1);
    Classifier.Decision decision = classifier.classify(key);
    switch (decision.kind()) {
      case FLUSH -> {
        tally.addMatched(decision.flushPattern(), key);
        deleter.delete(decision.flushPattern(), key);
      }
      case CONFLICT -> tally.addConflict(key, decision.flushPattern(), decision.preservePattern());
      case PRESERVE -> tally.addPreserved();
      case UNTOUCHED -> tally.addUntouched();
    }
  }
}
