package dev.cacheflush.cli;

import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** What the run writes, and how much it says on stderr. */
public final class OutputOptions {
  enum Format {
    text,
    json
  }

  @Option(
      names = "--report",
      paramLabel = "FILE",
      description = "Also write the JSON report to FILE.")
  Path report;

  @Option(
      names = "--html",
      paramLabel = "FILE",
      description =
          "Also write the report as one self-contained HTML page to FILE: hit rate and database latency over "
              + "time, patterns, conflicts, verification, outcome.")
  Path html;

  @Option(
      names = "--format",
      paramLabel = "FORMAT",
      description =
          "What stdout gets at the end: text (a summary for people) or json (the report). Default: text.")
  Format format = Format.text;

  boolean verbose;
  boolean quiet;

  @Spec(Spec.Target.MIXEE)
  CommandSpec spec;

  @Option(
      names = {"-v", "--verbose"},
      description = "Debug logs, and stack traces with errors. Not with --quiet.")
  void verbose(boolean verbose) {
    this.verbose = verbose;
    oneOfVerboseAndQuiet();
  }

  @Option(
      names = {"-q", "--quiet"},
      description = "Only warnings and errors on stderr, no progress line. Not with --verbose.")
  void quiet(boolean quiet) {
    this.quiet = quiet;
    oneOfVerboseAndQuiet();
  }

  @Option(
      names = "--log-format",
      paramLabel = "FORMAT",
      description =
          "Log lines on stderr as text, or json: one JSON object a line, for CloudWatch Logs Insights and "
              + "other log stores. Env: "
              + Logging.FORMAT_ENV
              + ". Default: text.")
  Logging.Format logFormat;

  /** Sets up the run's logging from these options and the environment. */
  void configureLogging(Map<String, String> env) {
    Logging.configure(verbose, quiet, Logging.format(logFormat, env));
  }

  /** Asked for more and for less at once, the tool would have to guess which one was meant. */
  private void oneOfVerboseAndQuiet() {
    if (verbose && quiet) {
      throw new ParameterException(
          spec.commandLine(), "--verbose and --quiet contradict each other: choose one");
    }
  }
}
