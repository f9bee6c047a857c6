package dev.cacheflush.monitor;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class LatencySummaryTest {
  static final long MS = 1_000_000;

  @Test
  void percentilesShouldUseTheNearestRank() {
    long[] latencies = LongStream.rangeClosed(1, 200).map(i -> (201 - i) * MS).toArray();

    LatencySummary s = LatencySummary.of(latencies, 3);

    assertThat(s.samples()).isEqualTo(200);
    assertThat(s.errors()).isEqualTo(3);
    assertThat(s.p50Ms()).isEqualTo(100.0);
    assertThat(s.p99Ms()).isEqualTo(198.0);
    assertThat(s.maxMs()).isEqualTo(200.0);
  }

  @Test
  void withFewSamplesP99ShouldBeTheSlowest() {
    LatencySummary s = LatencySummary.of(new long[] {3 * MS, 1 * MS, 2 * MS}, 0);

    assertThat(s.p50Ms()).isEqualTo(2.0);
    assertThat(s.p99Ms()).isEqualTo(3.0);
  }

  @Test
  void noSamplesShouldGiveNoPercentilesAndNoRatio() {
    LatencySummary none = LatencySummary.of(new long[0], 2);
    LatencySummary some = LatencySummary.of(new long[] {MS}, 0);

    assertThat(none.p50Ms()).isNull();
    assertThat(none.errors()).isEqualTo(2);
    assertThat(LatencySummary.spikeRatio(none, some)).isNull();
    assertThat(LatencySummary.spikeRatio(some, none)).isNull();
    assertThat(LatencySummary.spikeRatio(some, null)).isNull();
  }

  @Test
  void spikeRatioShouldCompareTheMedians() {
    LatencySummary baseline = LatencySummary.of(new long[] {2 * MS, 2 * MS, 90 * MS}, 0);
    LatencySummary during = LatencySummary.of(new long[] {7 * MS, 7 * MS, 8 * MS}, 0);

    assertThat(LatencySummary.spikeRatio(baseline, during)).isEqualTo(3.5);
  }

  @Test
  void millisecondsShouldKeepMicrosecondPrecision() {
    assertThat(LatencySummary.of(new long[] {1_234_567}, 0).p50Ms()).isEqualTo(1.235);
  }
}
