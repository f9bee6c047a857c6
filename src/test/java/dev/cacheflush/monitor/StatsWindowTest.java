package dev.cacheflush.monitor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StatsWindowTest {
  static final Instant T0 = Instant.parse("2025-01-01T00:00:00Z");

  static StatsSnapshot at(long millis, long keys, Map<String, NodeCounters> nodes) {
    return new StatsSnapshot(millis * 1_000_000, T0.plusMillis(millis), nodes, keys);
  }

  @Test
  void hitRateShouldComeFromTheDeltasNotTheLifetimeCounters() {
    // A server that hit 1,000,000 times before the window and missed all 300 lookups inside it.
    StatsSnapshot from = at(0, 10, Map.of("a:1", new NodeCounters(1_000_000, 10, 5_000_000)));
    StatsSnapshot to = at(2_000, 12, Map.of("a:1", new NodeCounters(1_000_000, 310, 5_000_400)));

    StatsWindow w = StatsWindow.between(from, to);

    assertThat(w.hitRate()).isEqualTo(new HitRate(0, 300));
    assertThat(w.hitRate().ratio()).isEqualTo(0.0);
    assertThat(w.windowMs()).isEqualTo(2_000);
    assertThat(w.opsPerSecond()).isCloseTo(200.0, within(1e-9));
    assertThat(w.keys()).isEqualTo(12);
  }

  @Test
  void nodesShouldBeSummed() {
    StatsSnapshot from =
        at(0, 0, Map.of("a:1", new NodeCounters(100, 0, 0), "b:2", new NodeCounters(5, 5, 0)));
    StatsSnapshot to =
        at(
            1_000,
            0,
            Map.of("a:1", new NodeCounters(190, 10, 0), "b:2", new NodeCounters(5, 105, 0)));

    HitRate h = StatsWindow.between(from, to).hitRate();

    assertThat(h).isEqualTo(new HitRate(90, 110));
    assertThat(h.ratio()).isCloseTo(0.45, within(1e-12));
  }

  @Test
  void aResetCounterShouldCountFromTheResetNotGoNegative() {
    StatsSnapshot from = at(0, 0, Map.of("a:1", new NodeCounters(5_000, 5_000, 9_000)));
    StatsSnapshot to = at(1_000, 0, Map.of("a:1", new NodeCounters(40, 10, 60)));

    StatsWindow w = StatsWindow.between(from, to);

    assertThat(w.hitRate()).isEqualTo(new HitRate(40, 10));
    assertThat(w.opsPerSecond()).isCloseTo(60.0, within(1e-9));
  }

  @Test
  void aNodeWithoutBaselineShouldWaitForTheNextWindow() {
    StatsSnapshot from = at(0, 0, Map.of("a:1", new NodeCounters(0, 0, 0)));
    StatsSnapshot to =
        at(
            1_000,
            0,
            Map.of("a:1", new NodeCounters(8, 2, 0), "new:3", new NodeCounters(1_000_000, 0, 0)));

    assertThat(StatsWindow.between(from, to).hitRate()).isEqualTo(new HitRate(8, 2));
  }

  @Test
  void noLookupsShouldLeaveTheRatioUndefinedAndNeverReachATarget() {
    StatsSnapshot s = at(0, 0, Map.of("a:1", new NodeCounters(7, 3, 0)));
    HitRate h = StatsWindow.between(s, at(1_000, 0, s.nodes())).hitRate();

    assertThat(h.defined()).isFalse();
    assertThat(h.ratio()).isNull();
    assertThat(h.atLeast(0.0001)).isFalse();
    assertThat(new HitRate(8, 2).atLeast(0.8)).isTrue();
    assertThat(new HitRate(7, 3).atLeast(0.8)).isFalse();
  }
}
