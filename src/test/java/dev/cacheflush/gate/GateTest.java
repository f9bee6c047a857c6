package dev.cacheflush.gate;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.junit.jupiter.api.Test;

class GateTest {
  static final ObjectMapper JSON = new ObjectMapper();
  static final Gate.Thresholds BOTH = new Gate.Thresholds(0.8, 1.5, 5, 3);
  static final JsonNode FLUSH =
      json(
          "{'schemaVersion':1,'command':'flush','target':'redis://c:6379',"
              + "'database':{'baseline':{'p50Ms':10.0},'error':null}}");

  static JsonNode json(String text) {
    try {
      return JSON.readTree(text.replace('\'', '"'));
    } catch (Exception e) {
      throw new IllegalArgumentException(e);
    }
  }

  static JsonNode watch(String outcome, String intervals, String database) {
    return json(
        "{'schemaVersion':1,'command':'watch','target':'redis://c:6379','watch':{'outcome':'"
            + outcome
            + "','message':'Redis stopped answering','intervals':["
            + intervals
            + "]},'database':"
            + database
            + "}");
  }

  static String interval(Double hitRate, Double p50) {
    return "{'hitRate':" + hitRate + ",'dbP50Ms':" + p50 + "}";
  }

  static List<Gate.Check> check(JsonNode watch, JsonNode flush) {
    return Gate.check(watch, "watch.json", flush, "flush.json", BOTH);
  }

  @Test
  void oneSlowIntervalShouldNotFailTheDatabaseButMostSlowIntervalsShould() {
    String db = "{'error':null}";
    List<Gate.Check> noise =
        check(
            watch(
                "observed",
                String.join(",", interval(0.9, 11.0), interval(0.9, 40.0), interval(0.9, 12.0)),
                db),
            FLUSH);
    List<Gate.Check> slow =
        check(
            watch(
                "observed",
                String.join(",", interval(0.9, 16.0), interval(0.9, 40.0), interval(0.9, 12.0)),
                db),
            FLUSH);

    assertThat(noise).extracting(Gate.Check::passed).containsExactly(true, true);
    assertThat(noise.get(1).line()).contains("median 12.0 ms; the gate allows 15.0 ms");
    assertThat(slow.get(1).passed()).isFalse();
    assertThat(slow.get(1).line())
        .startsWith("FAILED  database: p50 16.0 ms, 40.0 ms, 12.0 ms")
        .endsWith("not settled");
  }

  @Test
  void anIntervalWithoutLookupsShouldFailTheHitRate() {
    List<Gate.Check> checks =
        check(
            watch(
                "observed",
                String.join(",", interval(0.9, 10.0), interval(null, 10.0), interval(0.95, 10.0)),
                "{'error':null}"),
            FLUSH);

    assertThat(checks.get(0).line())
        .isEqualTo(
            "FAILED  hit rate: 90.0%, n/a (no lookups), 95.0% in the last 3 "
                + "intervals; the gate needs 80.0% or more in each: not recovered");
  }

  @Test
  void aFailedWatchAndReportsOfTwoCachesShouldFail() {
    JsonNode otherCache =
        json(
            "{'schemaVersion':1,'command':'flush','target':'redis://other:6379',"
                + "'database':{'baseline':{'p50Ms':10.0}}}");
    String good = String.join(",", interval(0.9, 10.0), interval(0.9, 10.0), interval(0.9, 10.0));

    assertThat(check(watch("failed", good, "{'error':null}"), FLUSH))
        .first()
        .extracting(Gate.Check::line)
        .isEqualTo("FAILED  watch: the watch in watch.json failed: Redis stopped answering");
    assertThat(check(watch("observed", good, "{'error':null}"), otherCache).get(1).line())
        .isEqualTo(
            "FAILED  database: watch.json and flush.json are of different caches (redis://c:6379, "
                + "redis://other:6379)");
  }
}
