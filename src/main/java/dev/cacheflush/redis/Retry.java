package dev.cacheflush.redis;

import dev.cacheflush.CacheflushException;
import dev.cacheflush.ExitCode;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one rule for trying again after a fault, for every command of a run: a failure that may pass
 * (a reset connection, a timeout, a restarting server) is met by a pause from the {@link Backoff},
 * a new connection, and the same step again, up to {@code retries} times and never past the
 * deadline; any other failure (refused credentials, a missing right, an error reply) ends the step
 * at once. Connecting, the single commands around the flush (DBSIZE, INFO, CLUSTER NODES, the
 * lock) and the scan's own recovery all decide through it.
 */
public final class Retry {
  private static final Logger log = LoggerFactory.getLogger(Retry.class);

  private final Backoff backoff;
  private final Deadline deadline;

  public Retry(Backoff backoff, Deadline deadline) {
    this.backoff = backoff;
    this.deadline = deadline;
  }

  /** The same backoff under another deadline. */
  public Retry until(Deadline other) {
    return new Retry(backoff, other);
  }

  public int retries() {
    return backoff.retries();
  }

  /** How many attempts a step gets at most: the first and its retries. */
  public int attempts() {
    return backoff.retries() + 1;
  }

  /**
   * Whether a step that failed with {@code failure}, its {@code failures}-th failure in a row, gets
   * another attempt: the failure may pass, the retries are not used up and the deadline has not passed.
   */
  public boolean worthAnother(int failures, Throwable failure) {
    return RedisFailures.isRetryable(failure)
        && failures <= backoff.retries()
        && !deadline.passed();
  }

  /** The pause before retry number {@code failures}, never past the deadline. */
  public void pause(int failures) throws InterruptedException {
    backoff.pause(failures, deadline);
  }

  /**
   * Runs {@code step}; after a failure that may pass, logs it, pauses, runs {@code recover} (a new
   * connection) and tries again. A failure that no retry can mend is thrown as it came, so callers
   * see what Redis said; one that outlasted the retries says how often it was tried (exit 1); an
   * interrupt while pausing ends the run (exit 130).
   *
   * @param what the command and where, for the log: {@code DBSIZE on 10.0.0.1:6379}
   */
  public <T> T run(String what, Supplier<T> step, Runnable recover) {
    for (int failures = 0; ; ) {
      try {
        if (failures > 0) {
          recover.run();
        }
        return step.get();
      } catch (RuntimeException e) {
        failures++;
        if (!RedisFailures.isRetryable(e)) {
          throw e;
        }
        if (!worthAnother(failures, e)) {
          throw new CacheflushException(
              ExitCode.FAILED,
              "Gave up on "
                  + what
                  + " after "
                  + failures
                  + (failures == 1 ? " attempt" : " attempts")
                  + ": "
                  + RedisFailures.hint(e),
              e);
        }
        log.warn(
            "{} failed (attempt {} of {}): {}; trying again on a new connection",
            what,
            failures,
            attempts(),
            RedisFailures.hint(e));
        try {
          pause(failures);
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
          throw new CacheflushException(ExitCode.INTERRUPTED, "Interrupted while retrying " + what);
        }
      }
    }
  }
}
