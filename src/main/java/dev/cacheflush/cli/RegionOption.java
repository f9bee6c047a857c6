package dev.cacheflush.cli;

import picocli.CommandLine.Option;

/** The AWS region: of the cache for --iam tokens, of the metrics for the dashboard. */
public final class RegionOption {
  @Option(
      names = "--region",
      paramLabel = "REGION",
      description =
          "AWS region (of the cache for --iam, of the metrics for dashboard). Default: $AWS_REGION, "
              + "$AWS_DEFAULT_REGION, the AWS profile.")
  String region;
}
