package dev.cacheflush.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import dev.cacheflush.flush.Tally;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ProgressLineTest {
  final StringWriter screen = new StringWriter();
  final AtomicLong now = new AtomicLong(1_000_000_000L);
  final Tally tally = new Tally(1);

  ProgressLine line(boolean dryRun) {
    return new ProgressLine(new PrintWriter(screen, true), dryRun, now::get);
  }

  void scan(ProgressLine progress, int keys, int matched, long afterMillis) {
    Tally.Page page = tally.page();
    for (int i = 0; i < matched; i++) {
      page.matched(0, "mocs:1".getBytes(StandardCharsets.UTF_8));
    }
    for (int i = matched; i < keys; i++) {
      page.untouched();
    }
    page.commit();
    tally.addDeleted(0, matched);
    now.addAndGet(afterMillis * 1_000_000L);
    progress.update(tally, 2_000_000);
  }

  @Test
  void theRateAndTimeLeftShouldCountFromTheFirstPageNotFromStartUp() {
    ProgressLine progress = line(false);
    // Ten seconds pass before the first page: connecting, and a person reading the prompt.
    now.addAndGet(10_000_000_000L);
    scan(progress, 1_000, 500, 0);
    scan(progress, 499_000, 249_500, 1_000);

    assertThat(screen.toString())
        .isEqualTo("\r 25% 500,000/2,000,000 keys, deleted 250,000, 499,000 keys/s, 4s left");
  }

  @Test
  void theLineShouldBeRedrawnAtMostFiveTimesASecondAndEndOnTheFinalCounts() {
    ProgressLine progress = line(true);
    scan(progress, 1_000, 10, 0);
    for (int i = 0; i < 10; i++) {
      scan(progress, 1_000, 10, 50);
    }
    // Ten pages in half a second: drawn at 50, 250 and 450 ms.
    assertThat(screen.toString().chars().filter(c -> c == '\r').count()).isEqualTo(3);
    scan(progress, 1_989_000, 19_890, 3_000);
    progress.done();

    String drawn = screen.toString();
    assertThat(drawn.chars().filter(c -> c == '\r').count()).isEqualTo(5);
    assertThat(drawn)
        .endsWith(
            "\r100% 2,000,000/2,000,000 keys, matched 20,000, 571,143 keys/s"
                + System.lineSeparator());
  }

  @Test
  void aShorterLineShouldBlankWhatIsLeftOfTheLongerOneBefore() {
    ProgressLine progress = line(false);
    scan(progress, 1_000, 0, 0);
    scan(progress, 1_000, 0, 1);
    scan(progress, 1_998_000, 0, 60_000);
    progress.done();

    String[] frames = screen.toString().strip().split("\r");
    String longer = frames[frames.length - 2];
    String last = frames[frames.length - 1];
    assertThat(last.length()).isEqualTo(longer.length());
    assertThat(last.strip()).isEqualTo("100% 2,000,000/2,000,000 keys, deleted 0, 33,316 keys/s");
  }

  @Test
  void theLineShouldFitEightyColumnsForTensOfMillionsOfKeys() {
    ProgressLine progress = line(false);
    progress.update(tally, 0);
    now.addAndGet(1_000_000_000L);

    assertThat(progress.render(12_345_678, 98_765_432, 12_345_678, now.get()))
        .isEqualTo(
            " 12% 12,345,678/98,765,432 keys, deleted 12,345,678, 12,345,678 keys/s, 8s left")
        .hasSizeLessThan(80);
  }

  @Test
  void timeLeftShouldBeWrittenInTheLargestUnitsThatMatter() {
    assertThat(ProgressLine.duration(0.2)).isEqualTo("1s");
    assertThat(ProgressLine.duration(59)).isEqualTo("59s");
    assertThat(ProgressLine.duration(61)).isEqualTo("1m01s");
    assertThat(ProgressLine.duration(3_725)).isEqualTo("1h02m");
  }

  @Test
  void aLogLineShouldBlankTheProgressLineAndTheLineComeBackBelowIt() {
    ProgressLine progress = line(false);
    scan(progress, 1_000, 500, 0);
    scan(progress, 1_000, 500, 300);
    String drawn = screen.toString();
    assertThat(drawn).startsWith("\r").doesNotContain("\n");
    LoggerContext logback = new LoggerContext();
    LogEncoder encoder = new LogEncoder();
    encoder.setContext(logback);
    encoder.setPattern("%level %msg%n");
    encoder.start();
    LoggingEvent event =
        new LoggingEvent(
            "test",
            logback.getLogger("dev.cacheflush.test"),
            Level.INFO,
            "Verification: 3 keys match a flush pattern again",
            null,
            null);

    String logged = new String(encoder.encode(event), StandardCharsets.UTF_8);
    assertThat(logged)
        .isEqualTo(
            "\r"
                + " ".repeat(drawn.length() - 1)
                + "\rINFO Verification: 3 keys match a flush "
                + "pattern again"
                + System.lineSeparator());

    screen.getBuffer().setLength(0);
    scan(progress, 1_000, 500, 10);
    assertThat(screen.toString())
        .as("drawn again at once, on the line below the log line")
        .isEqualTo("\r  0% 3,000/2,000,000 keys, deleted 1,500, 6,452 keys/s, 5m10s left");
    progress.done();
    assertThat(new String(encoder.encode(event), StandardCharsets.UTF_8))
        .as("once the progress line has ended")
        .startsWith("INFO ");
  }
}
