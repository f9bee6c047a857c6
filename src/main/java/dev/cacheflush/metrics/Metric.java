package dev.cacheflush.metrics;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One data point: a name, a unit, a value at a time, and its dimensions in a fixed order.
 *
 * @param highResolution stored per second rather than per minute (CloudWatch StorageResolution 1),
 *     for the series a watch publishes every few seconds
 */
public record Metric(
    String name,
    Unit unit,
    double value,
    Instant timestamp,
    Map<String, String> dimensions,
    boolean highResolution) {

  public Metric {
    if (Double.isNaN(value) || Double.isInfinite(value)) {
      throw new IllegalArgumentException(
          "CloudWatch takes no NaN or infinite values: " + name + "=" + value);
    }
    dimensions = Collections.unmodifiableMap(new LinkedHashMap<>(dimensions));
  }
}
