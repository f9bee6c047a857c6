package dev.cacheflush.cli;

import dev.cacheflush.config.ConfigException;
import java.io.BufferedReader;
import java.io.Console;
import java.io.File;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Asks for the Redis password on the terminal, never echoing it: {@code --redis-password} without
 * a value. The terminal is the process's own: Java's console when stdin and stdout are both the
 * terminal, else {@code /dev/tty} with echo turned off by {@code stty} (stdout may be a file, as in
 * {@code --format json > report.json}). Without a terminal on stdin there is no one to ask, and
 * the run stops before anything is done.
 */
final class PasswordPrompt {
  static final String PROMPT = "Redis password: ";

  private PasswordPrompt() {}

  static String ask() {
    char[] typed = read();
    if (typed == null) {
      throw new ConfigException(
          "--redis-password without a value asks on the terminal, and there is none: set "
              + "REDIS_PASSWORD instead");
    }
    if (typed.length == 0) {
      throw new ConfigException(
          "No password typed at the prompt of --redis-password: type it, or set REDIS_PASSWORD");
    }
    return new String(typed);
  }

  /** The line typed, or null when stdin is not a terminal. */
  private static char[] read() {
    Console console = System.console();
    if (console != null) {
      return console.readPassword("%s", PROMPT);
    }
    if (!CliContext.isTerminal(0, false)) {
      return null;
    }
    try {
      return readFromTty();
    } catch (IOException e) {
      return null;
    }
  }

  private static char[] readFromTty() throws IOException {
    File tty = new File("/dev/tty");
    try (OutputStream screen = new FileOutputStream(tty)) {
      // Echo off before the prompt shows: what is typed as soon as it does must not appear.
      stty(tty, "-echo");
      try (BufferedReader keyboard =
          new BufferedReader(
              new InputStreamReader(new FileInputStream(tty), StandardCharsets.UTF_8))) {
        screen.write(PROMPT.getBytes(StandardCharsets.UTF_8));
        screen.flush();
        String line = keyboard.readLine();
        return line == null ? new char[0] : line.toCharArray();
      } finally {
        stty(tty, "echo");
        screen.write('\n');
        screen.flush();
      }
    }
  }

  private static void stty(File tty, String setting) throws IOException {
    try {
      int code =
          new ProcessBuilder("stty", setting)
              .redirectInput(ProcessBuilder.Redirect.from(tty))
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .start()
              .waitFor();
      if (code != 0) {
        throw new IOException("stty " + setting + " failed");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }
}
