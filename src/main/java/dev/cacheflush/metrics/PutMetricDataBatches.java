package dev.cacheflush.metrics;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Splits metrics into PutMetricData requests within the API's limits: at most 1,000 metrics and
 * 1 MB per request. The size of a metric is estimated as it is sent in the AWS Query protocol
 * (form fields, percent-encoded), the most verbose of CloudWatch's protocols, so a batch that fits
 * here fits on the wire whichever protocol the SDK speaks.
 */
public final class PutMetricDataBatches {
  public static final int MAX_METRICS = 1_000;

  /** 1 MB less room for the request's own fields (Action, Version, Namespace). */
  public static final int MAX_BYTES = 1_048_576 - 4_096;

  private PutMetricDataBatches() {}

  public static List<List<Metric>> split(List<Metric> metrics) {
    List<List<Metric>> batches = new ArrayList<>();
    List<Metric> batch = new ArrayList<>();
    long bytes = 0;
    for (Metric m : metrics) {
      long size = encodedSize(m);
      if (!batch.isEmpty() && (batch.size() == MAX_METRICS || bytes + size > MAX_BYTES)) {
        batches.add(batch);
        batch = new ArrayList<>();
        bytes = 0;
      }
      batch.add(m);
      bytes += size;
    }
    if (!batch.isEmpty()) {
      batches.add(batch);
    }
    return batches;
  }

  /** An upper bound of the bytes a metric takes as {@code &MetricData.member.N.Field=value} pairs. */
  static long encodedSize(Metric m) {
    // "&MetricData.member.1000." is the longest prefix a metric's fields get.
    int prefix = "&MetricData.member.1000.".length();
    long size =
        field(prefix, "MetricName", m.name())
            + field(prefix, "Unit", m.unit().cloudWatchName())
            + field(prefix, "Value", "-1.7976931348623157E308")
            + field(prefix, "Timestamp", "2000-01-01T00%3A00%3A00.000Z")
            + field(prefix, "StorageResolution", "60");
    int d = 1;
    for (Map.Entry<String, String> dimension : m.dimensions().entrySet()) {
      size += field(prefix, "Dimensions.member." + d + ".Name", dimension.getKey());
      size += field(prefix, "Dimensions.member." + d + ".Value", dimension.getValue());
      d++;
    }
    return size;
  }

  private static long field(int prefix, String name, String value) {
    return prefix + name.length() + 1 + percentEncodedLength(value);
  }

  private static long percentEncodedLength(String value) {
    long length = 0;
    for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
      int c = b & 0xff;
      boolean unreserved =
          (c >= 'a' && c <= 'z')
              || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9')
              || c == '-'
              || c == '_'
              || c == '.'
              || c == '~';
      length += unreserved ? 1 : 3;
    }
    return length;
  }
}
