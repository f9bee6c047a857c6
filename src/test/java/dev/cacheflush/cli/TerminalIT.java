package dev.cacheflush.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cacheflush.support.CliRun;
import dev.cacheflush.support.JarRun;
import dev.cacheflush.support.Keyspace;
import dev.cacheflush.support.LogCapture;
import dev.cacheflush.support.RedisServer;
import dev.cacheflush.support.RedisServers;
import io.lettuce.core.KillArgs;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a person sees: the packaged tool on a real terminal ({@code script} from util-linux runs it
 * on a pseudo-terminal, as a shell would, and hands back what the screen got), and in-process runs
 * for the switches. What is drawn and painted must depend on whether the output is a terminal, on
 * NO_COLOR and TERM, and on --quiet and --verbose.
 */
class TerminalIT {
  static final String ESC = "\u001b[";
  static final String PASSWORD = "terminal-secret-" + System.nanoTime();

  static RedisServer redis;
  static String url;

  @TempDir Path dir;

  @BeforeAll
  static void start() {
    redis = RedisServers.standalone("--requirepass", PASSWORD);
    url = "redis://:" + PASSWORD + "@127.0.0.1:" + redis.port();
    try (Keyspace keyspace = new Keyspace(url)) {
      keyspace.write(Keyspace.families(Map.of("mocs", 2_000, "gallery", 1_000, "sessions", 1_000)));
    }
  }

  @AfterAll
  static void stop() {
    redis.close();
  }

  @Test
  void atATerminalThePlanShouldDrawItsProgressAndPaintItsSummary() throws Exception {
    String screen = onTerminal(Map.of(), "plan", "--redis-url", url);

    assertThat(screen).contains("\r100% 4,000/4,000 keys, matched 3,000");
    assertThat(screen)
        .contains(ESC + "1m" + ESC + "33mDRY RUN")
        .contains(ESC + "32mcompleted (exit 0)");
    assertThat(screen)
        .contains(" INFO  Connected to redis://:****@127.0.0.1:")
        .doesNotContain(PASSWORD);
  }

  /**
   * A log line that comes while the progress line is drawn (the warning of a reconnect: the test
   * drops the flush's connection once a third of the keys are gone) starts on a line of its own,
   * and the progress line comes back below it.
   */
  @Test
  void aLogLineShouldNeverRunOnFromTheProgressLine() throws Exception {
    try (RedisServer own = RedisServers.standalone();
        Keyspace keyspace = new Keyspace(own.url())) {
      keyspace.write(Keyspace.families(Map.of("mocs", 3_000)));
      AtomicBoolean flushing = new AtomicBoolean(true);
      Thread dropper =
          new Thread(
              () -> {
                while (flushing.get()) {
                  if (keyspace.dbSize() <= 2_000) {
                    keyspace.connection().sync().clientKill(KillArgs.Builder.typeNormal().skipme());
                    return;
                  }
                  LockSupport.parkNanos(20_000_000L);
                }
              });
      dropper.start();
      String screen;
      try {
        // Paced so that the scan takes seconds and the progress line is drawn while it runs.
        screen =
            onTerminal(
                Map.of(),
                "flush",
                "--yes",
                "--redis-url",
                own.url(),
                "--sample-window",
                "0",
                "--max-rate",
                "1500",
                "--no-lock");
      } finally {
        flushing.set(false);
        dropper.join();
      }

      assertThat(screen).containsPattern("\\r +\\r\\d\\d:\\d\\d:\\d\\d\\.\\d{3} WARN  ");
      assertThat(screen)
          .doesNotContainPattern("keys/s(, \\S+ left)?\\d\\d:\\d\\d:")
          .containsPattern("\\r100% [\\d,]+/3,000 keys, deleted");
    }
  }

  // The rest runs in-process, as if at a terminal (CliRun's terminal puts stdout and stderr on a
  // screen): a JVM start costs seconds on a busy machine, and the real terminal is covered above.

  @Test
  void noColorShouldLeaveThePaintOffButNotTheProgress() {
    CliRun.Result r =
        new CliRun().withTerminal().env("NO_COLOR", "1").run("plan", "--redis-url", url);

    assertThat(r.out() + r.err()).doesNotContain(ESC);
    assertThat(r.err()).contains("\r100% 4,000/4,000 keys");
    assertThat(
            new CliRun().withTerminal().env("NO_COLOR", "").run("plan", "--redis-url", url).out())
        .as("an empty NO_COLOR does not count (no-color.org)")
        .contains(ESC);
  }

  @Test
  void aDumbTerminalShouldGetNeitherPaintNorALineRedrawnInPlace() {
    CliRun.Result r =
        new CliRun().withTerminal().env("TERM", "dumb").run("plan", "--redis-url", url);

    assertThat(r.out() + r.err()).doesNotContain(ESC).doesNotContain("\r");
    assertThat(r.out()).contains("DRY RUN");
  }

  @Test
  void quietShouldLeaveTheSummaryAndNothingElse() {
    try (LogCapture logs = new LogCapture()) {
      CliRun.Result r =
          new CliRun()
              .withTerminal()
              .run(
                  "plan",
                  "--redis-url",
                  url,
                  "--quiet",
                  "--report",
                  dir.resolve("plan.json").toString(),
                  "--html",
                  dir.resolve("plan.html").toString());

      assertThat(r.err()).isEmpty();
      assertThat(logs.lines()).isEmpty();
      assertThat(r.out()).containsPattern("total +3,000");
    }
  }

  @Test
  void verboseShouldShowTheSettingsInForceWithThePasswordMasked() {
    try (LogCapture logs = new LogCapture()) {
      CliRun.Result r = new CliRun().run("plan", "--redis-url", url, "--verbose");

      assertThat(r.exitCode()).isZero();
      assertThat(logs.lines())
          .anySatisfy(
              l ->
                  assertThat(l)
                      .startsWith("DEBUG Settings in force: dry run on redis://:****@127.0.0.1:")
                      .contains(
                          "flush [mocs:*, gallery:*, wishlist:*, albums:*], preserve [sessions:*, ratelimit:*, "
                              + "user-profiles:*]"));
      assertThat(logs.lines()).noneMatch(l -> l.contains(PASSWORD));
    }
  }

  @Test
  void withStdoutInAFileTheProgressShouldStillBeOnTheTerminalAndTheFileStayPlain()
      throws Exception {
    Path json = dir.resolve("plan.json");

    String screen =
        onTerminal(Map.of(), "plan", "--redis-url", url, "--format", "json", ">", json.toString());

    assertThat(screen).contains("\r100% 4,000/4,000 keys");
    String report = Files.readString(json);
    assertThat(report).doesNotContain(ESC).doesNotContain("\r");
    assertThat(new ObjectMapper().readTree(report).get("keysMatched").asLong()).isEqualTo(3_000);
  }

  @Test
  void withStdoutInAFileAFlushShouldStillAskOnTheTerminal() throws Exception {
    // A server of its own: the flush deletes, and the other tests count the shared one's keys.
    try (RedisServer own = RedisServers.standalone();
        Keyspace keyspace = new Keyspace(own.url())) {
      keyspace.write(Keyspace.families(Map.of("mocs", 100, "sessions", 10)));
      Path json = dir.resolve("flush.json");

      String screen =
          onTerminalTyping(
              "Type 'yes' to flush: ",
              "yes",
              "flush",
              "--sample-window",
              "0",
              "--redis-url",
              own.url(),
              "--format",
              "json",
              ">",
              json.toString());

      assertThat(screen).contains("Type 'yes' to flush: ").doesNotContain("no terminal to ask on");
      JsonNode report = new ObjectMapper().readTree(Files.readString(json));
      assertThat(report.get("outcome").asText()).isEqualTo("completed");
      assertThat(report.get("keysDeleted").asLong()).isEqualTo(100);
      assertThat(keyspace.dbSize()).isEqualTo(10);
    }
  }

  @Test
  void passwordPromptShouldBeShortOnTheTerminalAndNeverEchoEvenWithStdoutInAFile()
      throws Exception {
    Path json = dir.resolve("plan.json");
    String bare = "redis://127.0.0.1:" + redis.port();

    String screen =
        onTerminalTyping(
            "Redis password: ",
            PASSWORD,
            "plan",
            "--redis-url",
            bare,
            "--redis-password",
            "--format",
            "json",
            ">",
            json.toString());

    assertThat(screen)
        .startsWith("Redis password: ")
        .doesNotContain(PASSWORD)
        .doesNotContain("Prefer");
    assertThat(new ObjectMapper().readTree(Files.readString(json)).get("keysMatched").asLong())
        .isEqualTo(3_000);

    // With stdout on the terminal too, Java's console asks.
    String onConsole =
        onTerminalTyping(
            "Redis password: ", PASSWORD, "plan", "--redis-url", bare, "--redis-password");
    assertThat(onConsole)
        .startsWith("Redis password: ")
        .doesNotContain(PASSWORD)
        .contains("DRY RUN");
  }

  @Test
  void passwordPromptWithoutATerminalShouldStopAndPointToTheEnvironment() throws Exception {
    long connections = connectionsReceived();
    JarRun run =
        JarRun.start(
            dir, "plan", "--redis-url", "redis://127.0.0.1:" + redis.port(), "--redis-password");

    assertThat(run.waitFor(60)).isEqualTo(2);
    assertThat(run.err().lines())
        .singleElement()
        .asString()
        .isEqualTo(
            "cacheflush: --redis-password without a value asks on the terminal, and there is none: set "
                + "REDIS_PASSWORD instead");
    assertThat(run.out()).isEmpty();
    assertThat(connectionsReceived()).as("not connected").isEqualTo(connections + 1);
  }

  /** Connections the server accepted, this question's own included. */
  private static long connectionsReceived() {
    try (Keyspace keyspace = new Keyspace(url)) {
      String stats = keyspace.connection().sync().info("stats");
      return Long.parseLong(stats.replaceAll("(?s).*total_connections_received:(\\d+).*", "$1"));
    }
  }

  @Test
  void withoutATerminalNothingShouldBeRedrawnOrPainted() throws Exception {
    JarRun run = JarRun.start(dir, "plan", "--redis-url", url);

    assertThat(run.waitFor(60)).isZero();
    assertThat(run.out() + run.err()).doesNotContain(ESC).doesNotContain("\r").contains("DRY RUN");
  }

  /**
   * Runs the jar on a pseudo-terminal; stdin, stdout and stderr are all the terminal, unless an
   * argument {@code >} sends stdout to the file after it. Returns the screen: stdout and stderr
   * as they were interleaved.
   */
  String onTerminal(Map<String, String> env, String... args) throws Exception {
    return typing(env, null, null, args);
  }

  /** As {@link #onTerminal(Map, String...)}, typing {@code answer} once {@code prompt} is on the screen. */
  String onTerminalTyping(String prompt, String answer, String... args) throws Exception {
    return typing(Map.of(), prompt, answer, args);
  }

  private String typing(Map<String, String> env, String prompt, String answer, String... args)
      throws Exception {
    Path jar = Path.of("target/cacheflush.jar").toAbsolutePath();
    // The launcher's start-up flags (bin/cacheflush): a JVM start is most of each run's time.
    List<String> words =
        new ArrayList<>(
            List.of("java", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-jar", jar.toString()));
    words.addAll(List.of(args));
    String command =
        words.stream()
            .map(w -> w.equals(">") ? w : "'" + w.replace("'", "'\\''") + "'")
            .collect(Collectors.joining(" "));
    Path screen = dir.resolve("screen-" + System.nanoTime() + ".txt");
    ProcessBuilder pb =
        new ProcessBuilder("script", "-qec", command, "/dev/null")
            .redirectOutput(screen.toFile())
            .redirectErrorStream(true)
            .redirectInput(
                prompt == null
                    ? ProcessBuilder.Redirect.from(new File("/dev/null"))
                    : ProcessBuilder.Redirect.PIPE);
    pb.environment().remove("NO_COLOR");
    pb.environment().put("TERM", "xterm-256color");
    pb.environment().putAll(env);
    Process p = pb.start();
    if (prompt != null) {
      // Typed only once asked: a terminal echoes what arrives before its echo is turned off.
      await().atMost(Duration.ofSeconds(60)).until(() -> Files.readString(screen).contains(prompt));
      p.getOutputStream().write((answer + "\n").getBytes(StandardCharsets.UTF_8));
      p.getOutputStream().flush();
    }
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError(
          "cacheflush on a terminal did not end within 60 s: " + Files.readString(screen));
    }
    String output = Files.readString(screen);
    assertThat(p.exitValue()).as(output).isZero();
    return output;
  }
}
