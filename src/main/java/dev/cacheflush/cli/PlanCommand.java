package dev.cacheflush.cli;

import picocli.CommandLine.Command;

@Command(name = "plan", mixinStandardHelpOptions = true,
    description = "Dry run: count what a flush would delete and what it would keep, deleting nothing.")
final class PlanCommand extends ScanCommandBase {
  PlanCommand(CliContext context) {
    super(context);
  }

  @Override
  public Integer call() {
    return execute(true, false, null, null);
  }
}
