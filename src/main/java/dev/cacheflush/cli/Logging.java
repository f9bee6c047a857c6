package dev.cacheflush.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.Encoder;
import dev.cacheflush.config.ConfigException;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.LoggerFactory;

/** Sets how much the tool logs on stderr; the libraries stay at WARN so secrets never reach a debug line. */
final class Logging {
  /** The progress line on stderr while it is drawn and not yet ended; logging is process-wide, so is this. */
  private static final AtomicReference<ProgressLine> progress = new AtomicReference<>();

  /** The environment's switch for {@code --log-format}, for containers whose command line is fixed. */
  static final String FORMAT_ENV = "CACHEFLUSH_LOG_FORMAT";

  /** Log lines for people, or one JSON object a line (Logback's JsonEncoder) for CloudWatch Logs Insights. */
  enum Format {
    text,
    json
  }

  /** logback.xml's own encoder, kept while JSON lines are on, for an in-process run that asks for text again. */
  private static Encoder<ILoggingEvent> textEncoder;

  private Logging() {}

  static void configure(boolean verbose, boolean quiet, Format format) {
    Level level = verbose ? Level.DEBUG : quiet ? Level.WARN : Level.INFO;
    ((Logger) LoggerFactory.getLogger("dev.cacheflush")).setLevel(level);
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
    if (root.getAppender("STDERR") instanceof ConsoleAppender<ILoggingEvent> stderr
        && (format == Format.json) != (stderr.getEncoder() instanceof JsonEncoder)) {
      Encoder<ILoggingEvent> encoder = textEncoder;
      if (format == Format.json) {
        textEncoder = stderr.getEncoder();
        // The message as people read it, not its pattern and arguments apart; no logger context.
        JsonEncoder json = new JsonEncoder();
        json.setWithFormattedMessage(true);
        json.setWithMessage(false);
        json.setWithArguments(false);
        json.setWithContext(false);
        encoder = json;
        encoder.setContext(context);
        encoder.start();
      }
      stderr.stop();
      stderr.setEncoder(encoder);
      stderr.start();
    }
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

  /** The flag if given, else the environment's switch, else text. */
  static Format format(Format flag, Map<String, String> env) {
    if (flag != null) {
      return flag;
    }
    String value = env.getOrDefault(FORMAT_ENV, "text").strip().toLowerCase(Locale.ROOT);
    try {
      return Format.valueOf(value);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(
          FORMAT_ENV + "='" + value + "' is not a log format: use text or json");
    }
  }
}
