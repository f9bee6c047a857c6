package dev.cacheflush.metrics;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * A CloudWatch dashboard body that puts the tool's metrics beside what AWS measures itself:
 * ElastiCache's CacheHitRate, EngineCPUUtilization and CurrItems for the given cache clusters, and
 * RDS's ReadLatency/WriteLatency for the given database instances. The tool's metrics are found
 * with SEARCH, so every target and stage shows up as its own line without naming them here.
 */
public final class Dashboard {
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  private static final int HALF = 12;
  private static final int HEIGHT = 6;

  private final String namespace;
  private final String region;
  private final List<String> cacheClusterIds;
  private final List<String> dbInstanceIds;

  public Dashboard(
      String namespace, String region, List<String> cacheClusterIds, List<String> dbInstanceIds) {
    this.namespace = namespace;
    this.region = region;
    this.cacheClusterIds = List.copyOf(cacheClusterIds);
    this.dbInstanceIds = List.copyOf(dbInstanceIds);
  }

  public String body() {
    ObjectNode root = JSON.createObjectNode();
    root.put("start", "-PT3H");
    root.put("periodOverride", "inherit");
    ArrayNode widgets = root.putArray("widgets");

    ObjectNode text = widgets.addObject();
    text.put("type", "text");
    place(text, 0, 0, 24, 2);
    text.putObject("properties")
        .put(
            "markdown",
            "## Cache flush before rollout stages\n"
                + "`cacheflush` metrics (namespace `"
                + namespace
                + "`, one line per Target and Stage) beside ElastiCache "
                + "and RDS. Runbook: flush, watch the hit rate recover and the database settle, then advance the weights.");

    ObjectNode hitRateWidget = widget(widgets, "Hit rate (%)", 0, 2, "Average", 10);
    hitRateWidget.putObject("yAxis").putObject("left").put("min", 0).put("max", 100);
    ArrayNode hitRate = metricsOf(hitRateWidget);
    search(hitRate, "hr", FlushMetrics.HIT_RATE, "Average", 10, "cacheflush watch", false);
    search(hitRate, "hb", FlushMetrics.HIT_RATE_BEFORE, "Average", 60, "before flush", false);
    search(hitRate, "ha", FlushMetrics.HIT_RATE_AFTER, "Average", 60, "after flush", false);
    for (String id : cacheClusterIds) {
      aws(hitRate, "AWS/ElastiCache", "CacheHitRate", "CacheClusterId", id, false);
    }

    ArrayNode load = metricsOf(widget(widgets, "Redis load", HALF, 2, "Average", 60));
    for (String id : cacheClusterIds) {
      aws(load, "AWS/ElastiCache", "EngineCPUUtilization", "CacheClusterId", id, false);
    }
    search(load, "ops", FlushMetrics.OPS, "Average", 10, "ops/s (cacheflush)", true);

    ArrayNode db =
        metricsOf(
            widget(
                widgets,
                "Database latency: cacheflush probe ms (left), RDS seconds (right)",
                0,
                2 + HEIGHT,
                "Average",
                60));
    search(db, "p50", FlushMetrics.DB_LATENCY_P50, "Average", 10, "probe p50", false);
    search(db, "p99", FlushMetrics.DB_LATENCY_P99, "Maximum", 10, "probe p99", false);
    for (String id : dbInstanceIds) {
      aws(db, "AWS/RDS", "ReadLatency", "DBInstanceIdentifier", id, true);
      aws(db, "AWS/RDS", "WriteLatency", "DBInstanceIdentifier", id, true);
    }

    ArrayNode flush =
        metricsOf(
            widget(
                widgets, "Flushes: keys (left), duration ms (right)", HALF, 2 + HEIGHT, "Sum", 60));
    search(flush, "scan", FlushMetrics.KEYS_SCANNED, "Sum", 60, "scanned", false);
    search(flush, "del", FlushMetrics.KEYS_DELETED, "Sum", 60, "deleted", false);
    search(flush, "mat", FlushMetrics.KEYS_MATCHED, "Sum", 60, "matched", false);
    search(flush, "pre", FlushMetrics.KEYS_PRESERVED, "Sum", 60, "preserved", false);
    search(flush, "dur", FlushMetrics.FLUSH_DURATION, "Maximum", 60, "duration", true);

    ArrayNode spike =
        metricsOf(
            widget(
                widgets,
                "Database latency around flushes: ms (left), spike ratio (right)",
                0,
                2 + 2 * HEIGHT,
                "Maximum",
                60));
    search(spike, "bp50", FlushMetrics.DB_BASELINE_P50, "Maximum", 60, "baseline p50", false);
    search(spike, "dp50", FlushMetrics.DB_DURING_P50, "Maximum", 60, "after p50", false);
    search(spike, "bp99", FlushMetrics.DB_BASELINE_P99, "Maximum", 60, "baseline p99", false);
    search(spike, "dp99", FlushMetrics.DB_DURING_P99, "Maximum", 60, "after p99", false);
    search(spike, "ratio", FlushMetrics.DB_SPIKE_RATIO, "Maximum", 60, "spike ratio", true);

    ArrayNode keys =
        metricsOf(widget(widgets, "Keys in the cache", HALF, 2 + 2 * HEIGHT, "Average", 60));
    search(keys, "keys", FlushMetrics.KEYS, "Average", 10, "keys (cacheflush)", false);
    for (String id : cacheClusterIds) {
      aws(keys, "AWS/ElastiCache", "CurrItems", "CacheClusterId", id, false);
    }

    try {
      return JSON.writeValueAsString(root);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("dashboard body is not serialisable", e);
    }
  }

  /** A time-series widget with an empty metrics array; returns its properties. */
  private ObjectNode widget(
      ArrayNode widgets, String title, int x, int y, String stat, int period) {
    ObjectNode widget = widgets.addObject();
    widget.put("type", "metric");
    place(widget, x, y, HALF, HEIGHT);
    ObjectNode properties = widget.putObject("properties");
    properties.put("title", title);
    properties.put("view", "timeSeries");
    properties.put("stacked", false);
    properties.put("region", region);
    properties.put("stat", stat);
    properties.put("period", period);
    properties.putArray("metrics");
    return properties;
  }

  private static ArrayNode metricsOf(ObjectNode properties) {
    return (ArrayNode) properties.get("metrics");
  }

  private static void place(ObjectNode widget, int x, int y, int width, int height) {
    widget.put("x", x);
    widget.put("y", y);
    widget.put("width", width);
    widget.put("height", height);
  }

  private void search(
      ArrayNode metrics,
      String id,
      String name,
      String stat,
      int period,
      String label,
      boolean rightAxis) {
    ObjectNode expression = metrics.addArray().addObject();
    expression.put(
        "expression",
        "SEARCH('{\""
            + namespace
            + "\","
            + FlushMetrics.STAGE
            + ","
            + FlushMetrics.TARGET
            + "} MetricName=\""
            + name
            + "\"', '"
            + stat
            + "', "
            + period
            + ")");
    expression.put("id", id);
    expression.put("label", label);
    if (rightAxis) {
      expression.put("yAxis", "right");
    }
  }

  private static void aws(
      ArrayNode metrics,
      String namespace,
      String name,
      String dimension,
      String id,
      boolean rightAxis) {
    ArrayNode metric = metrics.addArray();
    metric.add(namespace).add(name).add(dimension).add(id);
    ObjectNode options = metric.addObject();
    options.put("label", name + " " + id);
    if (rightAxis) {
      options.put("yAxis", "right");
    }
  }
}
