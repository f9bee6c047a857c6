package dev.cacheflush.cli;

import dev.cacheflush.flush.StopSignal;
import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * What a command may touch of the outside world: its writers, environment, working directory and
 * whether a person is at a terminal. Passed in, never taken from globals, so the whole CLI runs
 * in-process in tests.
 */
public final class CliContext {
  /** A person who can answer a question; null when no one is there (a pipeline, a cron job). */
  public interface Terminal {
    String readLine(String prompt);
  }

  private final PrintWriter out;
  private final PrintWriter err;
  private final Map<String, String> env;
  private final Path workingDirectory;
  private final Terminal terminal;
  private final boolean outOnScreen;
  private final boolean errOnScreen;
  private final StopSignal stopSignal;

  /** A context whose stdout and stderr are on a screen exactly when there is a person to ask. */
  public CliContext(
      PrintWriter out,
      PrintWriter err,
      Map<String, String> env,
      Path workingDirectory,
      Terminal terminal,
      StopSignal stopSignal) {
    this(out, err, env, workingDirectory, terminal, terminal != null, terminal != null, stopSignal);
  }

  /**
   * @param outOnScreen whether stdout is a terminal (colour in the summary)
   * @param errOnScreen whether stderr is a terminal (the live progress line)
   */
  public CliContext(
      PrintWriter out,
      PrintWriter err,
      Map<String, String> env,
      Path workingDirectory,
      Terminal terminal,
      boolean outOnScreen,
      boolean errOnScreen,
      StopSignal stopSignal) {
    this.out = out;
    this.err = err;
    this.env = Map.copyOf(env);
    this.workingDirectory = workingDirectory;
    this.terminal = terminal;
    this.outOnScreen = outOnScreen;
    this.errOnScreen = errOnScreen;
    this.stopSignal = stopSignal;
  }

  /**
   * The real process: System streams, the environment, the terminal if there is one, and Ctrl-C
   * (SIGINT) and SIGTERM turned into a stop request, so the run can finish its batch in flight,
   * release its lock and write its report instead of dying mid-command.
   */
  public static CliContext system() {
    StopSignal stop = new StopSignal();
    OsSignals.forwardTo(stop);
    Console console = System.console();
    boolean in = isTerminal(0, console != null);
    boolean out = isTerminal(1, console != null);
    boolean err = isTerminal(2, console != null);
    PrintWriter errWriter = new PrintWriter(System.err, true, StandardCharsets.UTF_8);
    Terminal terminal =
        switch (askOn(in, out && console != null, err)) {
          case CONSOLE ->
              prompt -> {
                console.printf("%s", prompt);
                console.flush();
                String line = console.readLine();
                return line == null ? "" : line;
              };
          case STDERR -> stdinAnswers(errWriter);
          case NOWHERE -> null;
        };
    return new CliContext(
        new PrintWriter(System.out, true, StandardCharsets.UTF_8),
        errWriter,
        System.getenv(),
        Path.of("").toAbsolutePath(),
        terminal,
        out,
        err,
        stop);
  }

  /** Where a question can be put to a person. */
  enum AskOn {
    /** stdin and stdout are the terminal: Java's console. */
    CONSOLE,
    /** stdout goes elsewhere (e.g. {@code --format json > report.json}): ask on stderr, read stdin. */
    STDERR,
    /** stdin is not a terminal: the answer would come from a pipe or a file, not from a person. */
    NOWHERE
  }

  static AskOn askOn(boolean stdinOnScreen, boolean stdoutOnScreen, boolean stderrOnScreen) {
    if (!stdinOnScreen) {
      return AskOn.NOWHERE;
    }
    return stdoutOnScreen ? AskOn.CONSOLE : stderrOnScreen ? AskOn.STDERR : AskOn.NOWHERE;
  }

  private static Terminal stdinAnswers(PrintWriter err) {
    BufferedReader stdin =
        new BufferedReader(new InputStreamReader(System.in, Charset.defaultCharset()));
    return prompt -> {
      err.print(prompt);
      err.flush();
      try {
        String line = stdin.readLine();
        return line == null ? "" : line;
      } catch (IOException e) {
        return "";
      }
    };
  }

  /**
   * Whether a file descriptor is a terminal. Java only tells whether stdin and stdout both are (a
   * console), but {@code cacheflush flush --format json > report.json} still deserves its progress
   * line on stderr; on Linux, /proc/self/fd/N links to the terminal's device. Elsewhere the console
   * decides.
   */
  static boolean isTerminal(int fd, boolean fallback) {
    try {
      String device = Files.readSymbolicLink(Path.of("/proc/self/fd/" + fd)).toString();
      return device.startsWith("/dev/pts/") || device.startsWith("/dev/tty");
    } catch (IOException | UnsupportedOperationException | SecurityException e) {
      return fallback;
    }
  }

  public PrintWriter out() {
    return out;
  }

  public PrintWriter err() {
    return err;
  }

  public Map<String, String> env() {
    return env;
  }

  public Path workingDirectory() {
    return workingDirectory;
  }

  public boolean interactive() {
    return terminal != null;
  }

  /** Colour only on a terminal that shows it, and never when NO_COLOR is set and not empty (no-color.org). */
  public boolean colour() {
    String noColour = env.get("NO_COLOR");
    return outOnScreen && (noColour == null || noColour.isEmpty()) && !dumbTerminal();
  }

  /** A line redrawn in place on stderr needs a terminal there that understands a carriage return. */
  public boolean liveProgress() {
    return errOnScreen && !dumbTerminal();
  }

  private boolean dumbTerminal() {
    return "dumb".equals(env.get("TERM"));
  }

  public Terminal terminal() {
    return terminal;
  }

  public StopSignal stopSignal() {
    return stopSignal;
  }
}
