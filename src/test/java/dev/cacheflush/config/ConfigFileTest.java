package dev.cacheflush.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cacheflush.CacheflushException;
import dev.cacheflush.ExitCode;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigFileTest {
  @TempDir Path dir;

  @Test
  void preserveGivenTwiceShouldBeRefusedWithBothLines() throws Exception {
    Path file = dir.resolve("cacheflush.yml");
    Files.writeString(
        file,
        """
        flush: ['mocs:*']
        preserve:
          - 'sessions:*'
          - 'ratelimit:*'
        timeout: 60s
        preserve: ['user-profiles:*']
        """);

    assertThatThrownBy(() -> ConfigFile.load(null, dir))
        .isInstanceOfSatisfying(
            CacheflushException.class, e -> assertThat(e.exitCode()).isEqualTo(ExitCode.USAGE))
        .hasMessage(
            file
                + ": 'preserve' is set twice, on lines 2 and 6: keep one (YAML would silently keep only the "
                + "last)");
  }

  @Test
  void flushGivenTwiceShouldBeRefusedWithBothLines() throws Exception {
    Files.writeString(dir.resolve("cacheflush.yml"), "flush: ['mocs:*']\nflush: ['gallery:*']\n");

    assertThatThrownBy(() -> ConfigFile.load(null, dir))
        .hasMessageContaining("'flush' is set twice, on lines 1 and 2");
  }

  @Test
  void duplicateInFlowStyleShouldStillBeRefused() throws Exception {
    Files.writeString(dir.resolve("cacheflush.yml"), "{flush: ['mocs:*'], flush: ['gallery:*']}\n");

    assertThatThrownBy(() -> ConfigFile.load(null, dir))
        .hasMessageContaining("'flush' is set twice, on line 1");
  }

  @Test
  void unknownSettingShouldNameTheKnownOnesAndCredentialsShouldNotBeAmongThem() throws Exception {
    Files.writeString(dir.resolve("cacheflush.yml"), "flush: ['mocs:*']\naccess: {username: x}\n");

    assertThatThrownBy(() -> ConfigFile.load(null, dir))
        .hasMessageContaining("line 2: unknown setting 'access'")
        .hasMessageContaining(
            "batchSize, commandTimeout, connectTimeout, dbInterval, dbMaxLatency, dbQuery, dryRun, "
                + "flush, lock, maxInFlight, maxKeys, maxLatency, maxRate, metricsNamespace, preserve, "
                + "redisUrl, retries, sampleWindow, scanCount, spread, stage, timeout, verify, "
                + "watchInterval");
  }

  @Test
  void aDatabaseUrlShouldBeRefusedAsItMayHoldAPassword() throws Exception {
    Files.writeString(
        dir.resolve("cacheflush.yml"), "dbUrl: jdbc:postgresql://app:s3cret@db:5432/shop\n");

    assertThatThrownBy(() -> ConfigFile.load(null, dir))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("line 1: unknown setting 'dbUrl'")
        .hasMessageNotContaining("s3cret");
  }

  @Test
  void monitorSettingsShouldBeReadByName() throws Exception {
    Files.writeString(
        dir.resolve("cacheflush.yml"),
        "sampleWindow: 5s\nwatchInterval: 30s\ndbQuery: SELECT 2\ndbInterval: 250ms\n"
            + "metricsNamespace: Shop/Cache\nstage: canary-10\n");

    SettingsLayer layer = ConfigFile.load(null, dir);
    assertThat(layer.sampleWindow()).isEqualTo(java.time.Duration.ofSeconds(5));
    assertThat(layer.watchInterval()).isEqualTo(java.time.Duration.ofSeconds(30));
    assertThat(layer.dbQuery()).isEqualTo("SELECT 2");
    assertThat(layer.dbInterval()).isEqualTo(java.time.Duration.ofMillis(250));
    assertThat(layer.metricsNamespace()).isEqualTo("Shop/Cache");
    assertThat(layer.stage()).isEqualTo("canary-10");
  }

  @Test
  void settingsShouldBeReadByNameWithDurationsAsPeopleWriteThem() throws Exception {
    Files.writeString(
        dir.resolve("cacheflush.yml"),
        "timeout: 2m\nmaxLatency: 5ms\nmaxKeys: 1000\nlock: false\n");

    SettingsLayer layer = ConfigFile.load(null, dir);
    assertThat(layer.timeout()).isEqualTo(java.time.Duration.ofMinutes(2));
    assertThat(layer.maxLatency()).isEqualTo(java.time.Duration.ofMillis(5));
    assertThat(layer.maxKeys()).isEqualTo(1_000L);
    assertThat(layer.lock()).isFalse();

    Files.writeString(dir.resolve("cacheflush.yml"), "timeout: soon\n");
    assertThatThrownBy(() -> ConfigFile.load(null, dir))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("line 1")
        .hasMessageContaining("timeout 'soon' is not a duration");
  }
}
