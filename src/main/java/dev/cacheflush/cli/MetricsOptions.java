package dev.cacheflush.cli;

import dev.cacheflush.config.ConfigException;
import dev.cacheflush.config.MetricsSettings;
import dev.cacheflush.config.SettingsLayer;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Where the run's metrics go (docs/metrics.md). */
public final class MetricsOptions {
  @Option(
      names = "--metrics",
      paramLabel = "SINK",
      description =
          "none, cloudwatch (PutMetricData with the default AWS credentials and region) or emf (CloudWatch "
              + "Embedded Metric Format lines on stdout, for Lambda/ECS). Default: none.")
  MetricsSettings.Sink sink;

  @Mixin CloudWatchOptions cloudWatch;

  @Option(
      names = "--stage",
      paramLabel = "NAME",
      description =
          "Rollout stage, the Stage dimension of every metric (e.g. canary-10). Default: "
              + MetricsSettings.DEFAULT_STAGE
              + ".")
  String stage;

  /** Sets what these flags say on the flags' layer. */
  SettingsLayer.Builder applyTo(SettingsLayer.Builder flags) {
    return flags.metricsNamespace(cloudWatch.namespace).stage(stage);
  }

  /**
   * @param jsonOnStdout whether stdout is to hold the JSON report (--format json)
   * @param merged all sources merged, for the namespace and the stage
   */
  MetricsSettings settings(boolean jsonOnStdout, SettingsLayer merged) {
    MetricsSettings settings =
        MetricsSettings.of(sink, merged.metricsNamespace(), cloudWatch.endpoint, merged.stage());
    if (jsonOnStdout && settings.sink() == MetricsSettings.Sink.emf) {
      throw new ConfigException(
          "--metrics emf writes EMF lines on stdout, which --format json keeps for the report "
              + "alone: drop --format json and read the report from --report FILE");
    }
    return settings;
  }
}
