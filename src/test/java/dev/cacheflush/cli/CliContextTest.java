package dev.cacheflush.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cacheflush.cli.CliContext.AskOn;
import org.junit.jupiter.api.Test;

/** Where the confirmation is asked, from which of stdin, stdout and stderr are a terminal. */
class CliContextTest {
  @Test
  void withStdoutInAFileTheQuestionShouldGoToStderr() {
    // cacheflush flush --format json > report.json, at a terminal
    assertThat(CliContext.askOn(true, false, true)).isEqualTo(AskOn.STDERR);
  }

  @Test
  void withEverythingOnTheTerminalTheConsoleShouldAsk() {
    assertThat(CliContext.askOn(true, true, true)).isEqualTo(AskOn.CONSOLE);
    assertThat(CliContext.askOn(true, true, false)).isEqualTo(AskOn.CONSOLE);
  }

  @Test
  void withoutATerminalOnStdinNoOneShouldBeAsked() {
    // A pipe or a file would answer, not a person.
    assertThat(CliContext.askOn(false, true, true)).isEqualTo(AskOn.NOWHERE);
    assertThat(CliContext.askOn(false, false, false)).isEqualTo(AskOn.NOWHERE);
  }

  @Test
  void withNothingOnTheTerminalButStdinNoOneShouldBeAsked() {
    assertThat(CliContext.askOn(true, false, false)).isEqualTo(AskOn.NOWHERE);
  }
}
