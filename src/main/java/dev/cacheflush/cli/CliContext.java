package dev.cacheflush.cli;

import dev.cacheflush.flush.StopSignal;
import java.io.Console;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import sun.misc.Signal;

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
  private final StopSignal stopSignal;

  public CliContext(PrintWriter out, PrintWriter err, Map<String, String> env, Path workingDirectory,
      Terminal terminal, StopSignal stopSignal) {
    this.out = out;
    this.err = err;
    this.env = Map.copyOf(env);
    this.workingDirectory = workingDirectory;
    this.terminal = terminal;
    this.stopSignal = stopSignal;
  }

  /**
   * The real process: System streams, the environment, the console if there is one, and Ctrl-C
   * (SIGINT) and SIGTERM turned into a stop request, so the run can finish its batch in flight,
   * release its lock and write its report instead of dying mid-command.
   */
  public static CliContext system() {
    StopSignal stop = new StopSignal();
    for (String name : new String[] {"INT", "TERM"}) {
      Signal.handle(new Signal(name), signal -> stop.request());
    }
    Console console = System.console();
    Terminal terminal = console == null ? null : prompt -> {
      console.printf("%s", prompt);
      console.flush();
      String line = console.readLine();
      return line == null ? "" : line;
    };
    return new CliContext(
        new PrintWriter(System.out, true, StandardCharsets.UTF_8),
        new PrintWriter(System.err, true, StandardCharsets.UTF_8),
        System.getenv(),
        Path.of("").toAbsolutePath(),
        terminal,
        stop);
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

  /** Colour only for a person at a terminal that shows it, and never when NO_COLOR is set (no-color.org). */
  public boolean colour() {
    return interactive() && !env.containsKey("NO_COLOR") && !"dumb".equals(env.get("TERM"));
  }

  public Terminal terminal() {
    return terminal;
  }

  public StopSignal stopSignal() {
    return stopSignal;
  }
}
