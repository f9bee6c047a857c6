package dev.cacheflush.flush;

import static dev.cacheflush.support.FaultProxy.bulks;
import static dev.cacheflush.support.Keyspace.bytes;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cacheflush.support.CliRun;
import dev.cacheflush.support.ClusterKeyspace;
import dev.cacheflush.support.FaultProxy;
import dev.cacheflush.support.Keyspace;
import dev.cacheflush.support.LogCapture;
import dev.cacheflush.support.RedisCluster;
import dev.cacheflush.support.RedisServer;
import dev.cacheflush.support.RedisServers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every command of a run, not only SCAN and UNLINK, is retried on a new connection under the run's
 * policy: a proxy resets the connection at the moment the tool sends the chosen command (its RESP
 * bytes), once, and the run goes on to a complete flush with that one retry.
 */
class CommandRetryIT {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  /** The command's bytes, which of its occurrences is cut (0: the first), and the warning its retry logs. */
  static Stream<Arguments> commands() {
    return Stream.of(
        Arguments.of("INFO cluster (discovery)", bulks("INFO", "cluster"), 0, "Connecting to"),
        Arguments.of("INFO replication (role)", bulks("INFO", "replication"), 0, "Connecting to"),
        Arguments.of("DBSIZE", bulks("DBSIZE"), 0, "DBSIZE on"),
        Arguments.of("SET of the lock", bulks("SET", "cacheflush:lock"), 0, "SET on"),
        Arguments.of(
            "INFO server (the scan's start)", bulks("INFO", "server"), 0, "INFO server on"),
        Arguments.of(
            "INFO server (the verification's start)", bulks("INFO", "server"), 1, "INFO server on"),
        Arguments.of("EVAL that releases the lock", bulks("EVAL"), 0, "EVAL (release) on"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("commands")
  void connectionResetAtACommandShouldBeRetriedOnceAndTheFlushComplete(
      String name, byte[] command, int skip, String warning) throws Exception {
    try (RedisServer server = RedisServers.standalone();
        Keyspace keyspace = new Keyspace(server.url());
        FaultProxy proxy = FaultProxy.to(server);
        LogCapture logs = new LogCapture()) {
      keyspace.write(Keyspace.families(Map.of("mocs", 300, "sessions", 200)));
      proxy.cutOnRequest(command, skip, 1);
      Path report = dir.resolve("report.json");

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
                  "2",
                  "--report",
                  report.toString());

      assertThat(result.exitCode()).as(result.err()).isZero();
      assertThat(proxy.requestCuts()).as("connections reset at %s", name).isEqualTo(1);
      assertThat(logs.warnings())
          .singleElement()
          .asString()
          .contains(warning, "failed (attempt 1 of 3)", "trying again");
      JsonNode json = JSON.readTree(Files.readString(report));
      assertThat(json.get("outcome").asText()).isEqualTo("completed");
      assertThat(json.get("keysDeleted").asLong()).isEqualTo(300);
      assertThat(json.get("verification").get("complete").asBoolean()).isTrue();
      assertThat(keyspace.dbSize()).isEqualTo(200);
      assertThat(keyspace.exists(bytes("cacheflush:lock"))).as("lock released").isFalse();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("samples")
  void connectionResetAtAStatisticsSampleShouldBeRetriedAndTheWatchComplete(
      String name, byte[] command, int skip) throws Exception {
    try (RedisServer server = RedisServers.standalone();
        FaultProxy proxy = FaultProxy.to(server);
        LogCapture logs = new LogCapture()) {
      proxy.cutOnRequest(command, skip, 1);

      CliRun.Result result =
          new CliRun()
              .run(
                  "watch",
                  "--redis-url",
                  proxy.url(),
                  "--for",
                  "1s",
                  "--interval",
                  "1s",
                  "--format",
                  "json");

      assertThat(result.exitCode()).as(result.err()).isZero();
      assertThat(proxy.requestCuts()).isEqualTo(1);
      assertThat(logs.warnings())
          .singleElement()
          .asString()
          .contains("failed (attempt 1 of 4)", "trying again");
      assertThat(JSON.readTree(result.out()).get("outcome").asText()).isEqualTo("observed");
    }
  }

  /** INFO stats and DBSIZE of the first sample, and of the interval's end. */
  static Stream<Arguments> samples() {
    return Stream.of(
        Arguments.of("INFO stats (first sample)", bulks("INFO", "stats"), 0),
        Arguments.of("DBSIZE (first sample)", bulks("DBSIZE"), 0),
        Arguments.of("INFO stats (interval's end)", bulks("INFO", "stats"), 1));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("observerSamples")
  void connectionResetAtAFlushsHitRateSampleShouldBeRetriedAndTheWindowMeasured(
      String name, int skip, String window, String watch) throws Exception {
    try (RedisServer server = RedisServers.standalone();
        Keyspace keyspace = new Keyspace(server.url());
        FaultProxy proxy = FaultProxy.to(server);
        LogCapture logs = new LogCapture()) {
      keyspace.write(Keyspace.families(Map.of("mocs", 30, "sessions", 20)));
      // INFO stats is the observer's alone: the flush itself never asks for it.
      proxy.cutOnRequest(bulks("INFO", "stats"), skip, 1);
      Path report = dir.resolve("report.json");
      List<String> args =
          new ArrayList<>(
              List.of(
                  "flush",
                  "--yes",
                  "--sample-window",
                  window,
                  "--redis-url",
                  proxy.url(),
                  "--retries",
                  "2",
                  "--report",
                  report.toString()));
      if (watch != null) {
        args.addAll(List.of("--watch", watch, "--interval", watch));
      }

      CliRun.Result result = new CliRun().run(args.toArray(String[]::new));

      assertThat(result.exitCode()).as(result.err()).isZero();
      assertThat(proxy.requestCuts()).as("connections reset at %s", name).isEqualTo(1);
      assertThat(logs.warnings())
          .singleElement()
          .asString()
          .contains("INFO stats on", "failed (attempt 1 of 3)", "trying again");
      JsonNode json = JSON.readTree(Files.readString(report));
      assertThat(json.get("keysDeleted").asLong()).isEqualTo(30);
      if (watch == null) {
        assertThat(json.path("hitRate").path("before").isObject()).as("before measured").isTrue();
        assertThat(json.path("hitRate").path("after").isObject()).as("after measured").isTrue();
      } else {
        assertThat(json.path("watch").path("outcome").asText()).isEqualTo("observed");
        assertThat(json.path("watch").path("intervals")).hasSize(1);
      }
    }
  }

  /**
   * Which INFO stats of a flush is cut, and the flags that make it the one meant: each window
   * samples at its start and its end (0 and 1 before, 2 and 3 after); the watch, without windows,
   * samples at its start (0) and its interval's end (1).
   */
  static Stream<Arguments> observerSamples() {
    return Stream.of(
        Arguments.of("INFO stats (the window before, its end)", 1, "1s", null),
        Arguments.of("INFO stats (the window after, its start)", 2, "1s", null),
        Arguments.of("INFO stats (the watch's interval end)", 1, "0", "1s"));
  }

  @Test
  void connectionResetAtClusterNodesShouldBeRetriedAndEveryShardFlushed() throws Exception {
    try (RedisCluster cluster = RedisServers.cluster(3, 0);
        FaultProxy proxy = FaultProxy.to(cluster.primaries().get(0));
        LogCapture logs = new LogCapture()) {
      ClusterKeyspace keyspace = new ClusterKeyspace(cluster);
      keyspace.write(Keyspace.families(Map.of("mocs", 600, "sessions", 300)));
      // The seed is reached through the proxy; the primaries it names are reached directly.
      proxy.cutOnRequest(bulks("CLUSTER", "NODES"), 0, 1);
      Path report = dir.resolve("report.json");

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
                  "2",
                  "--report",
                  report.toString());

      assertThat(result.exitCode()).as(result.err()).isZero();
      assertThat(proxy.requestCuts()).isEqualTo(1);
      assertThat(logs.warnings())
          .singleElement()
          .asString()
          .contains("Connecting to", "failed (attempt 1 of 3)");
      JsonNode json = JSON.readTree(Files.readString(report));
      assertThat(json.get("mode").asText()).isEqualTo("cluster");
      assertThat(json.get("keysDeleted").asLong()).isEqualTo(600);
      assertThat(keyspace.total("mocs:*")).isZero();
      assertThat(keyspace.total("sessions:*")).isEqualTo(300);
    }
  }
}
