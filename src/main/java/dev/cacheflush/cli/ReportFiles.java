package dev.cacheflush.cli;

import dev.cacheflush.config.ConfigException;
import dev.cacheflush.report.FlushReport;
import dev.cacheflush.report.HtmlReport;
import dev.cacheflush.report.JsonReport;
import dev.cacheflush.report.WatchRunReport;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The files a run writes its report to (--report, --html). A file that cannot be written is found
 * out before the run, not after a flush that can no longer be undone.
 */
final class ReportFiles {
  private final CliContext context;
  private final boolean quiet;
  private final Path json;
  private final Path html;

  private ReportFiles(CliContext context, boolean quiet, Path json, Path html) {
    this.context = context;
    this.quiet = quiet;
    this.json = json;
    this.html = html;
  }

  static ReportFiles check(CliContext context, OutputOptions output) {
    Path json = output.report == null ? null : context.workingDirectory().resolve(output.report).normalize();
    Path html = output.html == null ? null : context.workingDirectory().resolve(output.html).normalize();
    checkWritable(json, "the report", "--report");
    checkWritable(html, "the HTML report", "--html");
    if (json != null && json.equals(html)) {
      throw new ConfigException("--report and --html both name " + json + ": give each its own file");
    }
    return new ReportFiles(context, output.quiet, json, html);
  }

  void write(FlushReport report) {
    if (json != null) {
      JsonReport.write(report, json);
    }
    if (html != null) {
      HtmlReport.write(report, html);
    }
  }

  void write(WatchRunReport report) {
    if (json != null) {
      JsonReport.write(report, json);
    }
    if (html != null) {
      HtmlReport.write(report, html);
    }
  }

  /** Says where the reports are, on stderr, so stdout keeps only the summary or the JSON. */
  void announce() {
    if (quiet) {
      return;
    }
    if (json != null) {
      context.err().println("Report written to " + json);
    }
    if (html != null) {
      context.err().println("HTML report written to " + html);
    }
  }

  private static void checkWritable(Path file, String what, String option) {
    if (file == null) {
      return;
    }
    Path dir = file.getParent();
    while (dir != null && !Files.exists(dir)) {
      dir = dir.getParent();
    }
    if (dir == null || !Files.isDirectory(dir) || !Files.isWritable(dir) || Files.isDirectory(file)
        || (Files.exists(file) && !Files.isWritable(file))) {
      throw new ConfigException("Cannot write " + what + " to " + file + ": choose a writable file path for " + option);
    }
  }
}
