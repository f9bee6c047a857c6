package dev.cacheflush.cli;

import dev.cacheflush.config.ConfigFile;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Where the team's settings file is. */
public final class ConfigOption {
  @Option(
      names = "--config",
      paramLabel = "FILE",
      description =
          "Settings file. Default: "
              + ConfigFile.DEFAULT_NAME
              + " in the working directory, if present.")
  Path config;
}
