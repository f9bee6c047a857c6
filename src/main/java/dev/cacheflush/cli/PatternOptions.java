package dev.cacheflush.cli;

import dev.cacheflush.config.SettingsLayer;
import java.util.List;
import picocli.CommandLine.Option;

/** Which keys go and which always stay. */
public final class PatternOptions {
  @Option(
      names = "--flush",
      paramLabel = "PATTERN",
      description =
          "Redis glob of keys to delete; repeatable, replaces the list from $FLUSH_PATTERNS or the file."
              + " Default: "
              + SettingsLayer.FLUSH)
  List<String> flush;

  @Option(
      names = "--preserve",
      paramLabel = "PATTERN",
      description =
          "Redis glob of keys never to delete, even when a flush pattern matches; repeatable, replaces the"
              + " list from $PRESERVE_PATTERNS or the file. Default: "
              + SettingsLayer.PRESERVE)
  List<String> preserve;

  @Option(
      names = "--allow-broad",
      description =
          "Accept a flush pattern that matches every key, such as '*' (preserve patterns still apply).")
  boolean allowBroad;

  /** Sets the lists these flags give on the flags' layer. */
  SettingsLayer.Builder applyTo(SettingsLayer.Builder flags) {
    return flags.flush(flush).preserve(preserve);
  }
}
