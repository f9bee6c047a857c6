package dev.cacheflush.cli;

import dev.cacheflush.CacheflushException;
import dev.cacheflush.ExitCode;
import dev.cacheflush.config.ConfigException;
import dev.cacheflush.report.FlushReport;
import dev.cacheflush.report.HtmlReport;
import dev.cacheflush.report.JsonReport;
import dev.cacheflush.report.ReportFile;
import dev.cacheflush.report.WatchRunReport;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * The files a run writes its report to (--report, --html). A file that cannot be written is found
 * out before the run, not after a flush that can no longer be undone; one that fails anyway at the
 * end (a full disk) does not cost the summary: it is said after it, and the run exits 1.
 */
final class ReportFiles {
  private final CliContext context;
  private final boolean quiet;
  private final ReportFile json;
  private final ReportFile html;
  private final List<String> failures = new ArrayList<>();
  private final List<ReportFile> written = new ArrayList<>();

  private ReportFiles(CliContext context, boolean quiet, ReportFile json, ReportFile html) {
    this.context = context;
    this.quiet = quiet;
    this.json = json;
    this.html = html;
  }

  static ReportFiles check(CliContext context, OutputOptions output) {
    Path json =
        output.report == null
            ? null
            : context.workingDirectory().resolve(output.report).normalize();
    Path html =
        output.html == null ? null : context.workingDirectory().resolve(output.html).normalize();
    if (json != null && json.equals(html)) {
      throw new ConfigException(
          "--report and --html both name " + json + ": give each its own file");
    }
    return new ReportFiles(
        context,
        output.quiet,
        json == null ? null : ReportFile.check(json, "the report", "--report"),
        html == null ? null : ReportFile.check(html, "the HTML report", "--html"));
  }

  void write(FlushReport report) {
    write(() -> JsonReport.toJson(report) + "\n", () -> HtmlReport.render(report));
  }

  void write(WatchRunReport report) {
    write(() -> JsonReport.toJson(report) + "\n", () -> HtmlReport.render(report));
  }

  private void write(Supplier<String> jsonText, Supplier<String> htmlText) {
    write(json, jsonText);
    write(html, htmlText);
  }

  private void write(ReportFile file, Supplier<String> text) {
    if (file == null) {
      return;
    }
    try {
      file.write(text.get());
      written.add(file);
    } catch (CacheflushException e) {
      failures.add(e.getMessage());
    }
  }

  /**
   * Says where the reports are (or why one could not be written), on stderr, so stdout keeps only
   * the summary or the JSON.
   */
  void announce() {
    failures.forEach(failure -> context.err().println("cacheflush: " + failure));
    if (quiet) {
      return;
    }
    if (written.contains(json)) {
      context.err().println("Report written to " + json);
    }
    if (written.contains(html)) {
      context.err().println("HTML report written to " + html);
    }
  }

  /** The run's exit code, or 1 for a run that succeeded but whose report could not be written. */
  int exitCode(int runExitCode) {
    return runExitCode == ExitCode.DONE && !failures.isEmpty() ? ExitCode.FAILED : runExitCode;
  }
}
