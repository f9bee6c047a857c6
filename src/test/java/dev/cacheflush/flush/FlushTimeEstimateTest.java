package dev.cacheflush.flush;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cacheflush.config.Settings;
import dev.cacheflush.config.SettingsLayer;
import dev.cacheflush.config.SettingsResolver;
import dev.cacheflush.report.FlushReport;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FlushTimeEstimateTest {
  private static final Map<String, String> URL = Map.of("REDIS_URL", "redis://localhost");

  @TempDir Path dir;

  /** A dry run of W1 as measured: 2,000,000 keys, half of them to flush, scanned in 2.4 s. */
  private static final long SCANNED = 2_000_000;

  private static final long MATCHED = 1_000_000;
  private static final long SCAN_NANOS = 2_400_000_000L;

  /**
   * The dry run of W1 took 2.4 s, and the real flush, with its verification, then took 4.7 to 6.8 s
   * (docs/benchmarks.md); the old estimate said 3.0 s, so against a 5 s timeout it said "fits".
   */
  @Test
  void aFlushShouldBeEstimatedWithItsDeletionsAndItsVerificationAtTheirMeasuredCost() {
    FlushReport.DeadlineEstimate e = estimate(layer().timeout(Duration.ofSeconds(5)));

    assertThat(e.scanKeysPerSecond()).isEqualTo(833_333);
    // 2.4 s x (1 + 0.5 x 2.0) for the scan with the deletions, 1.2 s x 1.2 for the verification
    assertThat(e.estimatedFlushMs()).isEqualTo(4_800 + 1_440);
    assertThat(e.fitsTimeout()).isFalse();

    FlushReport.DeadlineEstimate unverified =
        estimate(layer().timeout(Duration.ofSeconds(5)).verify(false));
    assertThat(unverified.estimatedFlushMs()).isEqualTo(4_800);
    assertThat(unverified.fitsTimeout()).isTrue();
  }

  @Test
  void aRateCapOrASpreadShouldBoundTheDeletionFromBelow() {
    // 1,000,000 keys at 10,000 a second take 100 s however fast the scan is
    FlushReport.DeadlineEstimate capped =
        estimate(layer().timeout(Duration.ofSeconds(90)).maxRate(10_000L).verify(false));
    assertThat(capped.estimatedFlushMs()).isEqualTo(100_000);
    assertThat(capped.fitsTimeout()).isFalse();

    FlushReport.DeadlineEstimate spread =
        estimate(layer().timeout(Duration.ofMinutes(5)).spread(Duration.ofMinutes(4)));
    assertThat(spread.estimatedFlushMs()).isEqualTo(240_000 + 1_440);
    assertThat(spread.fitsTimeout()).isTrue();
  }

  @Test
  void anEmptyKeyspaceShouldBeEstimatedAtNothing() {
    Settings settings = SettingsResolver.resolve(SettingsLayer.EMPTY, URL, null, dir, false);
    FlushReport.DeadlineEstimate e = FlushTimeEstimate.of(settings, 0, 0, 1_000_000, 0);
    assertThat(e.scanKeysPerSecond()).isZero();
    assertThat(e.estimatedFlushMs()).isZero();
    assertThat(e.fitsTimeout()).isTrue();
  }

  private static SettingsLayer.Builder layer() {
    return SettingsLayer.builder();
  }

  private FlushReport.DeadlineEstimate estimate(SettingsLayer.Builder layer) {
    Settings settings = SettingsResolver.resolve(layer.build(), URL, null, dir, false);
    return FlushTimeEstimate.of(settings, SCANNED, MATCHED, SCAN_NANOS, SCANNED);
  }
}
