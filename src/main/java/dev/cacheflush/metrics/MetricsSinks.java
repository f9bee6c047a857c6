package dev.cacheflush.metrics;

import dev.cacheflush.config.MetricsSettings;
import java.io.PrintWriter;

/** Opens the sink --metrics names; a CloudWatch sink is set up before the flush, so a missing region stops it early. */
public final class MetricsSinks {
  private MetricsSinks() {}

  /** @param stdout where EMF documents go */
  public static MetricsSink open(MetricsSettings settings, PrintWriter stdout) {
    return switch (settings.sink()) {
      case none -> new NoMetrics();
      case emf -> new EmfSink(stdout, settings.namespace());
      case cloudwatch ->
          new CloudWatchSink(CloudWatchClients.create(settings), settings.namespace());
    };
  }
}
