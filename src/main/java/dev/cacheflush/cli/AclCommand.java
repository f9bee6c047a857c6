package dev.cacheflush.cli;

import dev.cacheflush.acl.AclRule;
import dev.cacheflush.config.SettingsLayer;
import dev.cacheflush.config.SettingsResolver;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "acl",
    mixinStandardHelpOptions = true,
    versionProvider = CacheflushCommand.Version.class,
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:printed", "2:usage or configuration error"},
    description = {
      "Print the Redis ACL rule for a user that can run cacheflush and nothing more.",
      "It allows the commands the flush sends, on keys limited to the flush patterns (from the same flags,",
      "environment and file as plan and flush). Connects to nothing."
    })
final class AclCommand implements Callable<Integer> {
  @Mixin PatternOptions patterns;

  @Mixin ConfigOption config;

  @Option(
      names = "--user",
      paramLabel = "NAME",
      defaultValue = "cacheflush",
      description = "The user's name. Default: ${DEFAULT-VALUE}.")
  String user;

  // A Boolean left null, not a boolean defaulting to true: picocli inverts a negatable option whose
  // default is true, so --lock would leave the lock's rules out and --no-lock put them in. Null
  // also
  // leaves it to cacheflush.yml's lock, as for flush.
  @Option(
      names = "--lock",
      negatable = true,
      description =
          "Include the lock key and the commands the lock needs; --no-lock if flushes run with --no-lock."
              + " Default: lock in cacheflush.yml, else on.")
  Boolean lock;

  private final CliContext context;

  AclCommand(CliContext context) {
    this.context = context;
  }

  @Override
  public Integer call() {
    SettingsLayer flags = patterns.applyTo(SettingsLayer.builder()).lock(lock).build();
    SettingsResolver.AclScope scope =
        SettingsResolver.aclScope(
            flags, context.env(), config.config, context.workingDirectory(), patterns.allowBroad);
    context
        .out()
        .print(
            AclRule.forFlush(scope.patterns().flush(), scope.patterns().preserve(), scope.lock())
                .render(user));
    context.out().flush();
    return 0;
  }
}
