package dev.cacheflush.flush;

import static dev.cacheflush.support.Keyspace.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cacheflush.support.CliRun;
import dev.cacheflush.support.FaultProxy;
import dev.cacheflush.support.FreePorts;
import dev.cacheflush.support.JarRun;
import dev.cacheflush.support.Keyspace;
import dev.cacheflush.support.RedisServer;
import dev.cacheflush.support.RedisServers;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The run against real redis-server processes that are late, absent, killed and restarted, written
 * to while flushing, contended for, and stopped: every one ends well, and no preserved key is ever
 * deleted.
 */
class FaultsIT {
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * Small pages and batches, so a run (through a proxy adding latency where a test must act while
   * it runs) lasts long enough to be hit mid-flight.
   */
  private static final String[] SLOW = {
    "--scan-count", "20", "--batch-size", "10", "--max-in-flight", "1"
  };

  @TempDir Path dir;

  @Test
  void flushShouldSucceedWhenRedisComesUpTwoSecondsLate() throws Exception {
    try (RedisServer server = RedisServers.standalone()) {
      try (Keyspace keyspace = new Keyspace(server.url())) {
        keyspace.write(Keyspace.families(Map.of("mocs", 500, "sessions", 500)));
        keyspace.connection().sync().save();
      }
      server.stop();
      CompletableFuture<CliRun.Result> run =
          CompletableFuture.supplyAsync(
              () ->
                  new CliRun()
                      .run("flush", "--yes", "--sample-window", "0", "--redis-url", server.url()));
      Thread.sleep(2_000);
      server.start();

      CliRun.Result result = run.get(30, TimeUnit.SECONDS);
      assertThat(result.exitCode()).as(result.err()).isZero();
      assertThat(result.out()).contains("Outcome   completed");
      try (Keyspace keyspace = new Keyspace(server.url())) {
        assertThat(keyspace.dbSize()).isEqualTo(500);
        assertThat(keyspace.exists(bytes("sessions:1"))).isTrue();
      }
    }
  }

  @Test
  void redisNeverUpShouldExitOneAfterItsRetries() throws Exception {
    String url = "redis://127.0.0.1:" + FreePorts.next();
    JarRun run = JarRun.start(dir, "flush", "--yes", "--sample-window", "0", "--redis-url", url);

    // What the run decided, not how long it took on this machine: the waits between the attempts
    // (about 1 s, 2 s, 4 s, at most 8.4 s in all) are BackoffTest's, on a clock that does not move.
    assertThat(run.waitFor(60)).isEqualTo(1);
    List<String> lines = run.err().lines().toList();
    assertThat(lines)
        .filteredOn(l -> l.contains("WARN"))
        .hasSize(3)
        .allSatisfy(
            l ->
                assertThat(l)
                    .contains("Connecting to " + url + " failed (attempt", "check host and port"));
    assertThat(lines)
        .filteredOn(l -> l.startsWith("cacheflush:"))
        .singleElement()
        .asString()
        .contains("Cannot connect to Redis at " + url + " after 4 attempts", "check host and port");
    assertThat(run.err()).doesNotContain("Exception").doesNotContain("\tat ");
  }

  @Test
  @SuppressWarnings(
      "try") // the socket is closed early, on purpose, to end the acceptor before joining it
  void portThatIsNotRedisShouldFailWithOneLine() throws Exception {
    try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      List<Socket> accepted = new ArrayList<>();
      Thread acceptor =
          new Thread(
              () -> {
                try {
                  while (true) {
                    accepted.add(silent.accept());
                  }
                } catch (IOException closed) {
                  // The test is over.
                }
              });
      acceptor.start();
      CliRun.Result result =
          new CliRun()
              .run(
                  "plan",
                  "--redis-url",
                  "redis://127.0.0.1:" + silent.getLocalPort(),
                  "--retries",
                  "1",
                  "--command-timeout",
                  "500ms");

      assertThat(result.exitCode()).isEqualTo(1);
      assertThat(result.errorLines())
          .singleElement()
          .asString()
          .contains("did not answer in time", "rediss://");
      silent.close();
      acceptor.join();
    }
  }

  @Test
  void serverKilledAndRestartedMidFlushShouldScanAgainAndComplete() throws Exception {
    try (RedisServer server =
            RedisServers.standalone("--appendonly", "yes", "--appendfsync", "always");
        Keyspace keyspace = new Keyspace(server.url())) {
      keyspace.write(Keyspace.families(Map.of("mocs", 20_000, "sessions", 20_000)));
      Path report = dir.resolve("report.json");
      CompletableFuture<CliRun.Result> run =
          CompletableFuture.supplyAsync(
              () ->
                  new CliRun()
                      .run(
                          withSlow(
                              "flush",
                              "--yes",
                              "--sample-window",
                              "0",
                              "--redis-url",
                              server.url(),
                              "--report",
                              report.toString())));

      await().atMost(Duration.ofSeconds(60)).until(() -> keyspace.dbSize() < 39_000);
      server.kill();
      server.start();

      CliRun.Result result = run.get(60, TimeUnit.SECONDS);
      try (Keyspace after = new Keyspace(server.url())) {
        assertThat(after.dbSize()).isEqualTo(20_000);
        assertThat(after.allKeys())
            .allSatisfy(k -> assertThat(new String(k.array())).startsWith("sessions:"));
      }
      assertThat(result.exitCode()).as(result.err()).isZero();
      JsonNode json = JSON.readTree(Files.readString(report));
      assertThat(json.get("recoveries")).isNotEmpty();
      assertThat(
              json.get("recoveries")
                  .get(json.get("recoveries").size() - 1)
                  .get("scanRestarted")
                  .asBoolean())
          .isTrue();
      // The summary wraps at 80 columns, wherever the recovery's reason makes the line break.
      assertThat(result.out().replaceAll("\\s+", " ")).contains("the scan started again");
    }
  }

  @Test
  void concurrentWriterShouldNeverLoseAPreservedKey() throws Exception {
    try (RedisServer server = RedisServers.standalone();
        Keyspace keyspace = new Keyspace(server.url());
        Keyspace writer = new Keyspace(server.url())) {
      keyspace.write(Keyspace.families(Map.of("mocs", 20_000, "sessions", 5_000)));
      AtomicBoolean writing = new AtomicBoolean(true);
      AtomicInteger written = new AtomicInteger();
      CompletableFuture<Void> writes =
          CompletableFuture.runAsync(
              () -> {
                while (writing.get()) {
                  int i = written.getAndIncrement();
                  writer.write(List.of(bytes("sessions:live:" + i), bytes("mocs:live:" + i)));
                }
              });
      Path report = dir.resolve("report.json");
      CliRun.Result result =
          new CliRun()
              .run(
                  withSlow(
                      "flush",
                      "--yes",
                      "--sample-window",
                      "0",
                      "--redis-url",
                      server.url(),
                      "--report",
                      report.toString()));
      writing.set(false);
      writes.get(10, TimeUnit.SECONDS);

      assertThat(result.exitCode()).as(result.err()).isZero();
      assertThat(written.get()).isGreaterThan(100);
      for (int i = 0; i < written.get(); i++) {
        assertThat(keyspace.exists(bytes("sessions:live:" + i))).as("sessions:live:" + i).isTrue();
      }
      for (int i = 0; i < 5_000; i++) {
        assertThat(keyspace.exists(bytes("sessions:" + i))).isTrue();
      }
      JsonNode verification = JSON.readTree(Files.readString(report)).get("verification");
      assertThat(verification.get("complete").asBoolean()).isTrue();
      assertThat(verification.get("preservedAfter").asLong()).isGreaterThanOrEqualTo(5_000);
    }
  }

  @Test
  void secondFlushShouldExitFiveWhileTheFirstHoldsTheLock() throws Exception {
    try (RedisServer server = RedisServers.standalone();
        Keyspace keyspace = new Keyspace(server.url());
        FaultProxy slow = FaultProxy.to(server).latency(Duration.ofMillis(1))) {
      keyspace.write(Keyspace.families(Map.of("mocs", 20_000, "sessions", 1_000)));
      CompletableFuture<CliRun.Result> first =
          CompletableFuture.supplyAsync(
              () ->
                  new CliRun()
                      .run(
                          withSlow(
                              "flush",
                              "--yes",
                              "--sample-window",
                              "0",
                              "--redis-url",
                              slow.url())));
      await().atMost(Duration.ofSeconds(60)).until(() -> keyspace.exists(bytes("cacheflush:lock")));

      CliRun.Result second =
          new CliRun().run("flush", "--yes", "--sample-window", "0", "--redis-url", server.url());

      assertThat(second.exitCode()).isEqualTo(5);
      assertThat(second.errorLines())
          .singleElement()
          .asString()
          .contains(
              "Another flush is running on this cache",
              "started at",
              "pid " + ProcessHandle.current().pid(),
              "expires in");
      CliRun.Result firstResult = first.get(60, TimeUnit.SECONDS);
      assertThat(firstResult.exitCode()).as(firstResult.err()).isZero();
      assertThat(keyspace.exists(bytes("cacheflush:lock"))).as("released").isFalse();
      assertThat(keyspace.dbSize()).isEqualTo(1_000);
    }
  }

  @Test
  void lockLeftByADeadRunShouldExpireAndNoLockShouldSkipIt() throws Exception {
    try (RedisServer server = RedisServers.standalone();
        Keyspace keyspace = new Keyspace(server.url())) {
      keyspace.write(Keyspace.families(Map.of("mocs", 100)));
      keyspace
          .connection()
          .sync()
          .set(
              bytes("cacheflush:lock"),
              bytes("{\"host\":\"gone\"}"),
              io.lettuce.core.SetArgs.Builder.px(1_500));

      assertThat(
              new CliRun()
                  .run("flush", "--yes", "--sample-window", "0", "--redis-url", server.url())
                  .exitCode())
          .isEqualTo(5);
      CliRun.Result noLock =
          new CliRun()
              .run(
                  "flush",
                  "--yes",
                  "--sample-window",
                  "0",
                  "--no-lock",
                  "--redis-url",
                  server.url());
      assertThat(noLock.exitCode()).as(noLock.err()).isZero();
      assertThat(keyspace.exists(bytes("cacheflush:lock")))
          .as("--no-lock leaves another's lock alone")
          .isTrue();

      keyspace.write(Keyspace.families(Map.of("mocs", 100)));
      await().atMost(Duration.ofSeconds(5)).until(() -> !keyspace.exists(bytes("cacheflush:lock")));
      assertThat(
              new CliRun()
                  .run("flush", "--yes", "--sample-window", "0", "--redis-url", server.url())
                  .exitCode())
          .isZero();
      assertThat(keyspace.dbSize()).isZero();
    }
  }

  @Test
  void stopRequestShouldEndAfterTheBatchInFlightWithExit130() throws Exception {
    try (RedisServer server = RedisServers.standalone();
        Keyspace keyspace = new Keyspace(server.url());
        FaultProxy slow = FaultProxy.to(server).latency(Duration.ofMillis(1))) {
      keyspace.write(Keyspace.families(Map.of("mocs", 30_000, "sessions", 1_000)));
      StopSignal stop = new StopSignal();
      Path report = dir.resolve("report.json");
      CompletableFuture<CliRun.Result> run =
          CompletableFuture.supplyAsync(
              () ->
                  new CliRun()
                      .withStopSignal(stop)
                      .run(
                          withSlow(
                              "flush",
                              "--yes",
                              "--sample-window",
                              "0",
                              "--redis-url",
                              slow.url(),
                              "--report",
                              report.toString())));
      await().atMost(Duration.ofSeconds(60)).until(() -> keyspace.dbSize() < 30_000);
      stop.request();

      CliRun.Result result = run.get(60, TimeUnit.SECONDS);
      assertThat(result.exitCode()).isEqualTo(130);
      JsonNode json = JSON.readTree(Files.readString(report));
      assertThat(json.get("outcome").asText()).isEqualTo("interrupted");
      assertThat(json.get("keysDeleted").asLong())
          .isEqualTo(31_000 - keyspace.dbSize())
          .isLessThan(30_000);
      assertThat(keyspace.exists(bytes("cacheflush:lock"))).isFalse();
      assertThat(keyspace.exists(bytes("sessions:999"))).isTrue();
    }
  }

  @Test
  void sigintShouldStopTheProcessWithExit130AndAReport() throws Exception {
    try (RedisServer server = RedisServers.standalone();
        Keyspace keyspace = new Keyspace(server.url());
        FaultProxy slow = FaultProxy.to(server).latency(Duration.ofMillis(1))) {
      keyspace.write(Keyspace.families(Map.of("mocs", 30_000)));
      Path report = dir.resolve("report.json");
      JarRun run =
          JarRun.start(
              dir,
              withSlow(
                  "flush",
                  "--yes",
                  "--sample-window",
                  "0",
                  // Paced to 10 s, so the flush is still deleting when the signal lands however
                  // busy the machine: unpaced, it sometimes ended between the poll and the signal.
                  "--max-rate",
                  "3000",
                  "--redis-url",
                  slow.url(),
                  "--report",
                  report.toString()));
      // Bounds against a hang only: a JVM's start on a loaded 2-core machine has taken over 20 s.
      await().atMost(Duration.ofMinutes(2)).until(() -> keyspace.dbSize() < 30_000);
      run.signal("INT");

      assertThat(run.waitFor(120)).as(run.err()).isEqualTo(130);
      assertThat(JSON.readTree(Files.readString(report)).get("outcome").asText())
          .isEqualTo("interrupted");
      assertThat(keyspace.exists(bytes("cacheflush:lock"))).isFalse();
      assertThat(run.err()).contains("cacheflush: stopped on request");
    }
  }

  @Test
  void planShouldEstimateWhetherTheDeadlineIsLongEnough() throws Exception {
    JsonNode estimate = planEstimate();
    assertThat(estimate.get("scanKeysPerSecond").asLong()).isPositive();
    assertThat(estimate.get("estimatedFlushMs").asLong()).isPositive();
    assertThat(estimate.get("timeoutMs").asLong()).isEqualTo(60_000);
    assertThat(estimate.get("fitsTimeout").asBoolean()).isTrue();
  }

  /** A rate cap bounds the flush however fast the dry run scanned: 20,000 keys at 1,000 a second. */
  @Test
  void planShouldNotSayARateCappedFlushFitsADeadlineItCannotMeet() throws Exception {
    JsonNode estimate = planEstimate("--max-rate", "1000", "--timeout", "15s");
    assertThat(estimate.get("estimatedFlushMs").asLong()).isGreaterThanOrEqualTo(20_000);
    assertThat(estimate.get("fitsTimeout").asBoolean()).isFalse();
  }

  /** The deadline estimate of a plan of 20,000 keys to flush among 40,000, with these flags. */
  private static JsonNode planEstimate(String... flags) throws Exception {
    try (RedisServer server = RedisServers.standalone();
        Keyspace keyspace = new Keyspace(server.url())) {
      keyspace.write(Keyspace.families(Map.of("mocs", 20_000, "sessions", 20_000)));
      List<String> args =
          new ArrayList<>(List.of("plan", "--redis-url", server.url(), "--format", "json"));
      args.addAll(List.of(flags));
      CliRun.Result result = new CliRun().run(args.toArray(String[]::new));
      return JSON.readTree(result.out()).get("deadlineEstimate");
    }
  }

  private static String[] withSlow(String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(List.of(SLOW));
    return all.toArray(String[]::new);
  }
}
