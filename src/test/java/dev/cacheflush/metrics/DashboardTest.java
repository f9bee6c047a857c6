package dev.cacheflush.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class DashboardTest {
  static JsonNode body(List<String> caches, List<String> dbs) throws Exception {
    return new ObjectMapper()
        .readTree(new Dashboard("Cacheflush", "eu-west-1", caches, dbs).body());
  }

  static List<JsonNode> metricWidgets(JsonNode body) {
    List<JsonNode> widgets = new ArrayList<>();
    body.get("widgets")
        .forEach(
            w -> {
              if (w.get("type").asText().equals("metric")) {
                widgets.add(w);
              }
            });
    return widgets;
  }

  @Test
  void awsMetricsShouldSitBesideTheToolsForEveryGivenResource() throws Exception {
    JsonNode body = body(List.of("shop-redis-001", "shop-redis-002"), List.of("shop-db"));
    String text = body.toString();

    for (String id : List.of("shop-redis-001", "shop-redis-002")) {
      assertThat(text)
          .contains("[\"AWS/ElastiCache\",\"CacheHitRate\",\"CacheClusterId\",\"" + id + "\"")
          .contains(
              "[\"AWS/ElastiCache\",\"EngineCPUUtilization\",\"CacheClusterId\",\"" + id + "\"");
    }
    assertThat(text)
        .contains("[\"AWS/RDS\",\"ReadLatency\",\"DBInstanceIdentifier\",\"shop-db\"")
        .contains("[\"AWS/RDS\",\"WriteLatency\",\"DBInstanceIdentifier\",\"shop-db\"");
    JsonNode hitRate = metricWidgets(body).get(0).get("properties");
    assertThat(hitRate.get("title").asText()).startsWith("Hit rate");
    assertThat(hitRate.get("metrics").toString())
        .contains("CacheHitRate")
        .contains("MetricName=\\\"HitRate\\\"");
  }

  @Test
  void everyWidgetShouldBeAPlacedTimeSeriesInTheRegion() throws Exception {
    JsonNode body = body(List.of("c"), List.of("d"));

    assertThat(body.get("widgets"))
        .allSatisfy(
            w -> {
              assertThat(w.get("x").asInt() + w.get("width").asInt()).isLessThanOrEqualTo(24);
              assertThat(w.has("y")).isTrue();
              assertThat(w.has("height")).isTrue();
            });
    assertThat(metricWidgets(body))
        .hasSize(6)
        .allSatisfy(
            w -> {
              assertThat(w.get("properties").get("region").asText()).isEqualTo("eu-west-1");
              assertThat(w.get("properties").get("view").asText()).isEqualTo("timeSeries");
              assertThat(w.get("properties").get("metrics").size()).isPositive();
            });
  }

  @Test
  void everyMetricTheToolPublishesShouldBeOnTheDashboard() throws Exception {
    String text = body(List.of(), List.of()).toString();

    for (Field f : FlushMetrics.class.getFields()) {
      String name = (String) f.get(null);
      if (Modifier.isStatic(f.getModifiers())
          && !name.equals(FlushMetrics.TARGET)
          && !name.equals(FlushMetrics.STAGE)) {
        assertThat(text).as(name).contains("MetricName=\\\"" + name + "\\\"");
      }
    }
    assertThat(text).contains("SEARCH('{\\\"Cacheflush\\\",Stage,Target}");
  }

  @Test
  void withoutResourcesOnlyTheToolsMetricsShouldShow() throws Exception {
    assertThat(body(List.of(), List.of()).toString())
        .doesNotContain("AWS/ElastiCache")
        .doesNotContain("AWS/RDS");
  }
}
