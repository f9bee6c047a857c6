package dev.cacheflush.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PutMetricDataBatchesTest {
  static final Instant T = Instant.parse("2025-06-01T12:00:00Z");

  static List<Metric> metrics(int count, Map<String, String> dims) {
    List<Metric> metrics = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      metrics.add(new Metric("HitRate", Unit.PERCENT, i, T.plusSeconds(i), dims, true));
    }
    return metrics;
  }

  @Test
  void batchesShouldHoldAtMostAThousandMetrics() {
    List<List<Metric>> batches = PutMetricDataBatches.split(metrics(2_500, Map.of("Stage", "a")));

    assertThat(batches).extracting(List::size).containsExactly(1_000, 1_000, 500);
    assertThat(batches.stream().flatMap(List::stream).map(Metric::value).toList())
        .isEqualTo(metrics(2_500, Map.of("Stage", "a")).stream().map(Metric::value).toList());
  }

  @Test
  void batchesShouldStayUnderAMegabyteWhenMetricsAreLarge() {
    Map<String, String> big = Map.of("Target", "t".repeat(1_000), "Stage", "é".repeat(300));
    List<List<Metric>> batches = PutMetricDataBatches.split(metrics(1_000, big));

    assertThat(batches.size()).isGreaterThan(1);
    for (List<Metric> batch : batches) {
      assertThat(formEncodedSize(batch)).isLessThanOrEqualTo(PutMetricDataBatches.MAX_BYTES);
    }
    assertThat(batches.stream().mapToInt(List::size).sum()).isEqualTo(1_000);
  }

  @Test
  void theEstimateShouldNeverBeBelowTheRealEncoding() {
    for (Metric m :
        List.of(
            new Metric("KeysDeleted", Unit.COUNT, 123_456_789, T, Map.of("Target", "h:1"), false),
            new Metric(
                "HitRate",
                Unit.COUNT_PER_SECOND,
                -0.000123,
                T,
                Map.of("Stage", "ü & = ?"),
                true))) {
      assertThat(PutMetricDataBatches.encodedSize(m))
          .isGreaterThanOrEqualTo(formEncodedSize(List.of(m)));
    }
  }

  /** The metrics as the AWS Query protocol sends them, encoded here with the JDK rather than the estimate. */
  static long formEncodedSize(List<Metric> batch) {
    StringBuilder body = new StringBuilder();
    int i = 1;
    for (Metric m : batch) {
      String p = "MetricData.member." + i++ + ".";
      field(body, p + "MetricName", m.name());
      field(body, p + "Unit", m.unit().cloudWatchName());
      field(body, p + "Value", Double.toString(m.value()));
      field(body, p + "Timestamp", m.timestamp().toString());
      field(body, p + "StorageResolution", m.highResolution() ? "1" : "60");
      int d = 1;
      for (Map.Entry<String, String> e : m.dimensions().entrySet()) {
        field(body, p + "Dimensions.member." + d + ".Name", e.getKey());
        field(body, p + "Dimensions.member." + d++ + ".Value", e.getValue());
      }
    }
    return body.toString().getBytes(StandardCharsets.UTF_8).length;
  }

  static void field(StringBuilder body, String name, String value) {
    body.append('&')
        .append(URLEncoder.encode(name, StandardCharsets.UTF_8))
        .append('=')
        .append(URLEncoder.encode(value, StandardCharsets.UTF_8));
  }
}
