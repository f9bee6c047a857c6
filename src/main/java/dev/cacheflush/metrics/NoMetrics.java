package dev.cacheflush.metrics;

import java.util.List;

/** --metrics none: the run's numbers stay in the report. */
public final class NoMetrics implements MetricsSink {
  @Override
  public void publish(List<Metric> metrics) {}

  @Override
  public void close() {}
}
