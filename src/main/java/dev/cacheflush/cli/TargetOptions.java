package dev.cacheflush.cli;

import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Where the cache is, and where the team's settings file is. */
public final class TargetOptions {
  @Option(
      names = "--redis-url",
      paramLabel = "URL",
      description =
          "redis://[user:password@]host:port[/db], rediss:// for TLS, redis-sentinel://host:port#primary."
              + " Default: $REDIS_URL, then redisUrl in cacheflush.yml.")
  String redisUrl;

  @Mixin ConfigOption config;
}
