package dev.cacheflush.metrics;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * CloudWatch Embedded Metric Format: one JSON document per line, for Lambda and ECS where stdout
 * reaches CloudWatch Logs, which turns each document into metrics. A document has one timestamp
 * and one dimension set, each metric once, and at most 100 metrics (the format's limits), so
 * metrics are grouped by timestamp and dimensions and split where needed.
 */
public final class EmfSink implements MetricsSink {
  static final int MAX_METRICS_PER_DOCUMENT = 100;
  private static final ObjectMapper JSON = new ObjectMapper();

  private final PrintWriter out;
  private final String namespace;

  public EmfSink(PrintWriter out, String namespace) {
    this.out = out;
    this.namespace = namespace;
  }

  private record Group(Instant timestamp, Map<String, String> dimensions) {}

  @Override
  public void publish(List<Metric> metrics) {
    Map<Group, List<Metric>> groups = new LinkedHashMap<>();
    for (Metric m : metrics) {
      groups
          .computeIfAbsent(new Group(m.timestamp(), m.dimensions()), g -> new ArrayList<>())
          .add(m);
    }
    groups.forEach(
        (group, members) -> {
          List<Metric> document = new ArrayList<>();
          for (Metric m : members) {
            boolean repeated = document.stream().anyMatch(d -> Objects.equals(d.name(), m.name()));
            if (repeated || document.size() == MAX_METRICS_PER_DOCUMENT) {
              write(group, document);
              document = new ArrayList<>();
            }
            document.add(m);
          }
          write(group, document);
        });
    out.flush();
  }

  private void write(Group group, List<Metric> metrics) {
    ObjectNode root = JSON.createObjectNode();
    ObjectNode aws = root.putObject("_aws");
    aws.put("Timestamp", group.timestamp().toEpochMilli());
    ObjectNode directive = aws.putArray("CloudWatchMetrics").addObject();
    directive.put("Namespace", namespace);
    ArrayNode dimensionSet = directive.putArray("Dimensions").addArray();
    group.dimensions().keySet().forEach(dimensionSet::add);
    ArrayNode definitions = directive.putArray("Metrics");
    for (Metric m : metrics) {
      ObjectNode definition = definitions.addObject();
      definition.put("Name", m.name());
      definition.put("Unit", m.unit().cloudWatchName());
      if (m.highResolution()) {
        definition.put("StorageResolution", 1);
      }
    }
    group.dimensions().forEach(root::put);
    for (Metric m : metrics) {
      root.put(m.name(), m.value());
    }
    out.println(root.toString());
  }

  @Override
  public void close() {
    out.flush();
  }
}
