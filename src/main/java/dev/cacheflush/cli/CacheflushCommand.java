package dev.cacheflush.cli;

import dev.cacheflush.ExitCode;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;

@Command(
    name = "cacheflush",
    mixinStandardHelpOptions = true,
    versionProvider = CacheflushCommand.Version.class,
    description =
        "Flush the content caches in Redis before a rollout stage, never touching the state caches.",
    exitCodeListHeading = "%nExit codes (each command's --help has its own):%n",
    exitCodeList = {
      "0:done",
      "1:failed: Redis unreachable or erroring after retries",
      "2:usage or configuration error, or confirmation declined: nothing deleted",
      "3:deadline reached (partial work reported); watch and gate: not recovered",
      "4:a safety check failed: nothing deleted",
      "5:another flush holds the lock",
      "130:stopped by Ctrl-C or SIGTERM; the report says what was done"
    })
final class CacheflushCommand implements Callable<Integer> {
  private final CliContext context;

  CacheflushCommand(CliContext context) {
    this.context = context;
  }

  /** No command is a usage error like any other, so a script that forgot the command does not pass. */
  @Override
  public Integer call() {
    context
        .err()
        .println(
            "cacheflush: name a command: plan, flush, watch, gate, dashboard, acl, audit-check "
                + "(see cacheflush --help)");
    return ExitCode.USAGE;
  }

  static final class Version implements IVersionProvider {
    @Override
    public String[] getVersion() {
      String version = CacheflushCommand.class.getPackage().getImplementationVersion();
      return new String[] {"cacheflush " + (version == null ? "(development build)" : version)};
    }
  }
}
