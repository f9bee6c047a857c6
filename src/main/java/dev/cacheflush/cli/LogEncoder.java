package dev.cacheflush.cli;

import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import java.nio.charset.StandardCharsets;

/**
 * The encoder of the log lines on stderr (named in logback.xml): a line that comes while the
 * progress line is showing first blanks it, or the two would run together on one screen line
 * ({@code … 1s left07:02:45.260 INFO Verification…}). The progress line is drawn again on its
 * next update, below the log line.
 */
public final class LogEncoder extends PatternLayoutEncoder {
  @Override
  public byte[] encode(ILoggingEvent event) {
    byte[] line = super.encode(event);
    String clear = Logging.clearProgress();
    if (clear.isEmpty()) {
      return line;
    }
    byte[] prefix = clear.getBytes(StandardCharsets.UTF_8);
    byte[] both = new byte[prefix.length + line.length];
    System.arraycopy(prefix, 0, both, 0, prefix.length);
    System.arraycopy(line, 0, both, prefix.length, line.length);
    return both;
  }
}
