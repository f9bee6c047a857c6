package dev.cacheflush.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import org.slf4j.LoggerFactory;

/** Sets how much the tool logs on stderr; the libraries stay at WARN so secrets never reach a debug line. */
final class Logging {
  private Logging() {}

  static void configure(boolean verbose, boolean quiet) {
    Level level = verbose ? Level.DEBUG : quiet ? Level.WARN : Level.INFO;
    ((Logger) LoggerFactory.getLogger("dev.cacheflush")).setLevel(level);
  }
}
