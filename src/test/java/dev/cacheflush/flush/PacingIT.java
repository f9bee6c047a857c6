package dev.cacheflush.flush;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cacheflush.support.CliRun;
import dev.cacheflush.support.Keyspace;
import dev.cacheflush.support.PostgresServer;
import dev.cacheflush.support.RedisServer;
import dev.cacheflush.support.RedisServers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The paced flush on real servers: a redis-server, and a PostgreSQL whose probe query the test
 * makes slower than the bound. What is checked is what the pacing decided and recorded in the
 * report (its slowdowns, its estimate and plan), never how long anything took.
 */
class PacingIT {
  static RedisServer redis;
  static PostgresServer postgres;
  static Keyspace keyspace;

  @TempDir Path dir;

  @BeforeAll
  static void start() {
    redis = RedisServers.standalone();
    postgres = PostgresServer.fromEnvironmentOrStart();
    keyspace = new Keyspace(redis.url());
  }

  @AfterAll
  static void stop() {
    keyspace.close();
    redis.close();
    postgres.close();
  }

  @BeforeEach
  void emptyCache() {
    keyspace.connection().sync().flushall();
  }

  JsonNode flush(String... args) throws Exception {
    Path file = dir.resolve("flush.json");
    CliRun.Result r =
        new CliRun()
            .run(
                concat(
                    new String[] {
                      "flush", "--yes", "--redis-url", redis.url(), "--report", file.toString()
                    },
                    args));
    assertThat(r.exitCode()).as(r.err()).isZero();
    return new ObjectMapper().readTree(Files.readString(file));
  }

  @Test
  void aProbeOverTheBoundShouldSlowTheDeletionsAndTheFlushStillComplete() throws Exception {
    // Three batches of 100 at the bound's start rate of 100 keys/s: the third is due 2 s after the
    // first, so it waits through the decision at 1 s, which sees probe queries of 50 ms against a
    // bound of 10 ms.
    keyspace.write(Keyspace.families(Map.of("mocs", 300, "sessions", 300)));

    JsonNode report =
        flush(
            "--db-url",
            postgres.jdbcUrlWithCredentials(),
            "--db-query",
            "SELECT pg_sleep(0.05)",
            "--db-max-latency",
            "10ms",
            "--sample-window",
            "200ms");

    assertThat(report.get("outcome").asText()).isEqualTo("completed");
    assertThat(report.get("keysDeleted").asLong()).isEqualTo(300);
    assertThat(keyspace.dbSize()).isEqualTo(300);
    JsonNode pacing = report.get("pacing");
    assertThat(pacing.get("dbMaxLatencyMs").asLong()).isEqualTo(10);
    assertThat(pacing.get("dbWindowMs").asLong()).isEqualTo(1_000);
    assertThat(pacing.get("slowdowns").asInt()).as(pacing.toString()).isPositive();
    assertThat(pacing.get("speedups").asInt()).isZero();
    assertThat(pacing.get("lowestKeysPerSecond").asDouble())
        .isLessThanOrEqualTo(DbLatencyPacer.START_KEYS_PER_SECOND / 2);
    assertThat(pacing.get("highestDbP99Ms").asDouble()).isGreaterThanOrEqualTo(50);
    assertThat(pacing.get("database").get("samples").asInt()).isPositive();
    // The probe runs at the pacing's cadence, as --db-interval was not given.
    assertThat(report.get("database").get("intervalMs").asLong()).isEqualTo(100);
    assertThat(pacing.get("spreadMs").isNull()).isTrue();
  }

  @Test
  void aSpreadShouldPlanItsScheduleOnTheKeysToDelete() throws Exception {
    // 2,050 keys to delete: not a whole number of batches, so the last batch goes once the scan has
    // seen every key, and the last estimate is the count itself.
    keyspace.write(Keyspace.families(Map.of("mocs", 2_050, "sessions", 2_000)));

    JsonNode report = flush("--spread", "4s", "--sample-window", "0");

    assertThat(report.get("outcome").asText()).isEqualTo("completed");
    assertThat(report.get("keysDeleted").asLong()).isEqualTo(2_050);
    JsonNode pacing = report.get("pacing");
    assertThat(pacing.get("spreadMs").asLong()).isEqualTo(4_000);
    assertThat(pacing.get("estimatedKeys").asLong()).as(pacing.toString()).isEqualTo(2_050);
    assertThat(pacing.get("firstEstimatedKeys").asLong()).isBetween(100L, 4_050L);
    assertThat(pacing.get("plannedKeysPerSecond").asDouble()).isEqualTo(512.5);
    assertThat(pacing.get("heldBatches").asLong()).isPositive();
    assertThat(pacing.get("dbMaxLatencyMs").isNull()).isTrue();
    assertThat(pacing.get("database").isNull()).isTrue();
    assertThat(report.get("tuning").get("batchSize").asInt()).isEqualTo(100);
  }

  private static String[] concat(String[] a, String[] b) {
    String[] all = new String[a.length + b.length];
    System.arraycopy(a, 0, all, 0, a.length);
    System.arraycopy(b, 0, all, a.length, b.length);
    return all;
  }
}
