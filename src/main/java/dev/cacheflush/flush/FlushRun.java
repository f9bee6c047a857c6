package dev.cacheflush.flush;

import dev.cacheflush.CacheflushException;
import dev.cacheflush.ExitCode;
import dev.cacheflush.config.Settings;
import dev.cacheflush.redis.Backoff;
import dev.cacheflush.redis.Deadline;
import dev.cacheflush.redis.KeyScanner;
import dev.cacheflush.redis.RedisFailures;
import dev.cacheflush.redis.RedisNode;
import dev.cacheflush.report.FlushReport;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The flush itself: every primary's keys stream from SCAN through the classifier to the deleter,
 * one page at a time. One pass over the keyspace serves all patterns at once (docs/benchmarks.md
 * has the measurement that chose it over a SCAN MATCH per pattern).
 *
 * <p>A fault (a reset connection, a timeout, a restarted server) is met by a new connection and
 * the same step again; the run gives up after {@code retries} failures in a row.
 */
public final class FlushRun {
  private static final Logger log = LoggerFactory.getLogger(FlushRun.class);

  private final Settings settings;
  private final boolean delete;
  private final Classifier classifier;
  private final Tally tally;
  private final Progress progress;
  private final Deadline deadline;
  private final StopSignal stop;
  private final Backoff backoff;
  private final Throttle throttle;
  private final List<FlushReport.Recovery> recoveries = new ArrayList<>();

  /** @param delete false for the dry run and the verification pass, which only count */
  public FlushRun(Settings settings, boolean delete, Tally tally, Progress progress, Deadline deadline,
      StopSignal stop) {
    this.settings = settings;
    this.delete = delete;
    this.classifier = new Classifier(settings.flushPatterns(), settings.preservePatterns());
    this.tally = tally;
    this.progress = progress;
    this.deadline = deadline;
    this.stop = stop;
    this.backoff = new Backoff(settings.retries(), Backoff.FIRST_DELAY);
    // One throttle for all nodes: the cap is on the whole flush.
    this.throttle = Throttle.of(settings.maxRate(), settings.maxLatency());
  }

  /** Runs until every primary is scanned, the deadline passes or a stop is asked for. */
  public Outcome run(List<RedisNode> primaries, long totalKeys) throws InterruptedException {
    for (RedisNode node : primaries) {
      Outcome outcome = runNode(node, totalKeys);
      if (outcome != Outcome.COMPLETED) {
        return outcome;
      }
    }
    return Outcome.COMPLETED;
  }

  public List<FlushReport.Recovery> recoveries() {
    return List.copyOf(recoveries);
  }

  private Outcome runNode(RedisNode node, long totalKeys) throws InterruptedException {
    KeyScanner scanner = new KeyScanner(node, settings.scanCount(), settings.commandTimeout().plusSeconds(1));
    Deleter deleter = delete
        ? new UnlinkDeleter(node, tally, classifier.flushPatternCount(), settings.batchSize(), settings.maxInFlight(),
            settings.commandTimeout().toMillis() + 1_000, throttle)
        : new DryRunDeleter();
    int failuresInARow = 0;
    boolean reconnect = false;
    String lastCause = null;
    while (true) {
      if (stop.requested()) {
        deleter.settle();
        return Outcome.INTERRUPTED;
      }
      if (deadline.passed()) {
        deleter.settle();
        return Outcome.TIMEOUT;
      }
      try {
        if (reconnect) {
          node.reconnect();
          boolean resumed = scanner.resumeAfterReconnect();
          deleter.retryFailed();
          raise(deleter.failure());
          reconnect = false;
          recoveries.add(new FlushReport.Recovery(node.address(), lastCause, !resumed));
          log.warn("Reconnected to {}; {}", node.address(), resumed
              ? "the scan goes on from its cursor"
              : "the server restarted or was replaced (new run_id), so the scan starts again from the beginning");
        }
        if (scanner.finished()) {
          deleter.finish();
          raise(deleter.failure());
          return Outcome.COMPLETED;
        }
        for (byte[] key : scanner.nextPage()) {
          sort(key, deleter);
        }
        progress.update(tally, totalKeys);
        raise(deleter.failure());
        failuresInARow = 0;
      } catch (RuntimeException e) {
        if (!RedisFailures.isRetryable(e)) {
          throw RedisFailures.explain(node.address(), e);
        }
        failuresInARow++;
        lastCause = RedisFailures.hint(e);
        if (failuresInARow > backoff.retries()) {
          throw new CacheflushException(ExitCode.FAILED, "Gave up on Redis at " + node.address() + " after "
              + failuresInARow + " failed attempts in a row; last: " + lastCause, e);
        }
        log.warn("Redis at {} failed ({}); reconnecting (attempt {} of {})", node.address(), lastCause,
            failuresInARow, backoff.retries());
        backoff.pause(failuresInARow, deadline);
        reconnect = true;
      }
    }
  }

  private static void raise(Throwable failure) {
    if (failure instanceof RuntimeException e) {
      throw e;
    }
    if (failure != null) {
      throw new IllegalStateException(failure);
    }
  }

  private void sort(byte[] key, Deleter deleter) throws InterruptedException {
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
