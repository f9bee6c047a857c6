package dev.cacheflush.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The observation settings: sensible defaults, and every mistake a config error naming the flag. */
class MonitorSettingsTest {
  static final Duration S = Duration.ofSeconds(1);

  @Test
  void defaultsShouldBeATenSecondWindowAndNoWatchProbeOrMetrics() {
    MonitorSettings m =
        MonitorSettings.of(null, null, null, MetricsSettings.of(null, null, null, null));

    assertThat(m.sampleWindow()).isEqualTo(Duration.ofSeconds(10));
    assertThat(m.samples()).isTrue();
    assertThat(m.metrics()).isEqualTo(MetricsSettings.NONE);
    assertThat(MonitorSettings.of(Duration.ZERO, null, null, MetricsSettings.NONE).samples())
        .isFalse();
  }

  @Test
  void aProbeNeedsTimeToMeasureIn() {
    DbSettings db = DbSettings.resolve("jdbc:postgresql://db/app", null, null, Map.of());

    assertThatThrownBy(() -> MonitorSettings.of(Duration.ZERO, null, db, MetricsSettings.NONE))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("--sample-window")
        .hasMessageContaining("--watch");
    assertThat(
            MonitorSettings.of(
                    Duration.ZERO,
                    WatchSettings.of("--watch", S, null, null, null),
                    db,
                    MetricsSettings.NONE)
                .db())
        .isEqualTo(db);
  }

  @Test
  void tinySampleWindowsShouldBeRefused() {
    assertThatThrownBy(
            () -> MonitorSettings.of(Duration.ofMillis(5), null, null, MetricsSettings.NONE))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("--sample-window");
  }

  @Test
  void watchSettingsShouldDefaultAndCheck() {
    WatchSettings w = WatchSettings.of("--watch", Duration.ofMinutes(2), null, null, null);
    assertThat(w.interval()).isEqualTo(Duration.ofSeconds(10));
    assertThat(w.gated()).isFalse();
    assertThat(WatchSettings.of("--watch", Duration.ofSeconds(3), null, null, null).interval())
        .isEqualTo(Duration.ofSeconds(3));
    assertThat(WatchSettings.of("--within", Duration.ofMinutes(10), null, 0.8, null).consecutive())
        .isEqualTo(3);

    assertThatThrownBy(
            () ->
                WatchSettings.of(
                    "--watch", Duration.ofSeconds(5), Duration.ofSeconds(6), null, null))
        .hasMessageContaining("--interval 6s is longer than --watch 5s");
    assertThatThrownBy(() -> WatchSettings.of("--within", S, null, 80.0, null))
        .hasMessageContaining("--until-hit-rate 80.0 is not a ratio");
    assertThatThrownBy(() -> WatchSettings.of("--within", S, null, 0.0, null))
        .isInstanceOf(ConfigException.class);
    assertThatThrownBy(() -> WatchSettings.of("--within", S, null, 0.8, 0))
        .hasMessageContaining("--consecutive");
    assertThatThrownBy(() -> WatchSettings.of("--for", S, null, null, 2))
        .hasMessageContaining("--consecutive only applies with --until-hit-rate");
    assertThatThrownBy(() -> WatchSettings.of("--for", Duration.ZERO, null, null, null))
        .hasMessageContaining("--for");
  }

  @Test
  void aWatchShouldHaveAtMostMaxIntervalsAsEachIsKeptForTheReport() {
    assertThat(WatchSettings.of("--for", Duration.ofDays(1), null, null, null).interval())
        .isEqualTo(WatchSettings.DEFAULT_INTERVAL);
    assertThat(
            WatchSettings.of("--for", Duration.ofSeconds(1_000), Duration.ofMillis(100), null, null)
                .limit())
        .isEqualTo(Duration.ofSeconds(1_000));

    assertThatThrownBy(
            () ->
                WatchSettings.of("--for", Duration.ofHours(2), Duration.ofMillis(100), null, null))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(
            "--for 2h at --interval 100ms is 72,000 intervals; a watch may have at most 10,000");
    assertThatThrownBy(() -> WatchSettings.of("--within", Duration.ofDays(365), null, 0.8, null))
        .hasMessageContaining("a watch may have at most 10,000");
    assertThatThrownBy(
            () ->
                WatchSettings.of("--within", Duration.ofMinutes(10), null, 0.8, Integer.MAX_VALUE))
        .hasMessageContaining("--consecutive may be at most 10,000, got 2,147,483,647");
  }

  @Test
  void dbSettingsShouldTakeCredentialsFromTheEnvironmentAndNeverPrintThem() {
    DbSettings db =
        DbSettings.resolve(
            "jdbc:postgresql://db/app?password=inurl",
            null,
            null,
            Map.of("DB_USER", "probe", "DB_PASSWORD", "fromenv"));

    assertThat(db.user()).isEqualTo("probe");
    assertThat(db.password()).isEqualTo("fromenv");
    assertThat(db.query()).isEqualTo("SELECT 1");
    assertThat(db.interval()).isEqualTo(Duration.ofMillis(500));
    assertThat(db.toString())
        .doesNotContain("fromenv")
        .doesNotContain("inurl")
        .contains("password=****");
    assertThat(db.maskedUrl()).isEqualTo("jdbc:postgresql://db/app?password=****");
  }

  @Test
  void dbSettingsShouldRefuseWhatTheProbeCannotUse() {
    assertThat(DbSettings.resolve(null, null, null, Map.of("DB_URL", "postgres://x"))).isNull();
    assertThatThrownBy(() -> DbSettings.resolve("postgres://u:pw@db/app", null, null, Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("postgres://u:****@db/app")
        .hasMessageNotContaining(":pw@");
    assertThatThrownBy(() -> DbSettings.resolve(null, "SELECT 2", null, Map.of()))
        .hasMessageContaining("--db-url");
    assertThatThrownBy(() -> DbSettings.resolve("jdbc:mysql://db/app", " ", null, Map.of()))
        .hasMessageContaining("--db-query");
    assertThatThrownBy(
            () -> DbSettings.resolve("jdbc:mysql://db/app", null, Duration.ofMillis(1), Map.of()))
        .hasMessageContaining("--db-interval");
  }

  @Test
  void metricsSettingsShouldCheckCloudWatchsLimitsUpFront() {
    MetricsSettings m =
        MetricsSettings.of(
            MetricsSettings.Sink.cloudwatch,
            "Team/Cache",
            "https://monitoring.example",
            "canary-10");
    assertThat(m.endpoint().getHost()).isEqualTo("monitoring.example");
    assertThat(m.stage()).isEqualTo("canary-10");

    assertThatThrownBy(
            () -> MetricsSettings.of(MetricsSettings.Sink.emf, "AWS/ElastiCache", null, null))
        .hasMessageContaining("--metrics-namespace");
    assertThatThrownBy(() -> MetricsSettings.of(MetricsSettings.Sink.emf, null, null, "two words"))
        .hasMessageContaining("--stage");
    assertThatThrownBy(() -> MetricsSettings.of(MetricsSettings.Sink.emf, null, "http://x", null))
        .hasMessageContaining("--metrics-endpoint only applies with --metrics cloudwatch");
    assertThatThrownBy(
            () -> MetricsSettings.of(MetricsSettings.Sink.cloudwatch, null, "monitoring", null))
        .hasMessageContaining("not an http(s) URL");
  }
}
