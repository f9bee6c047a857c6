package dev.cacheflush.redis;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/** The point in time by which the whole run must have stopped. */
public final class Deadline {
  private final Clock clock;
  private final Instant at;

  public Deadline(Clock clock, Duration budget) {
    this.clock = clock;
    this.at = clock.instant().plus(budget);
  }

  public boolean passed() {
    return !clock.instant().isBefore(at);
  }

  /** Time left, never negative. */
  public Duration remaining() {
    Duration left = Duration.between(clock.instant(), at);
    return left.isNegative() ? Duration.ZERO : left;
  }
}
