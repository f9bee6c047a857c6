package dev.cacheflush.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * Checks a line against the CloudWatch Embedded Metric Format specification (the rules CloudWatch
 * Logs applies before it extracts metrics), written from the specification and independently of
 * the code under test: a JSON object alone on its line; {@code _aws} with a numeric millisecond
 * {@code Timestamp} and a non-empty {@code CloudWatchMetrics} array; each directive with a
 * {@code Namespace}, {@code Dimensions} (arrays of at most 30 member names whose values are strings)
 * and 1 to 100 {@code Metrics} whose {@code Name} is a member holding a number (or up to 100
 * numbers), an optional valid {@code Unit} and an optional {@code StorageResolution} of 1 or 60;
 * no members the specification does not define in its own objects; at most 1 MB.
 */
public final class EmfValidator {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Set<String> UNITS =
      Set.of(
          "Seconds",
          "Microseconds",
          "Milliseconds",
          "Bytes",
          "Kilobytes",
          "Megabytes",
          "Gigabytes",
          "Terabytes",
          "Bits",
          "Kilobits",
          "Megabits",
          "Gigabits",
          "Terabits",
          "Percent",
          "Count",
          "Bytes/Second",
          "Kilobytes/Second",
          "Megabytes/Second",
          "Gigabytes/Second",
          "Terabytes/Second",
          "Bits/Second",
          "Kilobits/Second",
          "Megabits/Second",
          "Gigabits/Second",
          "Terabits/Second",
          "Count/Second",
          "None");

  private EmfValidator() {}

  /** The parsed document, or an AssertionError listing every rule the line breaks. */
  public static JsonNode validate(String line) {
    List<String> problems = new ArrayList<>();
    if (line.getBytes(StandardCharsets.UTF_8).length > 1_048_576) {
      problems.add("larger than 1 MB");
    }
    if (!line.equals(line.strip()) || line.contains("\n")) {
      problems.add("not a single line without surrounding whitespace");
    }
    JsonNode root;
    try {
      root = JSON.readTree(line);
    } catch (Exception e) {
      throw new AssertionError("not JSON: " + e.getMessage() + ": " + line);
    }
    if (root == null || !root.isObject()) {
      throw new AssertionError("not a JSON object: " + line);
    }
    JsonNode aws = root.get("_aws");
    if (aws == null || !aws.isObject()) {
      throw new AssertionError("no _aws object: " + line);
    }
    onlyMembers(aws, Set.of("Timestamp", "CloudWatchMetrics", "LogGroupName"), "_aws", problems);
    JsonNode timestamp = aws.get("Timestamp");
    if (timestamp == null
        || !timestamp.isIntegralNumber()
        || timestamp.asLong() < 1_000_000_000_000L) {
      problems.add("_aws.Timestamp is not milliseconds since the epoch: " + timestamp);
    }
    JsonNode directives = aws.get("CloudWatchMetrics");
    if (directives == null || !directives.isArray() || directives.isEmpty()) {
      problems.add("_aws.CloudWatchMetrics is not a non-empty array");
    } else {
      for (JsonNode directive : directives) {
        directive(root, directive, problems);
      }
    }
    if (!problems.isEmpty()) {
      throw new AssertionError("invalid EMF document " + problems + ": " + line);
    }
    return root;
  }

  private static void directive(JsonNode root, JsonNode directive, List<String> problems) {
    onlyMembers(
        directive, Set.of("Namespace", "Dimensions", "Metrics"), "MetricDirective", problems);
    JsonNode namespace = directive.get("Namespace");
    if (namespace == null
        || !namespace.isTextual()
        || namespace.asText().isEmpty()
        || namespace.asText().length() > 255) {
      problems.add("Namespace is not a string of 1-255 characters: " + namespace);
    }
    JsonNode dimensions = directive.get("Dimensions");
    if (dimensions == null || !dimensions.isArray()) {
      problems.add("Dimensions is not an array");
    } else {
      for (JsonNode set : dimensions) {
        if (!set.isArray() || set.size() > 30) {
          problems.add("a DimensionSet is not an array of at most 30 names: " + set);
          continue;
        }
        for (JsonNode name : set) {
          JsonNode value = name.isTextual() ? root.get(name.asText()) : null;
          if (value == null || !value.isTextual()) {
            problems.add("dimension " + name + " is not a top-level member with a string value");
          } else if (value.asText().isEmpty() || value.asText().length() > 1024) {
            problems.add("dimension " + name + " value is not 1-1024 characters");
          }
        }
      }
    }
    JsonNode metrics = directive.get("Metrics");
    if (metrics == null || !metrics.isArray() || metrics.isEmpty() || metrics.size() > 100) {
      problems.add("Metrics is not an array of 1-100 definitions");
      return;
    }
    Set<String> names = new HashSet<>();
    for (JsonNode definition : metrics) {
      onlyMembers(
          definition, Set.of("Name", "Unit", "StorageResolution"), "MetricDefinition", problems);
      JsonNode name = definition.get("Name");
      if (name == null
          || !name.isTextual()
          || name.asText().isEmpty()
          || name.asText().length() > 255) {
        problems.add("a MetricDefinition has no Name of 1-255 characters: " + definition);
        continue;
      }
      if (!names.add(name.asText())) {
        problems.add("metric " + name + " defined twice");
      }
      JsonNode value = root.get(name.asText());
      boolean numbers =
          value != null
              && (value.isNumber()
                  || (value.isArray()
                      && value.size() <= 100
                      && value.size() > 0
                      && allNumbers(value)));
      if (!numbers) {
        problems.add(
            "metric "
                + name
                + " is not a top-level member with a number or up to 100 numbers: "
                + value);
      }
      JsonNode unit = definition.get("Unit");
      if (unit != null && (!unit.isTextual() || !UNITS.contains(unit.asText()))) {
        problems.add("metric " + name + " has an invalid Unit " + unit);
      }
      JsonNode resolution = definition.get("StorageResolution");
      if (resolution != null
          && !(resolution.isInt() && (resolution.asInt() == 1 || resolution.asInt() == 60))) {
        problems.add(
            "metric " + name + " has a StorageResolution other than 1 or 60: " + resolution);
      }
    }
  }

  private static boolean allNumbers(JsonNode array) {
    for (JsonNode n : array) {
      if (!n.isNumber()) {
        return false;
      }
    }
    return true;
  }

  private static void onlyMembers(
      JsonNode object, Set<String> allowed, String what, List<String> problems) {
    if (!object.isObject()) {
      problems.add(what + " is not an object");
      return;
    }
    for (Iterator<String> it = object.fieldNames(); it.hasNext(); ) {
      String field = it.next();
      if (!allowed.contains(field)) {
        problems.add(what + " has a member the specification does not define: " + field);
      }
    }
  }
}
