package dev.cacheflush.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class DurationsTest {
  @Test
  void shouldReadEveryUnitAndBareSeconds() {
    assertThat(Durations.parse("500ms", "x")).isEqualTo(Duration.ofMillis(500));
    assertThat(Durations.parse("60s", "x")).isEqualTo(Duration.ofSeconds(60));
    assertThat(Durations.parse("2m", "x")).isEqualTo(Duration.ofMinutes(2));
    assertThat(Durations.parse("1h", "x")).isEqualTo(Duration.ofHours(1));
    assertThat(Durations.parse("1.5", "x")).isEqualTo(Duration.ofMillis(1500));
  }

  @Test
  void shouldFormatWithTheLargestExactUnit() {
    assertThat(Durations.format(Duration.ofSeconds(120))).isEqualTo("2m");
    assertThat(Durations.format(Duration.ofSeconds(90))).isEqualTo("90s");
    assertThat(Durations.format(Duration.ofMillis(1500))).isEqualTo("1500ms");
  }

  @Test
  void garbageShouldNameTheSetting() {
    assertThatThrownBy(() -> Durations.parse("-3s", "--timeout"))
        .hasMessageStartingWith("--timeout '-3s' is not a duration");
  }
}
