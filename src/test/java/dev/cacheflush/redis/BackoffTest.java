package dev.cacheflush.redis;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/**
 * The retry schedule as the code decides it, on a clock that does not move: what the runs against a
 * server that never comes up wait, whatever the machine's load.
 */
class BackoffTest {
  private static final Clock FROZEN =
      Clock.fixed(Instant.parse("2026-12-02T08:00:00Z"), ZoneOffset.UTC);

  @Test
  void waitsShouldDoubleFromOneSecondWithinTwentyPercentOfJitter() {
    Backoff backoff = new Backoff(3, Backoff.FIRST_DELAY);
    Deadline farAway = new Deadline(FROZEN, Duration.ofHours(1));
    for (int sample = 0; sample < 1_000; sample++) {
      Duration total = Duration.ZERO;
      for (int retry = 1; retry <= 3; retry++) {
        long nominal = 1_000L << (retry - 1);
        Duration wait = backoff.wait(retry, farAway);
        assertThat(wait.toMillis())
            .as("retry %d", retry)
            .isBetween(nominal * 8 / 10, nominal * 12 / 10);
        total = total.plus(wait);
      }
      // The budget of the default --retries 3: at most 8.4 s of waiting before the run gives up.
      assertThat(total).isLessThanOrEqualTo(Duration.ofMillis(8_400));
    }
  }

  @Test
  void waitShouldNeverGoPastTheDeadline() {
    Backoff backoff = new Backoff(5, Backoff.FIRST_DELAY);

    assertThat(backoff.wait(5, new Deadline(FROZEN, Duration.ofMillis(1_500))))
        .isEqualTo(Duration.ofMillis(1_500));
    assertThat(backoff.wait(1, new Deadline(FROZEN, Duration.ZERO))).isZero();
  }
}
