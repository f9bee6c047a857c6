package dev.cacheflush.redis;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * How long to wait before retry number n: about 1 s, 2 s, 4 s..., with jitter so that several
 * clients cut off by the same fault do not all come back at the same instant. Never waits past the
 * run's deadline.
 */
public final class Backoff {
  /** The first wait; each next one doubles (about 1 s, 2 s, 4 s). */
  public static final Duration FIRST_DELAY = Duration.ofSeconds(1);

  private final int retries;
  private final Duration base;

  /**
   * @param retries how many times a failed step is tried again after its first attempt
   * @param base the first wait; each next one doubles
   */
  public Backoff(int retries, Duration base) {
    this.retries = retries;
    this.base = base;
  }

  public int retries() {
    return retries;
  }

  /** The wait before retry {@code retry} (1-based): base * 2^(retry-1), +-20 %. */
  public Duration delay(int retry) {
    double jitter = 0.8 + 0.4 * ThreadLocalRandom.current().nextDouble();
    long millis = (long) (base.toMillis() * Math.pow(2, retry - 1) * jitter);
    return Duration.ofMillis(millis);
  }

  /** The most its retries can wait in all: every delay at the top of its jitter. */
  public Duration longestWait() {
    return Duration.ofMillis((long) (base.toMillis() * (Math.pow(2, retries) - 1) * 1.2));
  }

  /** Sleeps for the delay of {@code retry}, or until the deadline if that comes first. */
  public void pause(int retry, Deadline deadline) throws InterruptedException {
    Thread.sleep(wait(retry, deadline).toMillis());
  }

  /** What {@link #pause} sleeps: the delay of {@code retry}, cut to the time left before the deadline. */
  Duration wait(int retry, Deadline deadline) {
    Duration delay = delay(retry);
    Duration left = deadline.remaining();
    return delay.compareTo(left) < 0 ? delay : left;
  }
}
