package dev.cacheflush.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cacheflush.support.CliRun;
import dev.cacheflush.support.Keyspace;
import dev.cacheflush.support.RedisServer;
import dev.cacheflush.support.RedisServers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every kind of bad input ends in one clear line on stderr, the documented exit code, no stack
 * trace, and a keyspace left exactly as it was.
 */
class BadInputIT {
  static RedisServer server;
  static RedisServer passwordServer;
  static Keyspace keyspace;
  static final int KEYS = 3_000;

  @TempDir Path dir;

  @BeforeAll
  static void start() {
    server = RedisServers.standalone();
    passwordServer = RedisServers.standalone("--requirepass", "s3cret-pw");
    keyspace = new Keyspace(server.url());
    keyspace.write(Keyspace.families(Map.of("mocs", 1_000, "sessions", 1_000, "gallery", 1_000)));
  }

  @AfterAll
  static void stop() {
    keyspace.close();
    server.close();
    passwordServer.close();
  }

  @AfterEach
  void nothingWasDeleted() {
    assertThat(keyspace.dbSize()).isEqualTo(KEYS);
  }

  @Test
  void unknownOptionShouldSuggestTheRightOne() {
    CliRun.Result r =
        new CliRun().run("flush", "--redis-url", server.url(), "--flsh", "mocs:*", "--yes");
    assertOneLine(r, 2, "Unknown option", "'--flsh'", "did you mean --flush");
  }

  @Test
  void malformedRedisUrlShouldSayWhatIsWrong() {
    assertOneLine(
        new CliRun().run("flush", "--yes", "--redis-url", "redis//localhost"),
        2,
        "Invalid Redis URL 'redis//localhost'",
        "no scheme");
    assertOneLine(
        new CliRun().run("flush", "--yes", "--redis-url", "redis://localhost:99999"),
        2,
        "port 99999 is outside 1-65535");
    assertOneLine(
        new CliRun().run("flush", "--yes", "--redis-url", "http://localhost"),
        2,
        "'http' is not one of redis://, rediss://");
  }

  @Test
  void missingRedisUrlShouldNameWhereToGiveIt() {
    assertOneLine(
        new CliRun().in(dir).run("plan"), 2, "No Redis URL given", "--redis-url", "REDIS_URL");
  }

  @Test
  void missingConfigFileShouldNameThePath() {
    assertOneLine(
        new CliRun()
            .run(
                "plan",
                "--redis-url",
                server.url(),
                "--config",
                dir.resolve("nope.yml").toString()),
        2,
        "nope.yml does not exist");
  }

  @Test
  void malformedConfigFileShouldSayWhere() throws Exception {
    Files.writeString(dir.resolve("cacheflush.yml"), "flush:\n  - 'mocs:*'\n flsh: [\n");
    assertOneLine(
        new CliRun().in(dir).run("plan", "--redis-url", server.url()), 2, "cacheflush.yml line ");

    Files.writeString(dir.resolve("cacheflush.yml"), "flush:\n  - 'mocs:*'\nflsh:\n  - 'x'\n");
    assertOneLine(
        new CliRun().in(dir).run("plan", "--redis-url", server.url()),
        2,
        "cacheflush.yml line 3",
        "unknown setting 'flsh'");

    Files.writeString(dir.resolve("cacheflush.yml"), "scanCount: lots\n");
    assertOneLine(
        new CliRun().in(dir).run("plan", "--redis-url", server.url()), 2, "cacheflush.yml line 1");
  }

  @Test
  void emptyPatternShouldBeRefused() {
    assertOneLine(
        new CliRun().run("flush", "--yes", "--redis-url", server.url(), "--flush", ""),
        2,
        "Empty flush pattern");
    assertOneLine(
        new CliRun()
            .env("PRESERVE_PATTERNS", "sessions:*,,ratelimit:*")
            .run("flush", "--yes", "--redis-url", server.url()),
        2,
        "PRESERVE_PATTERNS contains an empty pattern");
  }

  @Test
  void emptyFlushListShouldBeRefused() throws Exception {
    Files.writeString(dir.resolve("cacheflush.yml"), "flush: []\n");
    assertOneLine(
        new CliRun().in(dir).run("flush", "--yes", "--redis-url", server.url()),
        2,
        "flush pattern list is empty");
  }

  @Test
  void patternMatchingEveryKeyShouldNeedAllowBroad() {
    assertOneLine(
        new CliRun().run("flush", "--yes", "--redis-url", server.url(), "--flush", "*"),
        4,
        "Refusing flush pattern '*'",
        "--allow-broad");
    assertOneLine(
        new CliRun().env("FLUSH_PATTERNS", "**").run("plan", "--redis-url", server.url()),
        4,
        "Refusing flush pattern '**'");
  }

  @Test
  void flushWithoutTerminalOrYesShouldBeRefused() {
    assertOneLine(new CliRun().run("flush", "--redis-url", server.url()), 2, "pass --yes");
  }

  @Test
  void invalidDryRunValueShouldBeRefused() {
    assertOneLine(
        new CliRun().env("DRY_RUN", "maybe").run("flush", "--yes", "--redis-url", server.url()),
        2,
        "DRY_RUN='maybe' is not a boolean");
  }

  @Test
  void badNumbersAndDurationsShouldBeRefused() {
    assertOneLine(
        new CliRun().run("plan", "--redis-url", server.url(), "--scan-count", "0"),
        2,
        "scan count (--scan-count) must be a whole number of 1 or more");
    assertOneLine(
        new CliRun().run("plan", "--redis-url", server.url(), "--timeout", "soon"),
        2,
        "'soon' is not a duration");
  }

  @Test
  void pacingThatCannotWorkShouldBeRefused() {
    assertOneLine(
        new CliRun().run("flush", "--yes", "--redis-url", server.url(), "--db-max-latency", "20ms"),
        2,
        "--db-max-latency paces the flush on the database probe's latency: add --db-url");
    assertOneLine(
        new CliRun().run("flush", "--yes", "--redis-url", server.url(), "--spread", "2m"),
        2,
        "--spread 2m does not fit in the run's deadline (--timeout 1m)",
        "--timeout 3m");
    assertOneLine(
        new CliRun()
            .run("flush", "--yes", "--redis-url", server.url(), "--spread", "0", "--timeout", "5m"),
        2,
        "--spread) must be longer than zero");
  }

  @Test
  void sizesBeyondTheirMaximumShouldBeRefusedWithTheMaximumAndWhy() throws Exception {
    String url = server.url();
    assertOneLine(
        new CliRun().run("flush", "--yes", "--redis-url", url, "--batch-size", "10000000"),
        2,
        "batch size (--batch-size, batchSize) may be at most 10,000, got 10,000,000:",
        "every other client waits");
    assertOneLine(
        new CliRun().run("flush", "--yes", "--redis-url", url, "--batch-size", "2147483647"),
        2,
        "may be at most 10,000, got 2,147,483,647");
    assertOneLine(
        new CliRun().run("flush", "--yes", "--redis-url", url, "--scan-count", "10001"),
        2,
        "scan count (--scan-count, scanCount) may be at most 10,000, got 10,001:");
    assertOneLine(
        new CliRun().run("flush", "--yes", "--redis-url", url, "--max-in-flight", "65"),
        2,
        "in-flight bound (--max-in-flight, maxInFlight) may be at most 64, got 65:");
    assertOneLine(
        new CliRun().run("flush", "--yes", "--redis-url", url, "--max-rate", "10000001"),
        2,
        "rate cap (--max-rate, maxRate) may be at most 10,000,000, got 10,000,001:",
        "give 0");
    assertOneLine(
        new CliRun().run("watch", "--redis-url", url, "--for", "2h", "--interval", "100ms"),
        2,
        "--for 2h at --interval 100ms is 72,000 intervals; a watch may have at most 10,000");

    Files.writeString(dir.resolve("cacheflush.yml"), "batchSize: 1000000\n");
    assertOneLine(
        new CliRun().in(dir).run("flush", "--yes", "--redis-url", url),
        2,
        "batch size (--batch-size, batchSize) may be at most 10,000, got 1,000,000");
    Files.writeString(dir.resolve("cacheflush.yml"), "maxInFlight: 1000\nscanCount: 10000\n");
    assertOneLine(
        new CliRun().in(dir).run("plan", "--redis-url", url),
        2,
        "in-flight bound (--max-in-flight, maxInFlight) may be at most 64, got 1,000");
  }

  @Test
  void refusedPasswordShouldSayCheckTheCredentialsAndNeverEchoIt() {
    String url = "redis://:wrong-pw@127.0.0.1:" + passwordServer.port();
    CliRun.Result r = new CliRun().run("flush", "--yes", "--redis-url", url);
    assertOneLine(r, 2, "refused the credentials", "redis://:****@127.0.0.1");
    assertThat(r.out() + r.err()).doesNotContain("wrong-pw");

    CliRun.Result none = new CliRun().run("plan", "--redis-url", passwordServer.url());
    assertOneLine(none, 2, "refused the credentials");
  }

  @Test
  void unwritableReportShouldBeRefusedBeforeFlushing() throws Exception {
    Path aDirectory = Files.createDirectory(dir.resolve("report.json"));
    assertOneLine(
        new CliRun()
            .run("flush", "--yes", "--redis-url", server.url(), "--report", aDirectory.toString()),
        2,
        "Cannot write the report");
  }

  private static void assertOneLine(CliRun.Result r, int exitCode, String... fragments) {
    assertThat(r.exitCode()).as(r.err()).isEqualTo(exitCode);
    assertThat(r.errorLines()).as(r.err()).hasSize(1);
    assertThat(r.errorLines().get(0)).contains(fragments);
    assertThat(r.err()).doesNotContain("Exception").doesNotContain("\tat ");
  }
}
