package dev.cacheflush.metrics;

import java.util.List;

/**
 * Where metrics go. Publishing never throws: metrics describe the flush, and failing to send them
 * must never fail it; a sink reports its failures as warnings.
 */
public interface MetricsSink extends AutoCloseable {
  void publish(List<Metric> metrics);

  /** Sends what is still pending and says, once, if anything could not be sent. */
  @Override
  void close();
}
