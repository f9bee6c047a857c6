package dev.cacheflush.cli;

import picocli.CommandLine.Command;

@Command(
    name = "plan",
    mixinStandardHelpOptions = true,
    versionProvider = CacheflushCommand.Version.class,
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:the dry run completed (a dry run never deletes)",
      "1:Redis unreachable or erroring after retries",
      "2:usage or configuration error",
      "3:the --timeout deadline was reached (partial counts reported)",
      "4:a safety check failed",
      "130:stopped by Ctrl-C or SIGTERM; the report says what was done"
    },
    description =
        "Dry run: count what a flush would delete and what it would keep, deleting nothing.")
final class PlanCommand extends ScanCommandBase {
  PlanCommand(CliContext context) {
    super(context);
  }

  @Override
  public Integer call() {
    return execute(true, false, null, null);
  }
}
