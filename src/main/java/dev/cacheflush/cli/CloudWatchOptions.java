package dev.cacheflush.cli;

import dev.cacheflush.config.MetricsSettings;
import picocli.CommandLine.Option;

/** Which CloudWatch namespace and endpoint: the flush publishes there, the dashboard reads from there. */
public final class CloudWatchOptions {
  @Option(
      names = "--metrics-namespace",
      paramLabel = "NAMESPACE",
      description = "CloudWatch namespace. Default: " + MetricsSettings.DEFAULT_NAMESPACE + ".")
  String namespace;

  @Option(
      names = "--metrics-endpoint",
      paramLabel = "URL",
      description =
          "CloudWatch endpoint to use instead of the region's (e.g. a VPC endpoint, a test stand-in).")
  String endpoint;
}
