package dev.cacheflush.docs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cacheflush.support.Keyspace;
import dev.cacheflush.support.RedisServer;
import dev.cacheflush.support.RedisServers;
import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The story's AC4 commands as a developer types them: the scripts of package.json, run by a real
 * pnpm (scripts/setup installs it), against a throwaway Redis named by REDIS_URL.
 */
class PnpmScriptsIT {
  static RedisServer redis;

  record Result(int exitCode, String output) {}

  @BeforeAll
  static void start() {
    redis = RedisServers.standalone();
  }

  @AfterAll
  static void stop() {
    redis.close();
  }

  @BeforeEach
  void fill() {
    try (Keyspace keyspace = new Keyspace(redis.url())) {
      keyspace.write(Keyspace.families(Map.of("mocs", 200, "gallery", 100, "sessions", 50)));
    }
  }

  static long keys(String pattern) {
    return ((List<?>) redis.call("KEYS", pattern)).size();
  }

  static Result pnpm(String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("pnpm"));
    command.addAll(List.of(args));
    ProcessBuilder pb =
        new ProcessBuilder(command)
            .directory(Path.of("").toAbsolutePath().toFile())
            .redirectErrorStream(true)
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    pb.environment().keySet().removeIf(k -> k.startsWith("REDIS") || k.equals("DRY_RUN"));
    pb.environment().put("REDIS_URL", redis.url());
    pb.environment().put("npm_config_update_notifier", "false");
    Process p = pb.start();
    String output = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
    return new Result(p.exitValue(), output);
  }

  @Test
  void theDryRunScriptShouldCountWhatWouldGoAndDeleteNothing() throws Exception {
    Result r = pnpm("flush:migration-cache:dry-run");

    assertThat(r.exitCode()).as(r.output()).isZero();
    assertThat(r.output()).contains("DRY RUN: nothing was deleted").containsPattern("total +300");
    assertThat(keys("mocs:*")).isEqualTo(200);
  }

  @Test
  void theFlushScriptShouldAskForYesWithoutATerminalAndFlushWithIt() throws Exception {
    Result refused = pnpm("flush:migration-cache");

    assertThat(refused.exitCode()).as(refused.output()).isEqualTo(2);
    assertThat(refused.output()).contains("cacheflush: Refusing to flush without confirmation");
    assertThat(keys("mocs:*")).isEqualTo(200);

    Result flushed = pnpm("flush:migration-cache", "--yes", "--sample-window", "0");

    assertThat(flushed.exitCode()).as(flushed.output()).isZero();
    assertThat(keys("mocs:*") + keys("gallery:*")).isZero();
    assertThat(keys("sessions:*")).isEqualTo(50);
  }
}
