package dev.cacheflush.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cacheflush.support.CliRun;
import dev.cacheflush.support.FreePorts;
import dev.cacheflush.support.LogCapture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What a shell user expects of any command line: usage errors are 2, --version and --help work everywhere. */
class CliConventionsTest {
  static final List<String> COMMANDS =
      List.of("plan", "flush", "watch", "gate", "dashboard", "acl", "audit-check");

  @Test
  void noCommandShouldBeAUsageError() {
    CliRun.Result r = new CliRun().run();

    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.errorLines())
        .singleElement()
        .asString()
        .startsWith("cacheflush: name a command: plan, flush");
  }

  @Test
  void everyCommandShouldPrintTheVersion() {
    for (String command : COMMANDS) {
      CliRun.Result r = new CliRun().run(command, "--version");

      assertThat(r.exitCode()).as(command).isZero();
      assertThat(r.out()).as(command + " --version").startsWith("cacheflush ");
    }
  }

  @Test
  void theTopLevelHelpShouldListWholeSentencesAndEveryExitCode() {
    String help = new CliRun().run("--help").out();

    List<String> entries = new ArrayList<>();
    boolean inCommands = false;
    for (String line : help.lines().toList()) {
      if (line.equals("Commands:")) {
        inCommands = true;
      } else if (inCommands && line.isBlank()) {
        break;
      } else if (inCommands && line.startsWith("  ") && !line.startsWith("   ")) {
        entries.add(line.strip());
      } else if (inCommands) {
        entries.set(entries.size() - 1, entries.get(entries.size() - 1) + " " + line.strip());
      }
    }
    assertThat(entries)
        .hasSize(COMMANDS.size())
        .allSatisfy(e -> assertThat(e).as("a command's summary").endsWith("."));
    assertThat(help)
        .containsPattern("(?m)^  130 +stopped by Ctrl-C or SIGTERM")
        .containsPattern("(?m)^  5 +another flush holds the lock");
  }

  @Test
  void everyCommandsHelpShouldListItsExitCodes() {
    for (String command : COMMANDS) {
      String help = new CliRun().run(command, "--help").out();

      assertThat(help)
          .as(command + " --help")
          .contains("\nExit codes:\n")
          .containsPattern("(?m)^  0 +\\S")
          .containsPattern("(?m)^  2 +usage");
    }
    assertThat(new CliRun().run("flush", "--help").out())
        .containsPattern("(?m)^  5 +another flush holds the lock")
        .containsPattern("(?m)^  130 +stopped");
    assertThat(new CliRun().run("gate", "--help").out())
        .containsPattern("(?m)^  3 +a check failed");
  }

  @Test
  void verboseAndQuietTogetherShouldBeAUsageError() {
    for (String command : List.of("plan", "flush", "watch")) {
      CliRun.Result r =
          new CliRun().run(command, "--verbose", "--quiet", "--redis-url", "redis://127.0.0.1:1");

      assertThat(r.exitCode()).as(command).isEqualTo(2);
      assertThat(r.errorLines())
          .singleElement()
          .asString()
          .startsWith("cacheflush: --verbose and --quiet contradict each other: choose one");
    }
  }

  /** --retries N is N + 1 attempts: the log counts them so, and the README must say the same. */
  @Test
  void retriesShouldBeCountedAsTheReadmeSays() throws Exception {
    try (LogCapture logs = new LogCapture()) {
      CliRun.Result r =
          new CliRun()
              .run(
                  "plan",
                  "--redis-url",
                  "redis://127.0.0.1:" + FreePorts.next(),
                  "--retries",
                  "1",
                  "--connect-timeout",
                  "1s");

      assertThat(r.exitCode()).isEqualTo(1);
      assertThat(logs.warnings()).singleElement().asString().contains("(attempt 1 of 2)");
      assertThat(r.errorLines()).singleElement().asString().contains(" after 2 attempts");
    }
    String row =
        Files.readAllLines(Path.of("README.md")).stream()
            .filter(l -> l.startsWith("| `--retries N`"))
            .findFirst()
            .orElseThrow();
    assertThat(row)
        .contains("N + 1 attempts in all")
        .contains("`attempt 1 of 4`")
        .doesNotContain("After N failures");
  }
}
