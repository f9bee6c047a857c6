package dev.cacheflush.monitor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cacheflush.support.CliRun;
import dev.cacheflush.support.FaultProxy;
import dev.cacheflush.support.Keyspace;
import dev.cacheflush.support.LogCapture;
import dev.cacheflush.support.PostgresServer;
import dev.cacheflush.support.RedisServer;
import dev.cacheflush.support.RedisServers;
import dev.cacheflush.support.TrafficGenerator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cache as the runbook sees it, with an application in front of it: a traffic generator reads
 * 4,000 items with Zipf popularity through the cache and loads misses from a real PostgreSQL. The
 * flush must show the hit rate high before and low right after, the watch must see it recover (and
 * say so with its exit code), and the database probe must see the misses load the database.
 */
class ObservabilityIT {
  static final int ITEMS = 4_000;

  /** A miss as an application makes it: a primary-key read. */
  static final String LOOKUP = "SELECT payload FROM items WHERE id = ?";

  /**
   * A miss that holds the database's attention for 20 ms (an exclusive advisory lock, kept to the end
   * of its statement), and a probe that needs the same lock shared: misses queue the probe behind
   * them the way a stampede queues a production database's other queries. An earlier form loaded
   * the database's CPU instead, and on a machine already busy with other work the probe waited for
   * a core as long before the flush as after it: the rise has to come from the misses alone.
   */
  static final String HEAVY_LOOKUP =
      "SELECT payload FROM items, (SELECT pg_advisory_xact_lock(42), pg_sleep(0.02)) busy"
          + " WHERE id = ?";

  static final String HEAVY_PROBE =
      "SELECT payload FROM items, (SELECT pg_advisory_xact_lock_shared(42)) busy WHERE id = 1";

  static RedisServer redis;
  static PostgresServer postgres;
  static Keyspace keyspace;

  TrafficGenerator traffic;
  LogCapture logs;
  @TempDir Path dir;

  @BeforeAll
  static void start() throws Exception {
    redis = RedisServers.standalone();
    postgres = PostgresServer.fromEnvironmentOrStart();
    TrafficGenerator.createItems(postgres, ITEMS);
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
    logs = new LogCapture();
  }

  @AfterEach
  void stopTraffic() {
    if (traffic != null) {
      traffic.close();
    }
    logs.close();
  }

  void startTraffic(String missQuery, int threads) {
    traffic = new TrafficGenerator(redis.url(), postgres, ITEMS, 1.0, threads, 1_000, missQuery);
    traffic.warm();
    traffic.start();
  }

  CliRun.Result cacheflush(String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.add(1, "--redis-url");
    all.add(2, redis.url());
    return new CliRun().run(all.toArray(String[]::new));
  }

  @Test
  void flushShouldReportTheHitRateHighBeforeLowAfterAndWatchItRecover() throws Exception {
    startTraffic(LOOKUP, 4);
    Path file = dir.resolve("flush.json");

    CliRun.Result r =
        cacheflush(
            "flush",
            "--yes",
            "--sample-window",
            "1s",
            "--watch",
            "30s",
            "--interval",
            "1s",
            "--until-hit-rate",
            "0.8",
            "--consecutive",
            "2",
            "--format",
            "json",
            "--report",
            file.toString());

    assertThat(r.exitCode()).as(r.err()).isZero();
    traffic.throwIfFailed();
    JsonNode report = new ObjectMapper().readTree(Files.readString(file));
    JsonNode before = report.get("hitRate").get("before");
    JsonNode after = report.get("hitRate").get("after");
    assertThat(report.get("hitRate").get("windowMs").asLong()).isEqualTo(1_000);
    // Enough lookups for the ratios below to mean something, even on a machine busy with other
    // work.
    assertThat(before.get("hits").asLong() + before.get("misses").asLong()).isGreaterThan(50);
    assertThat(before.get("ratio").asDouble()).isGreaterThan(0.95);
    assertThat(after.get("ratio").asDouble())
        .isLessThan(0.75)
        .isLessThan(before.get("ratio").asDouble() - 0.2);
    assertThat(after.get("keys").asLong()).isLessThan(before.get("keys").asLong());
    assertThat(report.get("keysDeleted").asLong()).isGreaterThan(ITEMS * 9 / 10);
    assertThat(report.get("keysPreserved").asLong()).isEqualTo(100);

    JsonNode watch = report.get("watch");
    assertThat(watch.get("outcome").asText()).isEqualTo("recovered");
    assertThat(watch.get("condition").asText()).isEqualTo("until-hit-rate");
    List<Double> rates = new ArrayList<>();
    watch.get("intervals").forEach(i -> rates.add(i.get("hitRate").asDouble()));
    assertThat(rates.subList(rates.size() - 2, rates.size()))
        .allSatisfy(x -> assertThat(x).isGreaterThanOrEqualTo(0.8));
    assertThat(rates.get(rates.size() - 1)).isGreaterThan(after.get("ratio").asDouble() + 0.1);
    assertThat(watch.get("recoveredAfterMs").asLong()).isPositive();
    // The watch lines go to stderr with --format json, so stdout stays one JSON document.
    assertThat(new ObjectMapper().readTree(r.out()).get("exitCode").asInt()).isZero();
    assertThat(r.err()).contains("hit rate").contains("misses");
  }

  @Test
  void watchShouldExitZeroOnceTheHitRateHasRecovered() throws Exception {
    startTraffic(LOOKUP, 4);
    CliRun.Result flush = cacheflush("flush", "--yes", "--sample-window", "0");
    assertThat(flush.exitCode()).as(flush.err()).isZero();
    Path file = dir.resolve("watch.json");

    CliRun.Result r =
        cacheflush(
            "watch",
            "--until-hit-rate",
            "0.8",
            "--within",
            "30s",
            "--interval",
            "1s",
            "--consecutive",
            "2",
            "--report",
            file.toString());

    assertThat(r.exitCode()).as(r.out() + r.err()).isZero();
    JsonNode report = new ObjectMapper().readTree(Files.readString(file));
    assertThat(report.get("outcome").asText()).isEqualTo("recovered");
    JsonNode intervals = report.get("watch").get("intervals");
    assertThat(intervals.get(0).get("hitRate").asDouble())
        .as("right after the flush")
        .isLessThan(0.8);
    assertThat(intervals.get(intervals.size() - 1).get("hitRate").asDouble())
        .isGreaterThanOrEqualTo(0.8);
    List<String> lines = r.out().lines().toList();
    assertThat(lines.get(0)).contains("hit rate").contains("ops/s").contains("keys");
    assertThat(lines).hasSize(intervals.size() + 2);
    assertThat(lines.get(lines.size() - 1))
        .startsWith("recovered: hit rate 80.0% or more in 2 consecutive intervals");
  }

  @Test
  void watchShouldExitThreeWhenTrafficStopsBeforeTheCacheRecovers() throws Exception {
    startTraffic(LOOKUP, 4);
    assertThat(cacheflush("flush", "--yes", "--sample-window", "0").exitCode()).isZero();
    traffic.stop();

    CliRun.Result r =
        cacheflush(
            "watch",
            "--until-hit-rate",
            "0.8",
            "--within",
            "3s",
            "--interval",
            "1s",
            "--format",
            "json");

    assertThat(r.exitCode()).as(r.out() + r.err()).isEqualTo(3);
    JsonNode report = new ObjectMapper().readTree(r.out());
    assertThat(report.get("outcome").asText()).isEqualTo("not-recovered");
    assertThat(report.get("exitCode").asInt()).isEqualTo(3);
    assertThat(report.get("watch").get("intervals"))
        .hasSize(3)
        .allSatisfy(i -> assertThat(i.get("hitRate").isNull()).isTrue());
    assertThat(r.errorLines())
        .containsExactly(
            "cacheflush: the hit rate did not reach 80.0% in 3 consecutive intervals within 3s");
    assertThat(r.err()).contains("n/a");
  }

  @Test
  void theDatabaseProbeShouldSeeTheLatencyRiseWhenMissesLoadTheDatabase() throws Exception {
    startTraffic(HEAVY_LOOKUP, 8);
    Path file = dir.resolve("flush.json");
    String url = postgres.jdbcUrlWithCredentials();

    CliRun.Result r =
        cacheflush(
            "flush",
            "--yes",
            "--sample-window",
            "2s",
            "--watch",
            "3s",
            "--interval",
            "1s",
            "--db-url",
            url,
            "--db-query",
            HEAVY_PROBE,
            "--db-interval",
            "100ms",
            "--report",
            file.toString());

    assertThat(r.exitCode()).as(r.err()).isZero();
    traffic.throwIfFailed();
    String json = Files.readString(file);
    JsonNode db = new ObjectMapper().readTree(json).get("database");
    assertThat(db.get("error").isNull()).as(db.toString()).isTrue();
    assertThat(db.get("baseline").get("samples").asInt()).isGreaterThanOrEqualTo(5);
    assertThat(db.get("during").get("samples").asInt()).isGreaterThanOrEqualTo(5);
    double baseline = db.get("baseline").get("p50Ms").asDouble();
    double during = db.get("during").get("p50Ms").asDouble();
    assertThat(during)
        .as("p50 %s ms before, %s ms after", baseline, during)
        .isGreaterThan(1.5 * baseline);
    assertThat(db.get("spikeRatio").asDouble()).isGreaterThan(1.5);
    assertThat(db.get("url").asText())
        .contains("password=****")
        .contains("user=" + postgres.user());
    assertThat(r.out()).contains("Database").contains("p50");

    String password = postgres.password();
    assertThat(json).doesNotContain(password);
    assertThat(r.out()).doesNotContain(password);
    assertThat(r.err()).doesNotContain(password);
    assertThat(logs.lines()).noneMatch(l -> l.contains(password));
  }

  /**
   * A database that takes seconds to answer its first query (a driver loading and logging in on a
   * busy host, here a connection held back for 3 s) must not leave the watch's intervals without a
   * latency: the intervals start once the probe has answered.
   */
  @Test
  void watchShouldStartItsIntervalsOnceTheDatabaseHasAnswered() throws Exception {
    Matcher address = Pattern.compile("//([^:/]+):(\\d+)/").matcher(postgres.jdbcUrl());
    assertThat(address.find()).isTrue();
    Path file = dir.resolve("watch.json");
    try (FaultProxy held =
        FaultProxy.to(address.group(1), Integer.parseInt(address.group(2))).blackhole(true)) {
      String url =
          postgres
              .jdbcUrlWithCredentials()
              .replace(address.group(1) + ":" + address.group(2), held.host() + ":" + held.port());
      Thread release =
          new Thread(
              () -> {
                await().atMost(Duration.ofSeconds(60)).until(() -> held.acceptedCount() > 0);
                LockSupport.parkNanos(Duration.ofSeconds(3).toNanos());
                held.heal();
              });
      release.start();
      CliRun.Result r;
      try {
        r =
            cacheflush(
                "watch",
                "--for",
                "2s",
                "--interval",
                "1s",
                "--db-url",
                url,
                "--db-interval",
                "200ms",
                "--report",
                file.toString());
      } finally {
        release.join();
      }

      assertThat(r.exitCode()).as(r.err()).isZero();
      JsonNode intervals =
          new ObjectMapper().readTree(Files.readString(file)).get("watch").get("intervals");
      assertThat(intervals).isNotEmpty();
      intervals.forEach(
          i -> assertThat(i.get("dbP50Ms").isNumber()).as(intervals.toString()).isTrue());
    }
  }

  @Test
  void aWrongDatabasePasswordShouldBeAWarningThatNeverShowsThePassword() throws Exception {
    String wrong = "not-the-password-42";
    Path file = dir.resolve("flush.json");

    CliRun.Result r =
        new CliRun()
            .env("DB_USER", postgres.user())
            .env("DB_PASSWORD", wrong)
            .run(
                "flush",
                "--redis-url",
                redis.url(),
                "--yes",
                "--sample-window",
                "300ms",
                "--db-url",
                postgres.jdbcUrl(),
                "--report",
                file.toString());

    assertThat(r.exitCode()).as(r.err()).isZero();
    JsonNode db = new ObjectMapper().readTree(Files.readString(file)).get("database");
    assertThat(db.get("error").asText()).contains("password authentication failed");
    assertThat(db.get("baseline").get("errors").asInt()).isPositive();
    assertThat(logs.warnings()).anyMatch(w -> w.contains("Database probe failed"));
    assertThat(Files.readString(file) + r.out() + r.err() + logs.lines()).doesNotContain(wrong);
  }
}
