package dev.cacheflush.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cacheflush.glob.RedisGlob;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SettingsResolverTest {
  @TempDir Path dir;

  private static final Map<String, String> URL = Map.of("REDIS_URL", "redis://localhost");

  @Test
  void defaultsShouldBeTheStorysLists() {
    Settings s = SettingsResolver.resolve(SettingsLayer.EMPTY, URL, null, dir, false);
    assertThat(patterns(s.flushPatterns()))
        .containsExactly("mocs:*", "gallery:*", "wishlist:*", "albums:*");
    assertThat(patterns(s.preservePatterns()))
        .containsExactly("sessions:*", "ratelimit:*", "user-profiles:*");
    assertThat(s.dryRun()).isFalse();
    assertThat(s.timeout()).isEqualTo(Duration.ofSeconds(60));
  }

  @Test
  void aPacedFlushShouldDefaultToSmallerCommandsUnlessTheyAreSet() {
    Settings unpaced = SettingsResolver.resolve(SettingsLayer.EMPTY, URL, null, dir, false);
    assertThat(List.of(unpaced.scanCount(), unpaced.batchSize(), unpaced.maxInFlight()))
        .containsExactly(Settings.SCAN_COUNT, Settings.BATCH_SIZE, 2);

    Settings byRate = SettingsResolver.resolve(tuning(null, 100_000L, null), URL, null, dir, false);
    assertThat(List.of(byRate.scanCount(), byRate.batchSize()))
        .containsExactly(Settings.PACED_SCAN_COUNT, Settings.PACED_BATCH_SIZE);

    Settings byLatency =
        SettingsResolver.resolve(tuning(null, null, Duration.ofMillis(5)), URL, null, dir, false);
    assertThat(byLatency.batchSize()).isEqualTo(Settings.PACED_BATCH_SIZE);

    Settings explicit =
        SettingsResolver.resolve(tuning(700, 100_000L, null), URL, null, dir, false);
    assertThat(List.of(explicit.scanCount(), explicit.batchSize()))
        .containsExactly(700, Settings.PACED_BATCH_SIZE);
  }

  private static SettingsLayer tuning(Integer scanCount, Long maxRate, Duration maxLatency) {
    return SettingsLayer.builder()
        .scanCount(scanCount)
        .maxRate(maxRate)
        .maxLatency(maxLatency)
        .build();
  }

  @Test
  void fileShouldOverrideDefaultsAndEnvironmentTheFileAndFlagsEverything() throws Exception {
    Files.writeString(
        dir.resolve("cacheflush.yml"),
        "redisUrl: redis://from-file\nflush: ['a:*']\npreserve: ['p:*']\nscanCount: 50\ntimeout: 2m\n");
    Settings fromFile = SettingsResolver.resolve(SettingsLayer.EMPTY, Map.of(), null, dir, false);
    assertThat(fromFile.redisUrl().firstHost().host()).isEqualTo("from-file");
    assertThat(patterns(fromFile.flushPatterns())).containsExactly("a:*");
    assertThat(fromFile.scanCount()).isEqualTo(50);
    assertThat(fromFile.timeout()).isEqualTo(Duration.ofMinutes(2));

    Map<String, String> env =
        Map.of("REDIS_URL", "redis://from-env", "FLUSH_PATTERNS", "b:*, c:*", "DRY_RUN", "true");
    Settings fromEnv = SettingsResolver.resolve(SettingsLayer.EMPTY, env, null, dir, false);
    assertThat(fromEnv.redisUrl().firstHost().host()).isEqualTo("from-env");
    assertThat(patterns(fromEnv.flushPatterns())).containsExactly("b:*", "c:*");
    assertThat(patterns(fromEnv.preservePatterns())).containsExactly("p:*");
    assertThat(fromEnv.dryRun()).isTrue();

    SettingsLayer flags =
        SettingsLayer.builder()
            .redisUrl("redis://from-flag")
            .flush(List.of("d:*"))
            .dryRun(false)
            .build();
    Settings fromFlags = SettingsResolver.resolve(flags, env, null, dir, false);
    assertThat(fromFlags.redisUrl().firstHost().host()).isEqualTo("from-flag");
    assertThat(patterns(fromFlags.flushPatterns())).containsExactly("d:*");
    assertThat(fromFlags.dryRun()).isFalse();
    assertThat(fromFlags.scanCount()).isEqualTo(50);
  }

  @Test
  void monitorSettingsShouldComeFromTheFileUnlessAFlagSaysOtherwise() throws Exception {
    Files.writeString(
        dir.resolve("cacheflush.yml"),
        "sampleWindow: 5s\nwatchInterval: 30s\ndbQuery: SELECT 2\nmetricsNamespace: Shop/Cache\n");
    SettingsLayer fromFile = SettingsResolver.merge(SettingsLayer.EMPTY, URL, null, dir);
    assertThat(fromFile.sampleWindow()).isEqualTo(Duration.ofSeconds(5));
    assertThat(fromFile.watchInterval()).isEqualTo(Duration.ofSeconds(30));
    assertThat(fromFile.dbQuery()).isEqualTo("SELECT 2");
    assertThat(fromFile.metricsNamespace()).isEqualTo("Shop/Cache");

    SettingsLayer flags =
        SettingsLayer.builder()
            .sampleWindow(Duration.ZERO)
            .watchInterval(Duration.ofSeconds(15))
            .dbQuery("SELECT 3")
            .metricsNamespace("Flag")
            .build();
    SettingsLayer fromFlags = SettingsResolver.merge(flags, URL, null, dir);
    assertThat(fromFlags.sampleWindow()).isEqualTo(Duration.ZERO);
    assertThat(fromFlags.watchInterval()).isEqualTo(Duration.ofSeconds(15));
    assertThat(fromFlags.dbQuery()).isEqualTo("SELECT 3");
    assertThat(fromFlags.metricsNamespace()).isEqualTo("Flag");
  }

  @Test
  void explicitConfigFileShouldBeUsedInsteadOfTheWorkingDirectorysOne() throws Exception {
    Files.writeString(dir.resolve("cacheflush.yml"), "flush: ['cwd:*']\n");
    Path other = Files.writeString(dir.resolve("other.yml"), "flush: ['other:*']\n");
    Settings s = SettingsResolver.resolve(SettingsLayer.EMPTY, URL, other, dir, false);
    assertThat(patterns(s.flushPatterns())).containsExactly("other:*");
  }

  @Test
  void broadPatternShouldBeAcceptedWithAllowBroad() {
    SettingsLayer flags = SettingsLayer.builder().flush(List.of("*")).build();
    assertThat(SettingsResolver.resolve(flags, URL, null, dir, true).flushPatterns()).hasSize(1);
  }

  @Test
  void credentialsShouldComeFromTheUrlThenTheEnvironmentThenFlags() {
    Map<String, String> url = Map.of("REDIS_URL", "rediss://url-user:url-pass@cache:6380");
    assertThat(
            SettingsResolver.resolve(SettingsLayer.EMPTY, url, null, dir, false)
                .redisUrl()
                .password())
        .contains("url-pass");

    Map<String, String> env =
        Map.of(
            "REDIS_URL",
            "rediss://url-user:url-pass@cache:6380",
            "REDIS_USERNAME",
            "env-user",
            "REDIS_PASSWORD",
            "env-pass");
    RedisUrl fromEnv =
        SettingsResolver.resolve(SettingsLayer.EMPTY, env, null, dir, false).redisUrl();
    assertThat(fromEnv.username()).contains("env-user");
    assertThat(fromEnv.password()).contains("env-pass");
    assertThat(fromEnv.masked()).isEqualTo("rediss://env-user:****@cache:6380");

    RedisUrl fromFlags =
        SettingsResolver.resolve(
                access(AccessLayer.builder().username("flag-user").password("flag-pass").build()),
                env,
                null,
                dir,
                false)
            .redisUrl();
    assertThat(fromFlags.username()).contains("flag-user");
    assertThat(fromFlags.password()).contains("flag-pass");
  }

  @Test
  void tlsSettingsShouldBeCheckedBeforeConnecting() throws Exception {
    Path ca = Files.writeString(dir.resolve("ca.pem"), "-----BEGIN CERTIFICATE-----\n");
    Map<String, String> tls = Map.of("REDIS_URL", "rediss://cache:6380");
    Settings s =
        SettingsResolver.resolve(
            access(tlsLayer(Path.of("ca.pem"), TlsSettings.Verify.CA, null, null)),
            tls,
            null,
            dir,
            false);
    assertThat(s.tls()).isEqualTo(new TlsSettings(ca, TlsSettings.Verify.CA, null, null));
    assertThat(SettingsResolver.resolve(SettingsLayer.EMPTY, tls, null, dir, false).tls())
        .isEqualTo(TlsSettings.DEFAULT);

    assertThatThrownBy(
            () ->
                SettingsResolver.resolve(
                    access(tlsLayer(ca, null, null, null)), URL, null, dir, false))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("use a rediss:// URL");
    assertThatThrownBy(
            () ->
                SettingsResolver.resolve(
                    access(tlsLayer(null, null, ca, null)), tls, null, dir, false))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("--tls-cert and --tls-key go together");
    assertThatThrownBy(
            () ->
                SettingsResolver.resolve(
                    access(tlsLayer(Path.of("missing.pem"), null, null, null)),
                    tls,
                    null,
                    dir,
                    false))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("missing.pem")
        .hasMessageContaining("--tls-ca");
  }

  @Test
  void iamShouldNeedTlsAUserAndACacheNameAndNoPassword() {
    Map<String, String> env = Map.of("REDIS_URL", "rediss://cache:6380", "AWS_REGION", "eu-west-1");
    Settings s =
        SettingsResolver.resolve(access(iam("flusher", "Prod-Cache", true)), env, null, dir, false);
    assertThat(s.iam()).isEqualTo(new IamSettings("flusher", "prod-cache", "eu-west-1", true));
    assertThat(s.redisUrl().username()).contains("flusher");
    assertThat(s.redisUrl().password()).isEmpty();

    assertThatThrownBy(
            () -> SettingsResolver.resolve(access(iam("u", "c", false)), URL, null, dir, false))
        .hasMessageContaining("needs TLS");
    assertThatThrownBy(
            () -> SettingsResolver.resolve(access(iam(null, "c", false)), env, null, dir, false))
        .hasMessageContaining("--iam-user");
    assertThatThrownBy(
            () -> SettingsResolver.resolve(access(iam("u", null, false)), env, null, dir, false))
        .hasMessageContaining("--iam-cache-name");
    Map<String, String> withPassword =
        Map.of("REDIS_URL", "rediss://cache:6380", "REDIS_PASSWORD", "pw");
    assertThatThrownBy(
            () ->
                SettingsResolver.resolve(
                    access(iam("u", "c", false)), withPassword, null, dir, false))
        .hasMessageContaining("remove the password");
    assertThatThrownBy(
            () ->
                SettingsResolver.resolve(
                    access(AccessLayer.builder().iamUser("u").build()), env, null, dir, false))
        .hasMessageContaining("only apply with --iam");
  }

  @Test
  void maxKeysShouldComeFromTheFileUnlessAFlagSaysOtherwiseAndBeOneOrMore() throws Exception {
    assertThat(SettingsResolver.resolve(SettingsLayer.EMPTY, URL, null, dir, false).maxKeys())
        .isNull();
    Files.writeString(dir.resolve("cacheflush.yml"), "maxKeys: 5000\n");
    assertThat(SettingsResolver.resolve(SettingsLayer.EMPTY, URL, null, dir, false).maxKeys())
        .isEqualTo(5_000L);
    assertThat(
            SettingsResolver.resolve(
                    SettingsLayer.builder().maxKeys(10L).build(), URL, null, dir, false)
                .maxKeys())
        .isEqualTo(10L);
    assertThatThrownBy(
            () ->
                SettingsResolver.resolve(
                    SettingsLayer.builder().maxKeys(0L).build(), URL, null, dir, false))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("--max-keys");
  }

  @Test
  void aSpreadShouldFitInTheTimeoutAndPaceTheFlushLikeTheOtherLimits() throws Exception {
    Settings unpaced = SettingsResolver.resolve(SettingsLayer.EMPTY, URL, null, dir, false);
    assertThat(unpaced.pacing()).isEqualTo(PacingSettings.NONE);
    assertThat(unpaced.batchSize()).isEqualTo(Settings.BATCH_SIZE);

    Files.writeString(dir.resolve("cacheflush.yml"), "spread: 2m\ntimeout: 5m\n");
    Settings spread = SettingsResolver.resolve(SettingsLayer.EMPTY, URL, null, dir, false);
    assertThat(spread.pacing().spread()).isEqualTo(Duration.ofMinutes(2));
    assertThat(List.of(spread.scanCount(), spread.batchSize()))
        .containsExactly(Settings.PACED_SCAN_COUNT, Settings.PACED_BATCH_SIZE);

    Settings bound =
        SettingsResolver.resolve(
            SettingsLayer.builder().dbMaxLatency(Duration.ofMillis(20)).build(),
            URL,
            null,
            dir,
            false);
    assertThat(bound.pacing())
        .isEqualTo(new PacingSettings(Duration.ofMinutes(2), Duration.ofMillis(20)));

    assertThatThrownBy(
            () ->
                SettingsResolver.resolve(
                    SettingsLayer.builder().timeout(Duration.ofMinutes(2)).build(),
                    URL,
                    null,
                    dir,
                    false))
        .isInstanceOf(ConfigException.class)
        .hasMessage(
            "--spread 2m does not fit in the run's deadline (--timeout 2m): the deletions are spread"
                + " within it, and the scan and the verification need time too; raise --timeout (e.g."
                + " --timeout 3m) or shorten --spread");
    assertThatThrownBy(
            () ->
                SettingsResolver.resolve(
                    SettingsLayer.builder().dbMaxLatency(Duration.ZERO).build(),
                    URL,
                    null,
                    dir,
                    false))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("--db-max-latency");
  }

  @Test
  void theDatabaseWindowShouldHoldTenAnswersAndBeASecondAtLeast() {
    assertThat(PacingSettings.dbWindow(Duration.ofMillis(100))).isEqualTo(Duration.ofSeconds(1));
    assertThat(PacingSettings.dbWindow(Duration.ofMillis(20))).isEqualTo(Duration.ofSeconds(1));
    assertThat(PacingSettings.dbWindow(Duration.ofMillis(500))).isEqualTo(Duration.ofSeconds(5));
  }

  @Test
  void aLayerShouldReplaceOnlyWhatItGivesDownToTheAccessSettings() {
    SettingsLayer lower =
        SettingsLayer.builder()
            .retries(5)
            .timeout(Duration.ofSeconds(9))
            .access(AccessLayer.builder().username("low").region("eu-west-1").build())
            .build();
    SettingsLayer higher =
        SettingsLayer.builder()
            .retries(1)
            .access(AccessLayer.builder().username("high").build())
            .build();

    SettingsLayer merged = lower.overriddenBy(higher);
    assertThat(merged.retries()).isEqualTo(1);
    assertThat(merged.timeout()).isEqualTo(Duration.ofSeconds(9));
    assertThat(merged.access().username()).isEqualTo("high");
    assertThat(merged.access().region()).isEqualTo("eu-west-1");
  }

  private static SettingsLayer access(AccessLayer access) {
    return SettingsLayer.builder().access(access).build();
  }

  private static AccessLayer tlsLayer(Path ca, TlsSettings.Verify verify, Path cert, Path key) {
    return AccessLayer.builder().tlsCa(ca).tlsVerify(verify).tlsCert(cert).tlsKey(key).build();
  }

  private static AccessLayer iam(String user, String cache, boolean serverless) {
    return AccessLayer.builder()
        .iam(true)
        .iamUser(user)
        .iamCacheName(cache)
        .iamServerless(serverless ? true : null)
        .build();
  }

  private static List<String> patterns(List<RedisGlob> globs) {
    return globs.stream().map(RedisGlob::pattern).toList();
  }
}
