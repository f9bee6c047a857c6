package dev.cacheflush.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "flush", mixinStandardHelpOptions = true,
    description = {
        "Delete the keys that match a flush pattern and no preserve pattern.",
        "Asks for confirmation on a terminal; --yes confirms up front (required without a terminal)."})
final class FlushCommand extends ScanCommandBase {
  @Option(names = "--dry-run", negatable = true,
      description = "Only count and show what would be deleted (the same as 'plan'). Default: $DRY_RUN, else false.")
  Boolean dryRun;

  @Option(names = {"-y", "--yes"}, description = "Confirm the flush without being asked.")
  boolean yes;

  FlushCommand(CliContext context) {
    super(context);
  }

  @Override
  public Integer call() {
    return execute(dryRun, yes);
  }
}
