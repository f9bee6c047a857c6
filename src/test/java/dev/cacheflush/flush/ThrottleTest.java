package dev.cacheflush.flush;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ThrottleTest {
  private long now;
  private final List<Long> sleeps = new ArrayList<>();

  private Throttle throttle(long maxRate, Duration maxLatency) {
    return new Throttle(
        maxRate,
        maxLatency,
        () -> now,
        nanos -> {
          sleeps.add(nanos);
          now += nanos;
        });
  }

  @Test
  void rateCapShouldSpaceBatchesByTheirSize() throws Exception {
    Throttle t = throttle(1_000, null);
    t.beforeSend(100);
    t.beforeSend(100);
    t.beforeSend(100);
    // The first batch goes at once; each next one waits the 100 ms its predecessor's keys cost.
    assertThat(sleeps).containsExactly(ms(100), ms(100));
    assertThat(now).isEqualTo(ms(200));
  }

  @Test
  void idleTimeShouldNotBuyABurst() throws Exception {
    Throttle t = throttle(1_000, null);
    t.beforeSend(100);
    now += ms(5_000);
    t.beforeSend(100);
    t.beforeSend(100);
    // Only the few milliseconds of catch-up are forgiven, not the five idle seconds.
    assertThat(sleeps).containsExactly(ms(100) - Throttle.CATCH_UP);
  }

  @Test
  void sleepsThatEndLateShouldNotLowerTheRate() throws Exception {
    long oversleep = TimeUnit.MICROSECONDS.toNanos(80);
    Throttle t = new Throttle(100_000, null, () -> now, nanos -> now += nanos + oversleep);
    for (int batch = 0; batch < 1_000; batch++) {
      t.beforeSend(100);
    }
    // 1,000 batches of 100 keys at 100,000 keys/s take 999 ms after the first, late wake-ups or
    // not.
    assertThat(now).isBetween(ms(999), ms(999) + oversleep);
  }

  @Test
  void slowRoundTripsShouldDoubleThePauseAndFastOnesHalveIt() throws Exception {
    Throttle t = throttle(0, Duration.ofMillis(5));
    t.observed(ms(10));
    assertThat(t.pauseNanos()).isEqualTo(ms(1));
    t.observed(ms(10));
    t.observed(ms(10));
    assertThat(t.pauseNanos()).isEqualTo(ms(4));
    t.beforeSend(500);
    assertThat(sleeps).containsExactly(ms(4));
    t.observed(ms(1));
    assertThat(t.pauseNanos()).isEqualTo(ms(2));
    t.observed(ms(1));
    t.observed(ms(1));
    assertThat(t.pauseNanos()).isZero();
  }

  @Test
  void pauseShouldNeverExceedOneSecond() {
    Throttle t = throttle(0, Duration.ofMillis(5));
    for (int i = 0; i < 20; i++) {
      t.observed(ms(50));
    }
    assertThat(t.pauseNanos()).isEqualTo(ms(1_000));
  }

  @Test
  void noLimitsShouldNeverSleep() throws Exception {
    Throttle t = throttle(0, null);
    t.observed(ms(500));
    t.beforeSend(1_000_000);
    assertThat(t.active()).isFalse();
    assertThat(sleeps).isEmpty();
  }

  private static long ms(long millis) {
    return TimeUnit.MILLISECONDS.toNanos(millis);
  }
}
