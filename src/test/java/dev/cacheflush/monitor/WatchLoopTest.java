package dev.cacheflush.monitor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cacheflush.CacheflushException;
import dev.cacheflush.ExitCode;
import dev.cacheflush.config.WatchSettings;
import dev.cacheflush.flush.StopSignal;
import dev.cacheflush.report.WatchReport;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The watch's stop rules on a scripted cache and a clock that only moves when the loop sleeps. */
class WatchLoopTest {
  /** A ticker whose time advances exactly by what is slept, plus what sampling costs. */
  static final class FakeTicker implements Ticker {
    long now;
    final List<Long> sleeps = new ArrayList<>();

    @Override
    public long nanos() {
      return now;
    }

    @Override
    public void sleep(Duration d) {
      sleeps.add(d.toMillis());
      now += d.toNanos();
    }
  }

  /** Each snapshot adds the next scripted (hits, misses) to the counters; null means "Redis fails". */
  static final class Script implements StatsSource {
    final FakeTicker ticker;
    final List<long[]> steps;
    final long samplingCostNanos;
    long hits;
    long misses;
    int taken;

    Script(FakeTicker ticker, long samplingCostNanos, long[]... steps) {
      this.ticker = ticker;
      this.samplingCostNanos = samplingCostNanos;
      this.steps = Arrays.asList(steps);
    }

    @Override
    public StatsSnapshot snapshot() {
      if (taken > 0) {
        long[] step = steps.get(taken - 1);
        if (step == null) {
          throw new CacheflushException(
              ExitCode.FAILED, "Cannot use Redis at a:1: connection reset");
        }
        hits += step[0];
        misses += step[1];
      }
      taken++;
      ticker.now += samplingCostNanos;
      return new StatsSnapshot(
          ticker.now,
          Instant.EPOCH.plusNanos(ticker.now),
          Map.of("a:1", new NodeCounters(hits, misses, hits + misses)),
          100);
    }
  }

  static long[] rate(int percent) {
    return new long[] {percent, 100 - percent};
  }

  WatchReport run(WatchSettings settings, Script script) {
    List<WatchReport.Interval> seen = new ArrayList<>();
    WatchReport report =
        new WatchLoop(script, null, settings, script.ticker, new StopSignal())
            .run(script.snapshot(), seen::add)
            .report();
    assertThat(seen).isEqualTo(report.intervals());
    return report;
  }

  @Test
  void forShouldObserveUntilTheLimitWithATruncatedLastInterval() {
    FakeTicker t = new FakeTicker();
    Script s = new Script(t, 0, rate(10), rate(20), rate(30), rate(40));

    WatchReport r =
        run(
            WatchSettings.of("--for", Duration.ofMillis(3_500), Duration.ofSeconds(1), null, null),
            s);

    assertThat(r.outcome()).isEqualTo("observed");
    assertThat(r.condition()).isEqualTo("for");
    assertThat(r.intervals())
        .extracting(WatchReport.Interval::hitRate)
        .containsExactly(0.1, 0.2, 0.3, 0.4);
    assertThat(r.intervals())
        .extracting(WatchReport.Interval::windowMs)
        .containsExactly(1_000L, 1_000L, 1_000L, 500L);
    assertThat(r.recoveredAfterMs()).isNull();
  }

  @Test
  void aStopRequestShouldEndTheWatchAtTheNextWakeKeepingTheIntervalsSeen() {
    FakeTicker t = new FakeTicker();
    Script s = new Script(t, 0, rate(10), rate(20), rate(30), rate(40));
    StopSignal stop = new StopSignal();
    List<WatchReport.Interval> seen = new ArrayList<>();

    WatchLoop.Watched w =
        new WatchLoop(
                s,
                null,
                WatchSettings.of(
                    "--for", Duration.ofSeconds(60), Duration.ofSeconds(1), null, null),
                t,
                stop)
            .run(
                s.snapshot(),
                interval -> {
                  seen.add(interval);
                  if (seen.size() == 2) {
                    stop.request();
                  }
                });

    assertThat(w.outcome()).isEqualTo(WatchOutcome.INTERRUPTED);
    assertThat(w.report().outcome()).isEqualTo("interrupted");
    assertThat(w.report().intervals()).hasSize(2);
    assertThat(t.sleeps).as("no interval is sampled after the stop").hasSize(3);
  }

  @Test
  void intervalsShouldStayOnTheirGridWhenSamplingTakesTime() {
    FakeTicker t = new FakeTicker();
    Script s = new Script(t, 200_000_000L, rate(1), rate(2), rate(3));

    WatchReport r =
        run(WatchSettings.of("--for", Duration.ofSeconds(3), Duration.ofSeconds(1), null, null), s);

    // Each snapshot takes 200 ms: after the first full second, the loop sleeps 800 ms, not 1 s, to
    // stay on the grid.
    assertThat(t.sleeps).containsExactly(1_000L, 800L, 800L);
    assertThat(r.intervals())
        .extracting(WatchReport.Interval::windowMs)
        .containsExactly(1_200L, 1_000L, 1_000L);
    assertThat(r.intervals()).hasSize(3);
  }

  @Test
  void untilHitRateShouldStopAfterTheConsecutiveIntervalsAtTarget() {
    FakeTicker t = new FakeTicker();
    Script s =
        new Script(t, 0, rate(40), rate(85), rate(70), rate(80), rate(90), rate(95), rate(99));

    WatchReport r =
        run(WatchSettings.of("--within", Duration.ofSeconds(60), Duration.ofSeconds(1), 0.8, 3), s);

    assertThat(r.outcome()).isEqualTo("recovered");
    assertThat(r.intervals())
        .extracting(WatchReport.Interval::hitRate)
        .containsExactly(0.4, 0.85, 0.7, 0.8, 0.9, 0.95);
    assertThat(r.recoveredAfterMs()).isEqualTo(6_000L);
    assertThat(r.untilHitRate()).isEqualTo(0.8);
    assertThat(r.consecutive()).isEqualTo(3);
  }

  @Test
  void anIntervalWithoutLookupsShouldBreakTheRun() {
    FakeTicker t = new FakeTicker();
    Script s = new Script(t, 0, rate(90), new long[] {0, 0}, rate(90), rate(90));

    WatchReport r =
        run(WatchSettings.of("--within", Duration.ofSeconds(4), Duration.ofSeconds(1), 0.8, 2), s);

    assertThat(r.outcome()).isEqualTo("recovered");
    assertThat(r.intervals())
        .extracting(WatchReport.Interval::hitRate)
        .containsExactly(0.9, null, 0.9, 0.9);
  }

  @Test
  void notReachingTheTargetInTimeShouldBeNotRecovered() {
    FakeTicker t = new FakeTicker();
    Script s = new Script(t, 0, rate(90), rate(79), rate(90));

    WatchReport r =
        run(WatchSettings.of("--within", Duration.ofSeconds(3), Duration.ofSeconds(1), 0.8, 2), s);

    assertThat(r.outcome()).isEqualTo("not-recovered");
    assertThat(r.intervals()).hasSize(3);
    assertThat(
            WatchLoop.notRecovered(
                WatchSettings.of("--within", Duration.ofSeconds(3), Duration.ofSeconds(1), 0.8, 2),
                new WatchLoop.Watched(WatchOutcome.NOT_RECOVERED, r)))
        .isEqualTo("the hit rate did not reach 80.0% in 2 consecutive intervals within 3s");
  }

  @Test
  void aFailingCacheShouldEndTheWatchKeepingTheIntervalsSeen() {
    FakeTicker t = new FakeTicker();
    Script s = new Script(t, 0, rate(50), null);

    WatchReport r =
        run(WatchSettings.of("--within", Duration.ofSeconds(10), Duration.ofSeconds(1), 0.8, 2), s);

    assertThat(r.outcome()).isEqualTo("failed");
    assertThat(r.message()).contains("connection reset");
    assertThat(r.intervals()).hasSize(1);
  }
}
