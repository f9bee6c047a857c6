package dev.cacheflush.cli;

import java.nio.file.Path;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** What the run writes, and how much it says on stderr. */
public final class OutputOptions {
  enum Format { text, json }

  @Option(names = "--report", paramLabel = "FILE", description = "Also write the JSON report to FILE.")
  Path report;

  @Option(names = "--html", paramLabel = "FILE",
      description = "Also write the report as one self-contained HTML page to FILE: hit rate and database latency over "
          + "time, patterns, conflicts, verification, outcome.")
  Path html;

  @Option(names = "--format", paramLabel = "FORMAT",
      description = "What stdout gets at the end: text (a summary for people) or json (the report). Default: text.")
  Format format = Format.text;

  boolean verbose;
  boolean quiet;

  @Spec(Spec.Target.MIXEE) CommandSpec spec;

  @Option(names = {"-v", "--verbose"}, description = "Debug logs, and stack traces with errors. Not with --quiet.")
  void verbose(boolean verbose) {
    this.verbose = verbose;
    oneOfVerboseAndQuiet();
  }

  @Option(names = {"-q", "--quiet"},
      description = "Only warnings and errors on stderr, no progress line. Not with --verbose.")
  void quiet(boolean quiet) {
    this.quiet = quiet;
    oneOfVerboseAndQuiet();
  }

  /** Asked for more and for less at once, the tool would have to guess which one was meant. */
  private void oneOfVerboseAndQuiet() {
    if (verbose && quiet) {
      throw new ParameterException(spec.commandLine(), "--verbose and --quiet contradict each other: choose one");
    }
  }
}
