package dev.cacheflush.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cacheflush.config.RedisUrl;
import dev.cacheflush.support.CliRun;
import dev.cacheflush.support.Keyspace;
import dev.cacheflush.support.RedisSentinelSetup;
import dev.cacheflush.support.RedisServer;
import dev.cacheflush.support.RedisServers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** redis-sentinel:// URLs: the Sentinels name the primary, before the run and after a failover in it. */
class SentinelFlushIT {
  RedisSentinelSetup setup;

  @TempDir Path dir;

  @BeforeEach
  void start() {
    setup = RedisServers.sentinel("cache");
  }

  @AfterEach
  void stop() {
    setup.close();
  }

  @Test
  void sentinelShouldNameThePrimaryToFlushAndItsReplicaToRead() throws Exception {
    RedisServer primary = setup.primary();
    try (Keyspace keyspace = new Keyspace(primary.url())) {
      keyspace.write(Keyspace.families(Map.of("mocs", 1_000, "sessions", 1_000)));
    }
    CliRun.Result r =
        new CliRun()
            .run(
                "flush",
                "--yes",
                "--sample-window",
                "0",
                "--format",
                "json",
                "--redis-url",
                setup.sentinelUrl());

    assertThat(r.exitCode()).as(r.err()).isZero();
    JsonNode report = new ObjectMapper().readTree(r.out());
    assertThat(report.get("mode").asText()).isEqualTo("sentinel");
    assertThat(report.get("keysDeleted").asLong()).isEqualTo(1_000);
    assertThat(report.get("shards"))
        .singleElement()
        .satisfies(s -> assertThat(s.get("address").asText()).isEqualTo(primary.address()));
    assertThat(primary.call("DBSIZE")).isEqualTo(1_000L);

    // plan may read a replica (issue 16); a flush never deletes through one.
    CliRun.Result replica =
        new CliRun().run("flush", "--yes", "--redis-url", setup.replica().url());
    assertThat(replica.exitCode()).isEqualTo(2);
    assertThat(replica.errorLines())
        .singleElement()
        .asString()
        .contains("is a read-only replica (of " + primary.address() + ")")
        .contains("point --redis-url at the primary");

    try (RedisTarget target =
        RedisTarget.connect(
            RedisUrl.parse(setup.sentinelUrl()),
            new ConnectOptions(
                Duration.ofSeconds(2), Duration.ofSeconds(2), new Backoff(0, Duration.ZERO)),
            new Deadline(Clock.systemUTC(), Duration.ofSeconds(10)))) {
      assertThat(target.readNodes())
          .extracting(RedisNode::address)
          .containsExactlyInAnyOrder(primary.address(), setup.replica().address());
    }
  }

  @Test
  void primaryKilledMidFlushShouldBeReplacedByTheOneSentinelPromotes() throws Exception {
    RedisServer primary = setup.primary();
    RedisServer replica = setup.replica();
    try (Keyspace keyspace = new Keyspace(primary.url())) {
      keyspace.write(Keyspace.families(Map.of("gallery", 30_000, "ratelimit", 10_000)));
    }
    long offset = Long.parseLong(primary.info("replication").get("master_repl_offset"));
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () -> Long.parseLong(replica.info("replication").get("slave_repl_offset")) >= offset);
    Path report = dir.resolve("report.json");
    CompletableFuture<CliRun.Result> run =
        CompletableFuture.supplyAsync(
            () ->
                new CliRun()
                    .run(
                        "flush",
                        "--yes",
                        "--sample-window",
                        "0",
                        "--redis-url",
                        setup.sentinelUrl(),
                        "--retries",
                        "5",
                        "--scan-count",
                        "20",
                        "--batch-size",
                        "10",
                        "--max-in-flight",
                        "1",
                        "--report",
                        report.toString()));
    await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(20))
        .until(() -> (Long) primary.call("DBSIZE") < 39_000);
    assertThat(run).as("the flush must still be running when the primary dies").isNotDone();

    setup.kill(primary);
    RedisServer promoted = setup.awaitFailover(primary);

    CliRun.Result r = run.get(90, TimeUnit.SECONDS);
    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(promoted).isEqualTo(replica);
    assertThat(promoted.call("DBSIZE")).isEqualTo(10_000L);
    JsonNode json = new ObjectMapper().readTree(Files.readString(report));
    assertThat(json.get("recoveries"))
        .anySatisfy(
            recovery ->
                assertThat(recovery.get("node").asText())
                    .isEqualTo(primary.address() + " -> " + promoted.address()));
  }
}
