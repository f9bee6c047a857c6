package dev.cacheflush.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

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

  @Option(names = {"-v", "--verbose"}, description = "Debug logs, and stack traces with errors.")
  boolean verbose;

  @Option(names = {"-q", "--quiet"}, description = "Only warnings and errors on stderr, no progress line.")
  boolean quiet;
}
