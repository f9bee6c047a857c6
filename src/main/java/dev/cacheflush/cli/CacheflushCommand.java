package dev.cacheflush.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;

@Command(name = "cacheflush", mixinStandardHelpOptions = true, versionProvider = CacheflushCommand.Version.class,
    description = {
        "Flush the content caches in Redis before a rollout stage, never touching the state caches.",
        "",
        "Exit codes: 0 done, 1 failed, 2 usage or configuration error (nothing touched),",
        "3 deadline reached (partial work reported), 4 safety check failed, 5 another flush holds the lock.",
        "watch: 0 ran its time or recovered, 3 not recovered in time."})
final class CacheflushCommand implements Runnable {
  private final CliContext context;

  CacheflushCommand(CliContext context) {
    this.context = context;
  }

  @Override
  public void run() {
    context.err().println("cacheflush: name a command: plan, flush, watch, dashboard, acl (see cacheflush --help)");
  }

  static final class Version implements IVersionProvider {
    @Override
    public String[] getVersion() {
      String version = CacheflushCommand.class.getPackage().getImplementationVersion();
      return new String[] {"cacheflush " + (version == null ? "(development build)" : version)};
    }
  }
}
