package dev.cacheflush.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cacheflush.config.RedisUrl;
import dev.cacheflush.report.DatabaseReport;
import dev.cacheflush.report.HitRateReport;
import dev.cacheflush.report.LatencyReport;
import dev.cacheflush.report.WatchReport;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FlushMetricsTest {
  final FlushMetrics metrics =
      new FlushMetrics(RedisUrl.parse("rediss://app:s3cret@cache.example:6380/2"), "canary-10");

  static Map<String, Metric> byName(List<Metric> list) {
    return list.stream().collect(java.util.stream.Collectors.toMap(Metric::name, m -> m));
  }

  @Test
  void dimensionsShouldNameTheTargetWithoutCredentialsAndTheStage() {
    Metric m =
        metrics
            .hitRate(
                FlushMetrics.HIT_RATE_BEFORE,
                new HitRateReport.Window(
                    "2025-06-01T12:00:00Z", 10_000, 90, 10, 0.9, 100, 5, null, null))
            .get(0);

    assertThat(m.dimensions())
        .containsExactly(
            Map.entry("Target", "cache.example:6380/2"), Map.entry("Stage", "canary-10"));
    assertThat(m.value()).isEqualTo(90.0);
    assertThat(m.unit()).isEqualTo(Unit.PERCENT);
    assertThat(m.timestamp()).isEqualTo(Instant.parse("2025-06-01T12:00:10Z"));
    assertThat(FlushMetrics.targetName(RedisUrl.parse("redis-sentinel://s1:26379,s2:26379#shop")))
        .isEqualTo("shop");
  }

  @Test
  void theFlushShouldPublishItsCountsAndDuration() {
    Map<String, Metric> m =
        byName(metrics.flushed(100, 60, 59, 30, 2_000, Instant.parse("2025-06-01T12:00:02Z")));

    assertThat(m)
        .containsOnlyKeys(
            "KeysScanned", "KeysMatched", "KeysDeleted", "KeysPreserved", "FlushDuration");
    assertThat(m.get("KeysDeleted").value()).isEqualTo(59);
    assertThat(m.get("KeysDeleted").unit()).isEqualTo(Unit.COUNT);
    assertThat(m.get("FlushDuration").unit()).isEqualTo(Unit.MILLISECONDS);
    assertThat(m.get("FlushDuration").value()).isEqualTo(2_000);
    assertThat(m.values()).allSatisfy(x -> assertThat(x.highResolution()).isFalse());
  }

  @Test
  void unknownValuesShouldBeLeftOutNotSentAsZero() {
    assertThat(
            metrics.hitRate(
                FlushMetrics.HIT_RATE_AFTER,
                new HitRateReport.Window(
                    "2025-06-01T12:00:00Z", 1_000, 0, 0, null, 2, 5, null, null)))
        .isEmpty();

    Map<String, Metric> m =
        byName(
            metrics.interval(
                new WatchReport.Interval(
                    "2025-06-01T12:00:01Z", 1_000, 0, 0, null, 12.5, 40, null, null)));
    assertThat(m).containsOnlyKeys("OpsPerSecond", "Keys");
    assertThat(m.get("OpsPerSecond").unit()).isEqualTo(Unit.COUNT_PER_SECOND);
    assertThat(m.get("OpsPerSecond").highResolution()).isTrue();

    DatabaseReport db =
        new DatabaseReport(
            "u",
            "q",
            500,
            new LatencyReport(10, 0, 1.0, 2.0, 2.0),
            new LatencyReport(0, 10, null, null, null),
            null,
            "refused");
    assertThat(byName(metrics.database(db, Instant.EPOCH)))
        .containsOnlyKeys("DbLatencyBaselineP50", "DbLatencyBaselineP99");
  }
}
