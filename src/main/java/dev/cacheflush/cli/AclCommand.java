package dev.cacheflush.cli;

import dev.cacheflush.acl.AclRule;
import dev.cacheflush.config.SettingsLayer;
import dev.cacheflush.config.SettingsResolver;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "acl", mixinStandardHelpOptions = true,
    versionProvider = CacheflushCommand.Version.class,
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
        "0:printed",
        "2:usage or configuration error"},
    description = {
        "Print the Redis ACL rule for a user that can run cacheflush and nothing more.",
        "It allows the commands the flush sends, on keys limited to the flush patterns (from the same flags,",
        "environment and file as plan and flush). Connects to nothing."})
final class AclCommand implements Callable<Integer> {
  @Mixin PatternOptions patterns;

  @Option(names = "--config", paramLabel = "FILE",
      description = "Settings file. Default: cacheflush.yml in the working directory, if present.")
  Path config;

  @Option(names = "--user", paramLabel = "NAME", description = "The user's name. Default: cacheflush.")
  String user = "cacheflush";

  @Option(names = "--lock", negatable = true,
      description = "Include the lock key and the commands the lock needs; --no-lock if flushes run with --no-lock."
          + " Default: on.")
  boolean lock = true;

  private final CliContext context;

  AclCommand(CliContext context) {
    this.context = context;
  }

  @Override
  public Integer call() {
    SettingsLayer flags = new SettingsLayer(null, patterns.flush, patterns.preserve, null, null, null, null, null, null,
        null, null, null, null, null, null, null);
    SettingsResolver.Patterns resolved = SettingsResolver.patterns(flags, context.env(), config,
        context.workingDirectory(), patterns.allowBroad);
    context.out().print(AclRule.forFlush(resolved.flush(), resolved.preserve(), lock).render(user));
    context.out().flush();
    return 0;
  }
}
