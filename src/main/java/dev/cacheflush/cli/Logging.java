package dev.cacheflush.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.LoggerFactory;

/** Sets how much the tool logs on stderr; the libraries stay at WARN so secrets never reach a debug line. */
final class Logging {
  /** The progress line on stderr while it is drawn and not yet ended; logging is process-wide, so is this. */
  private static final AtomicReference<ProgressLine> progress = new AtomicReference<>();

  private Logging() {}

  static void configure(boolean verbose, boolean quiet) {
    Level level = verbose ? Level.DEBUG : quiet ? Level.WARN : Level.INFO;
    ((Logger) LoggerFactory.getLogger("dev.cacheflush")).setLevel(level);
  }

  static void progressShowing(ProgressLine line) {
    progress.set(line);
  }

  static void progressEnded(ProgressLine line) {
    progress.compareAndSet(line, null);
  }

  /** What blanks the progress line so that a log line starts on a clean line; empty when none is showing. */
  static String clearProgress() {
    ProgressLine line = progress.get();
    return line == null ? "" : line.clear();
  }
}
