package dev.cacheflush.flush;

import static dev.cacheflush.support.FaultProxy.bulks;
import static dev.cacheflush.support.Keyspace.bytes;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cacheflush.support.CliRun;
import dev.cacheflush.support.FaultProxy;
import dev.cacheflush.support.Keyspace;
import dev.cacheflush.support.LogCapture;
import dev.cacheflush.support.RedisServer;
import dev.cacheflush.support.RedisServers;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.SetArgs;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The lock that keeps two flushes of a cache apart: never flushed, released even after a fault, and no obstacle at maxmemory. */
class LockIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final byte[] LOCK = bytes("cacheflush:lock");

  @TempDir Path dir;

  @Test
  void flushOfEveryKeyShouldNeitherDeleteNorCountItsOwnLock() throws Exception {
    try (RedisServer server = RedisServers.standalone();
        Keyspace keyspace = new Keyspace(server.url())) {
      keyspace.write(Keyspace.families(Map.of("mocs", 3_000, "gallery", 1_000)));
      Path report = dir.resolve("report.json");

      CliRun.Result result =
          new CliRun()
              .run(
                  "flush",
                  "--yes",
                  "--sample-window",
                  "0",
                  "--redis-url",
                  server.url(),
                  "--flush",
                  "*",
                  "--allow-broad",
                  "--report",
                  report.toString());

      assertThat(result.exitCode()).as(result.err()).isZero();
      JsonNode json = JSON.readTree(Files.readString(report));
      assertThat(json.get("dbSize").asLong()).isEqualTo(4_000);
      assertThat(json.get("keysScanned").asLong()).isEqualTo(4_000);
      assertThat(json.get("keysMatched").asLong()).isEqualTo(4_000);
      assertThat(json.get("keysDeleted").asLong())
          .as("the lock is not one of the keys deleted")
          .isEqualTo(4_000);
      assertThat(json.get("keysUntouched").asLong()).isZero();
      assertThat(keyspace.dbSize()).isZero();
    }
  }

  @Test
  void planWhileAnotherRunHoldsTheLockShouldCountOnlyTheCachesKeys() throws Exception {
    try (RedisServer server = RedisServers.standalone();
        Keyspace keyspace = new Keyspace(server.url())) {
      keyspace.write(Keyspace.families(Map.of("mocs", 300, "gallery", 200)));
      keyspace
          .connection()
          .sync()
          .set(LOCK, bytes("{\"host\":\"elsewhere\"}"), SetArgs.Builder.px(60_000));

      CliRun.Result result =
          new CliRun()
              .run(
                  "plan",
                  "--redis-url",
                  server.url(),
                  "--flush",
                  "*",
                  "--allow-broad",
                  "--format",
                  "json");

      assertThat(result.exitCode()).as(result.err()).isZero();
      JsonNode json = JSON.readTree(result.out());
      assertThat(json.get("dbSize").asLong()).isEqualTo(500);
      assertThat(json.get("keysScanned").asLong()).isEqualTo(500);
      assertThat(json.get("keysMatched").asLong()).isEqualTo(500);
    }
  }

  @Test
  void releaseThatKeepsFailingShouldNameTheCommandThatFreesTheLock() throws Exception {
    try (RedisServer server = RedisServers.standalone();
        Keyspace keyspace = new Keyspace(server.url());
        FaultProxy proxy = FaultProxy.to(server);
        LogCapture logs = new LogCapture()) {
      keyspace.write(Keyspace.families(Map.of("mocs", 300, "sessions", 200)));
      proxy.cutOnRequest(bulks("EVAL"), 0, 2);

      CliRun.Result result =
          new CliRun()
              .run(
                  "flush",
                  "--yes",
                  "--sample-window",
                  "0",
                  "--redis-url",
                  proxy.url(),
                  "--retries",
                  "1");

      assertThat(result.exitCode()).as("the flush itself completed: %s", result.err()).isZero();
      assertThat(proxy.requestCuts()).as("the release and its one retry").isEqualTo(2);
      String free = "redis-cli -h 127.0.0.1 -p " + proxy.port() + " UNLINK cacheflush:lock";
      assertThat(logs.warnings())
          .last()
          .asString()
          .contains("Could not release the lock cacheflush:lock", "expires by itself within", free);
      assertThat(keyspace.exists(LOCK)).isTrue();

      Process cli = new ProcessBuilder(free.split(" ")).redirectErrorStream(true).start();
      assertThat(cli.waitFor(10, TimeUnit.SECONDS)).isTrue();
      assertThat(new String(cli.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip())
          .isEqualTo("1");
      assertThat(keyspace.exists(LOCK)).as("freed by the printed command").isFalse();
    }
  }

  @Test
  void cacheAtMaxmemoryShouldBeFlushedWithoutTheLockAndAWarning() throws Exception {
    try (RedisServer server =
            RedisServers.standalone("--maxmemory", "4mb", "--maxmemory-policy", "noeviction");
        Keyspace keyspace = new Keyspace(server.url());
        LogCapture logs = new LogCapture()) {
      int written = fillToTheLimit(keyspace);

      CliRun.Result result =
          new CliRun().run("flush", "--yes", "--sample-window", "0", "--redis-url", server.url());

      assertThat(result.exitCode()).as(result.err()).isZero();
      assertThat(logs.warnings())
          .anySatisfy(
              w ->
                  assertThat(w)
                      .contains(
                          "at its maxmemory",
                          "refuses to store the lock cacheflush:lock",
                          "flushing without it"));
      assertThat(keyspace.dbSize()).isEqualTo(written / 2);
      assertThat(keyspace.exists(bytes("sessions:0"))).isTrue();
      assertThat(keyspace.exists(LOCK)).isFalse();
    }
  }

  @Test
  void cacheAtMaxmemoryShouldStillExitFiveWhileAnotherRunHoldsTheLock() throws Exception {
    try (RedisServer server =
            RedisServers.standalone("--maxmemory", "4mb", "--maxmemory-policy", "noeviction");
        Keyspace keyspace = new Keyspace(server.url())) {
      keyspace
          .connection()
          .sync()
          .set(LOCK, bytes("{\"host\":\"elsewhere\"}"), SetArgs.Builder.px(60_000));
      int written = fillToTheLimit(keyspace);

      CliRun.Result result =
          new CliRun().run("flush", "--yes", "--sample-window", "0", "--redis-url", server.url());

      assertThat(result.exitCode()).as(result.err()).isEqualTo(5);
      assertThat(result.errorLines())
          .singleElement()
          .asString()
          .contains("Another flush is running on this cache");
      assertThat(keyspace.dbSize()).isEqualTo(written + 1);
    }
  }

  /** Writes mocs:i and sessions:i with 1 KB values until Redis refuses with OOM; returns how many were written. */
  private static int fillToTheLimit(Keyspace keyspace) {
    byte[] value = new byte[1024];
    Arrays.fill(value, (byte) 'x');
    List<byte[]> refused = new ArrayList<>();
    int pairs = 0;
    while (refused.isEmpty()) {
      try {
        keyspace.connection().sync().set(bytes("mocs:" + pairs), value);
        keyspace.connection().sync().set(bytes("sessions:" + pairs), value);
        pairs++;
      } catch (RedisCommandExecutionException e) {
        assertThat(e.getMessage()).startsWith("OOM");
        refused.add(bytes("mocs:" + pairs));
      }
    }
    // A pair half written is removed, so the families are even and the counts exact.
    keyspace.connection().sync().unlink(bytes("mocs:" + pairs));
    assertThat(pairs).isGreaterThan(100);
    return 2 * pairs;
  }
}
