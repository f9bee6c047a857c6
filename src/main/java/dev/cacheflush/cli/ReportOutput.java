package dev.cacheflush.cli;

import dev.cacheflush.report.FlushReport;
import dev.cacheflush.report.JsonReport;
import dev.cacheflush.report.WatchRunReport;
import java.util.function.Supplier;

/**
 * How every command that reports ends (plan, flush, watch): the report files, then the summary or
 * the JSON on stdout, the reason for a non-zero exit on stderr, and where the files are.
 */
final class ReportOutput {
  private ReportOutput() {}

  /** @return the run's exit code */
  static int flush(
      CliContext context,
      OutputOptions output,
      ReportFiles files,
      FlushReport report,
      Supplier<String> summary) {
    files.write(report);
    return finish(context, output, files, report, summary, report.exitCode(), report.message());
  }

  /** @return the run's exit code */
  static int watch(
      CliContext context,
      OutputOptions output,
      ReportFiles files,
      WatchRunReport report,
      Supplier<String> summary) {
    files.write(report);
    return finish(context, output, files, report, summary, report.exitCode(), report.message());
  }

  /** @param summary the text summary, ending in a newline */
  private static int finish(
      CliContext context,
      OutputOptions output,
      ReportFiles files,
      Object report,
      Supplier<String> summary,
      int exitCode,
      String message) {
    if (output.format == OutputOptions.Format.json) {
      context.out().println(JsonReport.toJson(report));
    } else {
      context.out().print(summary.get());
    }
    context.out().flush();
    if (exitCode != 0 && message != null) {
      context.err().println("cacheflush: " + message);
    }
    files.announce();
    return files.exitCode(exitCode);
  }
}
