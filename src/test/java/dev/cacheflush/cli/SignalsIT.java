package dev.cacheflush.cli;

import static dev.cacheflush.support.Keyspace.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cacheflush.flush.StopSignal;
import dev.cacheflush.support.CliRun;
import dev.cacheflush.support.JarRun;
import dev.cacheflush.support.Keyspace;
import dev.cacheflush.support.RedisServer;
import dev.cacheflush.support.RedisServers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * Ctrl-C and SIGTERM in every long phase, not only while deleting: each phase ends with exit 130,
 * the report says {@code interrupted}, and no lock is left behind. Every wait here is minutes long,
 * so a run that ends at all ended on the stop; the stop is asked for at the moment the phase's own
 * log line is written (in-process), or once the process shows it is in the phase (a real signal).
 */
class SignalsIT {
  static final ObjectMapper JSON = new ObjectMapper();
  static final int MOCS = 2_000;
  static final int SESSIONS = 500;

  static RedisServer redis;

  @TempDir Path dir;
  Path report;

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
    report = dir.resolve("report.json");
    try (Keyspace keyspace = new Keyspace(redis.url())) {
      keyspace.connection().sync().flushall();
      keyspace.write(Keyspace.families(Map.of("mocs", MOCS, "sessions", SESSIONS)));
    }
  }

  /** Asks for a stop, as a signal would, in the thread that logs a line starting with the text given. */
  static final class StopWhenLogged extends AppenderBase<ILoggingEvent> implements AutoCloseable {
    private final Logger logger = (Logger) LoggerFactory.getLogger("dev.cacheflush");
    private final String prefix;
    private final StopSignal stop;

    StopWhenLogged(String prefix, StopSignal stop) {
      this.prefix = prefix;
      this.stop = stop;
      start();
      logger.addAppender(this);
    }

    @Override
    protected void append(ILoggingEvent event) {
      if (event.getFormattedMessage().startsWith(prefix)) {
        stop.request();
      }
    }

    @Override
    public void close() {
      logger.detachAppender(this);
      stop();
    }
  }

  /** The run, which must end: every phase stopped here would otherwise last ten minutes. */
  CliRun.Result stopWhenLogged(String line, String... args) throws Exception {
    StopSignal stop = new StopSignal();
    try (StopWhenLogged trigger = new StopWhenLogged(line, stop)) {
      return CompletableFuture.supplyAsync(() -> new CliRun().withStopSignal(stop).run(args))
          .get(120, TimeUnit.SECONDS);
    }
  }

  JsonNode report() throws Exception {
    return JSON.readTree(Files.readString(report));
  }

  static long keys() {
    try (Keyspace keyspace = new Keyspace(redis.url())) {
      return keyspace.dbSize();
    }
  }

  static boolean lockHeld() {
    try (Keyspace keyspace = new Keyspace(redis.url())) {
      return keyspace.exists(bytes("cacheflush:lock"));
    }
  }

  @Test
  void aStopDuringTheBaselineWindowShouldEndWith130AndDeleteNothing() throws Exception {
    CliRun.Result r =
        stopWhenLogged(
            "Measuring the hit rate for 10m before the flush",
            "flush",
            "--yes",
            "--sample-window",
            "10m",
            "--redis-url",
            redis.url(),
            "--report",
            report.toString());

    assertThat(r.exitCode()).as(r.err()).isEqualTo(130);
    assertThat(report().get("outcome").asText()).isEqualTo("interrupted");
    assertThat(report().get("keysDeleted").asLong()).isZero();
    assertThat(r.errorLines())
        .containsExactly("cacheflush: stopped on request before the flush; nothing was deleted");
    assertThat(keys()).isEqualTo(MOCS + SESSIONS);
    assertThat(lockHeld()).isFalse();
  }

  @Test
  void aStopDuringTheWindowAfterTheFlushShouldEndWith130AndReportTheDeletion() throws Exception {
    CliRun.Result r =
        stopWhenLogged(
            "Measuring the hit rate for 200ms after the flush",
            "flush",
            "--yes",
            "--sample-window",
            "200ms",
            "--watch",
            "10m",
            "--redis-url",
            redis.url(),
            "--report",
            report.toString());

    assertThat(r.exitCode()).as(r.err()).isEqualTo(130);
    JsonNode json = report();
    assertThat(json.get("outcome").asText()).isEqualTo("interrupted");
    assertThat(json.get("keysDeleted").asLong()).isEqualTo(MOCS);
    assertThat(json.get("watch").isNull()).as("no watch after a stop").isTrue();
    assertThat(lockHeld()).isFalse();
  }

  @Test
  void aStopDuringTheWatchAfterAFlushShouldEndWith130() throws Exception {
    CliRun.Result r =
        stopWhenLogged(
            "Watching the hit rate for 10m",
            "flush",
            "--yes",
            "--sample-window",
            "0",
            "--watch",
            "10m",
            "--until-hit-rate",
            "0.99",
            "--redis-url",
            redis.url(),
            "--report",
            report.toString());

    assertThat(r.exitCode()).as(r.err()).isEqualTo(130);
    JsonNode json = report();
    assertThat(json.get("outcome").asText()).isEqualTo("interrupted");
    assertThat(json.get("message").asText())
        .isEqualTo("stopped on request during the watch; the flush had completed");
    assertThat(json.get("watch").get("outcome").asText()).isEqualTo("interrupted");
    assertThat(json.get("keysDeleted").asLong()).isEqualTo(MOCS);
    assertThat(lockHeld()).isFalse();
  }

  @Test
  void aStopAtThePromptShouldEndWith130NotAsADeclinedFlush() throws Exception {
    StopSignal stop = new StopSignal();
    CompletableFuture<String> neverAnswered = new CompletableFuture<>();
    try {
      CliRun.Result r =
          CompletableFuture.supplyAsync(
                  () ->
                      new CliRun()
                          .withStopSignal(stop)
                          .withTerminal(
                              prompt -> {
                                stop.request();
                                return neverAnswered.join();
                              })
                          .run(
                              "flush",
                              "--sample-window",
                              "0",
                              "--redis-url",
                              redis.url(),
                              "--report",
                              report.toString()))
              .get(120, TimeUnit.SECONDS);

      assertThat(r.exitCode()).as(r.err()).isEqualTo(130);
      assertThat(report().get("outcome").asText()).isEqualTo("interrupted");
      assertThat(keys()).isEqualTo(MOCS + SESSIONS);
    } finally {
      neverAnswered.complete("");
    }
  }

  @Test
  void watchForAndUntilShouldEndWith130OnAStopAndWriteTheirReport() throws Exception {
    for (String[] condition :
        new String[][] {{"--for", "10m"}, {"--until-hit-rate", "0.99", "--within", "10m"}}) {
      StopSignal stop = new StopSignal();
      // Asked for before the first interval ends: the watch's first wait ends on it.
      CompletableFuture<CliRun.Result> run =
          CompletableFuture.supplyAsync(
              () ->
                  new CliRun()
                      .withStopSignal(stop)
                      .run(
                          concat(
                              new String[] {
                                "watch",
                                "--interval",
                                "1s",
                                "--redis-url",
                                redis.url(),
                                "--report",
                                report.toString()
                              },
                              condition)));
      stop.request();

      CliRun.Result r = run.get(120, TimeUnit.SECONDS);
      assertThat(r.exitCode()).as(r.err()).isEqualTo(130);
      assertThat(report().get("outcome").asText()).isEqualTo("interrupted");
      assertThat(report().get("watch").get("outcome").asText()).isEqualTo("interrupted");
    }
  }

  @Test
  void sigtermDuringTheBaselineWindowShouldEndTheProcessWith130() throws Exception {
    JarRun run =
        JarRun.start(
            dir,
            "flush",
            "--yes",
            "--sample-window",
            "10m",
            "--redis-url",
            redis.url(),
            "--report",
            report.toString());
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> run.err().contains("Measuring the hit rate for 10m"));
    run.signal("TERM");

    assertThat(run.waitFor(60)).as(run.err()).isEqualTo(130);
    assertThat(report().get("outcome").asText()).isEqualTo("interrupted");
    assertThat(keys()).isEqualTo(MOCS + SESSIONS);
    assertThat(lockHeld()).isFalse();
  }

  @Test
  void sigtermDuringTheWatchShouldEndTheProcessWith130() throws Exception {
    JarRun run =
        JarRun.start(
            dir,
            "watch",
            "--for",
            "10m",
            "--interval",
            "1s",
            "--redis-url",
            redis.url(),
            "--report",
            report.toString());
    // The first interval's line: the process is in the watch's loop.
    await().atMost(Duration.ofSeconds(60)).until(() -> run.out().lines().count() >= 2);
    run.signal("TERM");

    assertThat(run.waitFor(60)).as(run.err()).isEqualTo(130);
    JsonNode json = report();
    assertThat(json.get("outcome").asText()).isEqualTo("interrupted");
    assertThat(json.get("watch").get("intervals").size()).isPositive();
    assertThat(run.err()).contains("cacheflush: stopped on request");
    assertThat(run.out().replaceAll("\\s+", " ")).contains("stopped on request after");
  }

  static String[] concat(String[] a, String[] b) {
    String[] all = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, all, a.length, b.length);
    return all;
  }
}
