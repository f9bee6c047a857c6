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

  @Option(names = "--lock", negatable = true,
      description = "Hold the lock key cacheflush:lock while flushing, so two flushes cannot run at once; --no-lock for "
          + "read-only replicas or ACLs that cannot write it. Default: on.")
  Boolean lock;

  @Option(names = "--verify", negatable = true,
      description = "Scan again after the flush and report the keys still matching (live traffic re-creates hot keys)"
          + " and the preserved keys before and after. Default: on.")
  Boolean verify;

  FlushCommand(CliContext context) {
    super(context);
  }

  @Override
  public Integer call() {
    return execute(dryRun, yes, lock, verify);
  }
}
