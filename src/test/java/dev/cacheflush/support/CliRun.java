package dev.cacheflush.support;

import dev.cacheflush.cli.Cli;
import dev.cacheflush.cli.CliContext;
import dev.cacheflush.flush.StopSignal;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Runs the real command line in-process, with its own environment, working directory and terminal. */
public final class CliRun {
  private final Map<String, String> env = new HashMap<>();
  private Path workingDirectory = Path.of("").toAbsolutePath();
  private Deque<String> answers;
  private CliContext.Terminal terminal;
  private StopSignal stop = new StopSignal();

  public record Result(int exitCode, String out, String err) {
    /** The lines of stderr that are not log lines. */
    public List<String> errorLines() {
      return err.lines().filter(l -> l.startsWith("cacheflush:")).toList();
    }
  }

  public CliRun env(String name, String value) {
    env.put(name, value);
    return this;
  }

  public CliRun in(Path directory) {
    this.workingDirectory = directory;
    return this;
  }

  /** Runs as if a person sat at a terminal and typed these answers to the prompts. */
  public CliRun withTerminal(String... answers) {
    this.answers = new ArrayDeque<>(List.of(answers));
    return this;
  }

  /** Runs as if a person sat at this terminal. */
  public CliRun withTerminal(CliContext.Terminal terminal) {
    this.terminal = terminal;
    return this;
  }

  /** The stop request that Ctrl-C would make, for a test to pull. */
  public CliRun withStopSignal(StopSignal stop) {
    this.stop = stop;
    return this;
  }

  public Result run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    PrintWriter errWriter = new PrintWriter(err, true);
    CliContext.Terminal terminal =
        this.terminal != null
            ? this.terminal
            : answers == null
                ? null
                : prompt -> {
                  errWriter.print(prompt);
                  return answers.isEmpty() ? "" : answers.poll();
                };
    int code =
        Cli.run(
            new CliContext(
                new PrintWriter(out, true), errWriter, env, workingDirectory, terminal, stop),
            args);
    return new Result(code, out.toString(), err.toString());
  }
}
