package dev.cacheflush.cli;

import dev.cacheflush.config.ConfigException;
import dev.cacheflush.report.ReportFile;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "plan",
    mixinStandardHelpOptions = true,
    versionProvider = CacheflushCommand.Version.class,
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:the dry run completed (a dry run never deletes)",
      "1:Redis unreachable or erroring after retries",
      "2:usage or configuration error",
      "3:the --timeout deadline was reached (partial counts reported, no plan written)",
      "4:a safety check failed",
      "130:stopped by Ctrl-C or SIGTERM; the report says what was done"
    },
    description = {
      "Dry run: count what a flush would delete and what it would keep, deleting nothing.",
      "May run on a replica (the reader endpoint), so the review puts no load on the primary.",
      "With --out, writes the plan for review: 'flush --plan' then deletes only what it describes."
    })
final class PlanCommand extends ScanCommandBase {
  @Option(
      names = "--out",
      paramLabel = "FILE",
      description =
          "Write the plan to FILE: the cache's identity, the patterns, the counts per pattern and per "
              + "preserved family, samples, the time and a digest, for 'flush --plan FILE'.")
  Path out;

  PlanCommand(CliContext context) {
    super(context);
  }

  @Override
  public Integer call() {
    return execute(true, false, null, null);
  }

  @Override
  ReportFile planFile() {
    if (out == null) {
      return null;
    }
    Path file = context.workingDirectory().resolve(out).normalize();
    for (Path report : new Path[] {output.report, output.html}) {
      if (report != null && context.workingDirectory().resolve(report).normalize().equals(file)) {
        throw new ConfigException(
            "--out and --report/--html both name " + file + ": give the plan its own file");
      }
    }
    return ReportFile.check(file, "the plan", "--out");
  }
}
