package dev.cacheflush.flush;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The rates --db-max-latency decides from what a fake probe saw, on a fake clock. */
class DbLatencyPacerTest {
  private static final double START = DbLatencyPacer.START_KEYS_PER_SECOND;
  private final FakeSignal signal = new FakeSignal();
  private final DbLatencyPacer pacer =
      new DbLatencyPacer(signal, Duration.ofMillis(20), Duration.ofSeconds(1));

  @Test
  void shouldDecideOncePerWindow() {
    signal.answers(ms(50));
    assertThat(pacer.keysPerSecond(0, 0)).isEqualTo(START);
    assertThat(pacer.keysPerSecond(ms(999), 999)).isEqualTo(START);
    assertThat(signal.asked).isZero();
    assertThat(pacer.keysPerSecond(ms(1_000), 1_000)).isEqualTo(START / 2);
    assertThat(pacer.keysPerSecond(ms(1_500), 1_250)).isEqualTo(START / 2);
    assertThat(signal.asked).isEqualTo(1);
  }

  @Test
  void shouldHalveWhileOverTheBoundDownToTheFloor() {
    signal.answers(ms(21));
    long sent = 0;
    pacer.keysPerSecond(0, sent);
    double rate = START;
    for (int second = 1; second <= 12; second++) {
      sent += (long) rate;
      rate = pacer.keysPerSecond(ms(1_000L * second), sent);
    }
    assertThat(rate).isEqualTo(DbLatencyPacer.FLOOR_KEYS_PER_SECOND);
    assertThat(pacer.slowdowns()).isEqualTo(12);
    assertThat(pacer.lowest()).isEqualTo(DbLatencyPacer.FLOOR_KEYS_PER_SECOND);
    assertThat(pacer.highestP99Nanos()).isEqualTo(ms(21));
  }

  @Test
  void shouldSpeedUpByAQuarterWithHeadroomAndHoldCloseToTheBound() {
    pacer.keysPerSecond(0, 0);
    signal.answers(ms(10)); // half the bound
    assertThat(pacer.keysPerSecond(ms(1_000), 1_000)).isEqualTo(START * 1.25);
    signal.answers(ms(18)); // within the bound, but over 80 % of it: held
    assertThat(pacer.keysPerSecond(ms(2_000), 2_250)).isEqualTo(START * 1.25);
    signal.answers(ms(20)); // at the bound: held, not slowed
    assertThat(pacer.keysPerSecond(ms(3_000), 3_500)).isEqualTo(START * 1.25);
    assertThat(pacer.speedups()).isEqualTo(1);
    assertThat(pacer.slowdowns()).isZero();
  }

  @Test
  void aHalvingShouldStartFromTheRateReallyReached() {
    pacer.keysPerSecond(0, 0);
    signal.answers(ms(5));
    long sent = 0;
    double rate = START;
    for (int second = 1; second <= 10; second++) {
      // The scan held the flush to 300 keys/s, while the bound's rate kept rising.
      sent += 300;
      rate = pacer.keysPerSecond(ms(1_000L * second), sent);
    }
    assertThat(rate).isGreaterThan(START * 9);
    signal.answers(ms(40));
    assertThat(pacer.keysPerSecond(ms(11_000), sent + 300)).isEqualTo(150.0);
  }

  @Test
  void noAnswerShouldHoldTheRate() {
    pacer.keysPerSecond(0, 0);
    signal.next = new LatencySignal.Recent(0, 0, 0, 0);
    assertThat(pacer.keysPerSecond(ms(1_000), 1_000)).isEqualTo(START);
    assertThat(pacer.slowdowns() + pacer.speedups()).isZero();
  }

  @Test
  void aFailedQueryOrOneRunningPastTheBoundShouldSlowDown() {
    pacer.keysPerSecond(0, 0);
    signal.next = new LatencySignal.Recent(8, 1, ms(2), 0);
    assertThat(pacer.keysPerSecond(ms(1_000), 1_000)).isEqualTo(START / 2);
    signal.next = new LatencySignal.Recent(0, 0, 0, ms(400));
    assertThat(pacer.keysPerSecond(ms(2_000), 1_500)).isEqualTo(START / 4);
    signal.next = new LatencySignal.Recent(9, 0, ms(2), ms(1));
    assertThat(pacer.keysPerSecond(ms(3_000), 1_750)).isEqualTo(START / 4 * 1.25);
    assertThat(pacer.slowdowns()).isEqualTo(2);
  }

  private static long ms(long millis) {
    return TimeUnit.MILLISECONDS.toNanos(millis);
  }
}
