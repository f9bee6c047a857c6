package dev.cacheflush.config;

import static org.assertj.core.api.Assertions.assertThat;

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
    assertThat(patterns(s.flushPatterns())).containsExactly("mocs:*", "gallery:*", "wishlist:*", "albums:*");
    assertThat(patterns(s.preservePatterns())).containsExactly("sessions:*", "ratelimit:*", "user-profiles:*");
    assertThat(s.dryRun()).isFalse();
    assertThat(s.timeout()).isEqualTo(Duration.ofSeconds(60));
  }

  @Test
  void fileShouldOverrideDefaultsAndEnvironmentTheFileAndFlagsEverything() throws Exception {
    Files.writeString(dir.resolve("cacheflush.yml"),
        "redisUrl: redis://from-file\nflush: ['a:*']\npreserve: ['p:*']\nscanCount: 50\ntimeout: 2m\n");
    Settings fromFile = SettingsResolver.resolve(SettingsLayer.EMPTY, Map.of(), null, dir, false);
    assertThat(fromFile.redisUrl().firstHost().host()).isEqualTo("from-file");
    assertThat(patterns(fromFile.flushPatterns())).containsExactly("a:*");
    assertThat(fromFile.scanCount()).isEqualTo(50);
    assertThat(fromFile.timeout()).isEqualTo(Duration.ofMinutes(2));

    Map<String, String> env = Map.of("REDIS_URL", "redis://from-env", "FLUSH_PATTERNS", "b:*, c:*", "DRY_RUN", "true");
    Settings fromEnv = SettingsResolver.resolve(SettingsLayer.EMPTY, env, null, dir, false);
    assertThat(fromEnv.redisUrl().firstHost().host()).isEqualTo("from-env");
    assertThat(patterns(fromEnv.flushPatterns())).containsExactly("b:*", "c:*");
    assertThat(patterns(fromEnv.preservePatterns())).containsExactly("p:*");
    assertThat(fromEnv.dryRun()).isTrue();

    SettingsLayer flags = new SettingsLayer("redis://from-flag", List.of("d:*"), null, false, null, null, null, null,
        null, null, null, null, null, null, null);
    Settings fromFlags = SettingsResolver.resolve(flags, env, null, dir, false);
    assertThat(fromFlags.redisUrl().firstHost().host()).isEqualTo("from-flag");
    assertThat(patterns(fromFlags.flushPatterns())).containsExactly("d:*");
    assertThat(fromFlags.dryRun()).isFalse();
    assertThat(fromFlags.scanCount()).isEqualTo(50);
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
    SettingsLayer flags = new SettingsLayer(null, List.of("*"), null, null, null, null, null, null, null, null, null, null,
        null, null, null);
    assertThat(SettingsResolver.resolve(flags, URL, null, dir, true).flushPatterns()).hasSize(1);
  }

  private static List<String> patterns(List<RedisGlob> globs) {
    return globs.stream().map(RedisGlob::pattern).toList();
  }
}
