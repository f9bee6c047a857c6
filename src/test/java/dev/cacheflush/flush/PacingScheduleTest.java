package dev.cacheflush.flush;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The schedules the throttle decides with its pacers, on a fake clock that only the throttle's own
 * sleeps move: when each batch goes, never how long anything took.
 */
class PacingScheduleTest {
  private long now;
  private final List<Long> starts = new ArrayList<>();

  private Throttle throttle(long maxRate, Pacer... pacers) {
    return new Throttle(
        maxRate, null, List.of(pacers), () -> now, nanos -> now += nanos, () -> false);
  }

  /** Sends {@code batches} of {@code keys} each, noting when each went. */
  private void send(Throttle t, int batches, int keys) throws InterruptedException {
    for (int i = 0; i < batches; i++) {
      assertThat(t.beforeSend(keys)).isTrue();
      starts.add(now);
    }
  }

  @Test
  void spreadShouldSendBatchesEvenlyOverTheSpread() throws Exception {
    Throttle t = throttle(0, new SpreadPacer(Duration.ofSeconds(10), () -> 1_000));
    send(t, 10, 100);
    // 1,000 keys over 10 s in batches of 100: one batch a second from the first, the last at 9 s.
    for (int i = 0; i < 10; i++) {
      assertThat((double) starts.get(i)).isCloseTo(ms(1_000L * i), within((double) ms(15)));
    }
    assertThat(t.heldBatches()).isEqualTo(9);
  }

  @Test
  void spreadShouldReplanWhenTheEstimateGrows() throws Exception {
    AtomicLong estimate = new AtomicLong(1_000);
    SpreadPacer spread = new SpreadPacer(Duration.ofSeconds(10), estimate::get);
    Throttle t = throttle(0, spread);
    send(t, 5, 100);
    assertThat((double) now).isCloseTo(ms(4_000), within((double) ms(15)));
    // At 4 s the scan shows twice as many keys to go: the 1,500 left share the 6 s left, each batch
    // taking its share of the time that remains, so the last goes 6 s x 100 / 1,600 before the end.
    estimate.set(2_000);
    send(t, 15, 100);
    long sixth = starts.get(5);
    long last = starts.get(19);
    assertThat(sixth - starts.get(4)).isLessThan(ms(1_000));
    // A batch takes its slot once it is within a slice of it, as planned then: a little late, by
    // less the more keys remain, and the rest of the schedule re-plans around it.
    assertThat((double) last).isCloseTo(ms(9_625), within((double) ms(100)));
    assertThat(spread.firstEstimate()).isEqualTo(1_000);
    assertThat(spread.lastEstimate()).isEqualTo(2_000);
    assertThat(spread.plannedKeysPerSecond()).isEqualTo(200.0);
  }

  @Test
  void spreadShouldLimitNothingOnceItsTimeHasPassed() throws Exception {
    AtomicLong estimate = new AtomicLong(200);
    Throttle t = throttle(0, new SpreadPacer(Duration.ofSeconds(2), estimate::get));
    send(t, 2, 100);
    assertThat((double) now).isCloseTo(ms(1_000), within((double) ms(15)));
    // More keys than estimated turn up after the spread: they go at once.
    estimate.set(1_000);
    now += ms(1_500);
    long after = now;
    send(t, 8, 100);
    assertThat(now).isEqualTo(after);
  }

  @Test
  void spreadShouldStartAtTheFirstBatchNotWhenMade() throws Exception {
    SpreadPacer spread = new SpreadPacer(Duration.ofSeconds(10), () -> 1_000);
    Throttle t = throttle(0, spread);
    now += ms(30_000); // the scan found no key to delete for 30 s
    long first = now;
    send(t, 10, 100);
    assertThat((double) (starts.get(9) - first)).isCloseTo(ms(9_000), within((double) ms(15)));
  }

  @Test
  void theLowestRateShouldWin() throws Exception {
    Throttle t = throttle(500, (at, sent) -> 2_000, (at, sent) -> Double.POSITIVE_INFINITY);
    send(t, 3, 100);
    // --max-rate 500 is lower than the pacer's 2,000 keys/s: 100 keys every 200 ms.
    assertThat(starts).containsExactly(0L, ms(200), ms(400));
    starts.clear();
    now = 0;
    Throttle paced = throttle(5_000, (at, sent) -> 1_000);
    send(paced, 3, 100);
    assertThat(starts).containsExactly(0L, ms(100), ms(200));
  }

  @Test
  void aRateThatRisesShouldLetAWaitingBatchGoSooner() throws Exception {
    // 10 keys/s for 2 s, then 1,000: the second batch of 100 was due at 10 s, and goes at 2 s.
    Throttle t = throttle(0, (at, sent) -> at < ms(2_000) ? 10 : 1_000);
    send(t, 2, 100);
    assertThat(starts).containsExactly(0L, ms(2_000));
  }

  @Test
  void aWaitShouldEndOnAStopAndTheBatchNotGo() throws Exception {
    boolean[] stop = {false};
    Throttle t =
        new Throttle(
            0,
            null,
            List.of((at, sent) -> 1),
            () -> now,
            nanos -> {
              now += nanos;
              stop[0] = now >= ms(3_000);
            },
            () -> stop[0]);
    assertThat(t.beforeSend(100)).isTrue();
    // The next batch would wait 100 s at 1 key/s; the stop at 3 s ends the wait and it is not sent.
    assertThat(t.beforeSend(100)).isFalse();
    assertThat(now).isEqualTo(ms(3_000));
    assertThat(t.heldBatches()).isZero();
  }

  @Test
  void theLatencyBoundShouldWinOverTheSpread() throws Exception {
    // The database stays over its bound: the bound halves the rate each second, from 1,000 keys/s,
    // down to its floor, and the deletion takes longer than the 2 s spread asked for.
    LatencySignal overBound = FakeSignal.always(ms(50));
    DbLatencyPacer db = new DbLatencyPacer(overBound, Duration.ofMillis(10), Duration.ofSeconds(1));
    SpreadPacer spread = new SpreadPacer(Duration.ofSeconds(2), () -> 2_000);
    Throttle t = throttle(0, spread, db);
    send(t, 20, 100);
    assertThat(db.slowdowns()).isGreaterThanOrEqualTo(3);
    assertThat(db.speedups()).isZero();
    assertThat(now).isGreaterThan(ms(4_000));
    assertThat(db.lowest()).isLessThan(DbLatencyPacer.START_KEYS_PER_SECOND / 4);
  }

  private static long ms(long millis) {
    return TimeUnit.MILLISECONDS.toNanos(millis);
  }

  private static long ms(double millis) {
    return Math.round(millis * 1e6);
  }
}
