package dev.cacheflush.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cacheflush.support.EmfValidator;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EmfSinkTest {
  static final Instant T = Instant.parse("2025-06-01T12:00:00.123Z");
  static final Map<String, String> DIMS = Map.of("Target", "cache:6379", "Stage", "canary-10");

  static List<JsonNode> publish(List<Metric> metrics) {
    StringWriter out = new StringWriter();
    try (EmfSink sink = new EmfSink(new PrintWriter(out), "Cacheflush")) {
      sink.publish(metrics);
    }
    return out.toString().lines().map(EmfValidator::validate).toList();
  }

  @Test
  void eachDocumentShouldCarryTheRequiredFieldsAndItsValuesAtTheTopLevel() {
    List<JsonNode> docs =
        publish(
            List.of(
                new Metric("KeysDeleted", Unit.COUNT, 50_000, T, DIMS, false),
                new Metric("HitRate", Unit.PERCENT, 42.5, T, DIMS, true)));

    assertThat(docs).hasSize(1);
    JsonNode doc = docs.get(0);
    assertThat(doc.get("_aws").get("Timestamp").asLong()).isEqualTo(T.toEpochMilli());
    JsonNode directive = doc.get("_aws").get("CloudWatchMetrics").get(0);
    assertThat(directive.get("Namespace").asText()).isEqualTo("Cacheflush");
    assertThat(directive.get("Dimensions").get(0))
        .extracting(JsonNode::asText)
        .containsExactlyInAnyOrder("Target", "Stage");
    assertThat(directive.get("Metrics").get(0).get("Name").asText()).isEqualTo("KeysDeleted");
    assertThat(directive.get("Metrics").get(0).get("Unit").asText()).isEqualTo("Count");
    assertThat(directive.get("Metrics").get(0).has("StorageResolution")).isFalse();
    assertThat(directive.get("Metrics").get(1).get("Unit").asText()).isEqualTo("Percent");
    assertThat(directive.get("Metrics").get(1).get("StorageResolution").asInt()).isEqualTo(1);
    assertThat(doc.get("KeysDeleted").asDouble()).isEqualTo(50_000);
    assertThat(doc.get("HitRate").asDouble()).isEqualTo(42.5);
    assertThat(doc.get("Target").asText()).isEqualTo("cache:6379");
    assertThat(doc.get("Stage").asText()).isEqualTo("canary-10");
  }

  @Test
  void metricsShouldBeSplitAtTheFormatsLimitOfAHundredPerDocument() {
    List<Metric> metrics = new ArrayList<>();
    for (int i = 0; i < 250; i++) {
      metrics.add(new Metric("M" + i, Unit.COUNT, i, T, DIMS, false));
    }

    List<JsonNode> docs = publish(metrics);

    assertThat(docs)
        .extracting(d -> d.get("_aws").get("CloudWatchMetrics").get(0).get("Metrics").size())
        .containsExactly(100, 100, 50);
    assertThat(docs.get(2).get("M249").asInt()).isEqualTo(249);
  }

  @Test
  void timestampsDimensionsAndRepeatedNamesShouldGoToSeparateDocuments() {
    List<JsonNode> docs =
        publish(
            List.of(
                new Metric("HitRate", Unit.PERCENT, 10, T, DIMS, true),
                new Metric("HitRate", Unit.PERCENT, 20, T.plusSeconds(1), DIMS, true),
                new Metric(
                    "HitRate",
                    Unit.PERCENT,
                    30,
                    T,
                    Map.of("Target", "other:6379", "Stage", "canary-10"),
                    true),
                new Metric("HitRate", Unit.PERCENT, 40, T, DIMS, true)));

    assertThat(docs).extracting(d -> d.get("HitRate").asInt()).containsExactly(10, 40, 20, 30);
  }

  @Test
  void theValidatorShouldRejectWhatTheSpecificationForbids() {
    assertThatThrownBy(
            () ->
                EmfValidator.validate(
                    "{\"_aws\":{\"Timestamp\":1700000000000,\"CloudWatchMetrics\":"
                        + "[{\"Namespace\":\"N\",\"Dimensions\":[[\"Stage\"]],\"Metrics\":[{\"Name\":\"X\",\"Unit\":\"Percent\"}]}]},"
                        + "\"Stage\":\"a\"}"))
        .hasMessageContaining("metric \"X\" is not a top-level member");
    assertThatThrownBy(
            () ->
                EmfValidator.validate(
                    "{\"_aws\":{\"CloudWatchMetrics\":[{\"Namespace\":\"N\","
                        + "\"Dimensions\":[[]],\"Metrics\":[{\"Name\":\"X\"}]}]},\"X\":1}"))
        .hasMessageContaining("Timestamp");
    assertThatThrownBy(
            () ->
                EmfValidator.validate(
                    "{\"_aws\":{\"Timestamp\":1700000000000,\"CloudWatchMetrics\":"
                        + "[{\"Namespace\":\"N\",\"Dimensions\":[[\"Stage\"]],\"Metrics\":[{\"Name\":\"X\",\"Unit\":\"percent\"}]}]},"
                        + "\"X\":1,\"Stage\":2}"))
        .hasMessageContaining("invalid Unit")
        .hasMessageContaining("string value");
  }
}
