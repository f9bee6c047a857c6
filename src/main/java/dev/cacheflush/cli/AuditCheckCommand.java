package dev.cacheflush.cli;

import dev.cacheflush.audit.AuditCheck;
import dev.cacheflush.audit.AuditHeader;
import dev.cacheflush.config.SettingsLayer;
import dev.cacheflush.config.SettingsResolver;
import dev.cacheflush.glob.RedisGlob;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
    name = "audit-check",
    mixinStandardHelpOptions = true,
    versionProvider = CacheflushCommand.Version.class,
    description = {
      "Check the audit of a flush (flush --audit FILE) after the fact; connects to nothing.",
      "Verifies that no listed key matches a preserve pattern (the audit's own, and with --config or "
          + "--preserve the current settings' too) and that each key matches the flush pattern it is listed"
          + " under; counts the keys per pattern and per shard, and says whether the audit is complete."
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:clean: no listed key is one to preserve (complete or not: the output says)",
      "2:usage error, or the file cannot be read, is not an audit, or is inconsistent (damaged, edited)",
      "4:a listed key matches a preserve pattern, or no flush pattern: one line each says which"
    })
final class AuditCheckCommand implements Callable<Integer> {
  @Parameters(
      index = "0",
      paramLabel = "FILE",
      description = "The audit: FILE of flush --audit FILE, or its partial file.")
  Path file;

  @Mixin ConfigOption config;

  @Option(
      names = "--preserve",
      paramLabel = "PATTERN",
      description =
          "Also check against the current preserve patterns: these (repeatable), or, with only --config, "
              + "the settings file's (as flush reads them, $PRESERVE_PATTERNS included).")
  List<String> preserve;

  private final CliContext context;

  AuditCheckCommand(CliContext context) {
    this.context = context;
  }

  @Override
  public Integer call() {
    AuditCheck.Result result =
        AuditCheck.check(context.workingDirectory().resolve(file), currentPreserve());
    print(context.out(), result);
    context.out().flush();
    result.problems().forEach(p -> context.err().println("cacheflush: " + p));
    return result.exitCode();
  }

  /** The current settings' preserve patterns, only when asked for: by default the audit's own are checked. */
  private List<RedisGlob> currentPreserve() {
    if (config.config == null && preserve == null) {
      return List.of();
    }
    SettingsLayer flags = SettingsLayer.builder().preserve(preserve).build();
    return SettingsResolver.merge(flags, context.env(), config.config, context.workingDirectory())
        .preserve()
        .stream()
        .map(RedisGlob::compile)
        .toList();
  }

  private void print(PrintWriter out, AuditCheck.Result r) {
    AuditHeader h = r.header();
    out.println("Audit of " + file);
    out.printf(
        Locale.ROOT,
        "Run:       %s, flush of %s (%s), started %s%n",
        h.tool(),
        h.target(),
        h.mode(),
        h.startedAt());
    out.println("Plan:      " + (h.planDigest() == null ? "none" : h.planDigest()));
    out.println("Complete:  " + completeness(r));
    out.printf(
        Locale.ROOT,
        "Keys:      %,d listed%s%n",
        r.keys(),
        r.trailer() == null
            ? ""
            : String.format(
                Locale.ROOT, " (UNLINK's replies counted %,d deleted)", r.trailer().keysDeleted()));
    table(out, "flush pattern", r.perPattern());
    table(out, "shard", r.perShard());
    out.println(
        "Preserve:  "
            + r.preserve().stream()
                .collect(
                    Collectors.groupingBy(
                        AuditCheck.Preserve::source,
                        LinkedHashMap::new,
                        Collectors.mapping(p -> p.glob().pattern(), Collectors.joining(", "))))
                .entrySet()
                .stream()
                .map(e -> e.getValue() + " (" + e.getKey() + ")")
                .collect(Collectors.joining("; ")));
    out.println(
        switch (r.exitCode()) {
          case 0 -> "Clean:     no listed key matches a preserve pattern";
          case 4 ->
              String.format(
                  Locale.ROOT,
                  "NOT CLEAN: %,d listed keys match a preserve pattern or no flush pattern",
                  r.preservedKeys());
          default -> "NOT CHECKED WHOLE: the file is not a consistent audit";
        });
  }

  private static String completeness(AuditCheck.Result r) {
    if (r.truncated()) {
      return "no: the file is cut short (the run was killed, or the file cut); the keys before the"
          + " cut were checked";
    }
    if (r.complete()) {
      return "yes: the deletion ran to its end";
    }
    return "no: partial, the deletion ended as '" + r.trailer().outcome() + "'";
  }

  private static void table(PrintWriter out, String heading, Map<String, Long> counts) {
    int width = heading.length();
    for (String name : counts.keySet()) {
      width = Math.max(width, name.length());
    }
    String row = "  %-" + width + "s  %12s%n";
    out.printf(Locale.ROOT, row, heading, "keys");
    counts.forEach(
        (name, n) -> out.printf(Locale.ROOT, row, name, String.format(Locale.ROOT, "%,d", n)));
  }
}
