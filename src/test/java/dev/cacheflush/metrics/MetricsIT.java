package dev.cacheflush.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cacheflush.support.CliRun;
import dev.cacheflush.support.CloudWatchStub;
import dev.cacheflush.support.EmfValidator;
import dev.cacheflush.support.Keyspace;
import dev.cacheflush.support.LogCapture;
import dev.cacheflush.support.RedisServer;
import dev.cacheflush.support.RedisServers;
import java.net.URI;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Metrics as they leave the process: through the real AWS SDK to a local CloudWatch stand-in that
 * decodes the wire format, and as EMF documents on stdout. Credentials and region are static test
 * values given as system properties (the SDK's default chain reads them first); no request ever
 * leaves the machine.
 */
class MetricsIT {
  static final String ACCESS_KEY = "AKIDCACHEFLUSHTEST";
  static final String SECRET_KEY = "cacheflush-test-secret-do-not-print";
  static final String REGION = "eu-west-1";

  static RedisServer redis;
  static CloudWatchStub cloudWatch;
  static Keyspace keyspace;

  Keyspace reader;
  Thread readers;
  volatile boolean reading;
  LogCapture logs;

  @BeforeAll
  static void start() {
    System.setProperty("aws.accessKeyId", ACCESS_KEY);
    System.setProperty("aws.secretAccessKey", SECRET_KEY);
    System.setProperty("aws.region", REGION);
    redis = RedisServers.standalone();
    keyspace = new Keyspace(redis.url());
    cloudWatch = new CloudWatchStub();
  }

  @AfterAll
  static void stop() {
    cloudWatch.close();
    keyspace.close();
    redis.close();
    System.clearProperty("aws.accessKeyId");
    System.clearProperty("aws.secretAccessKey");
    System.clearProperty("aws.region");
  }

  /** 500 mocs and 300 gallery keys to flush, 200 sessions to keep (strings, for GET), and a client reading both. */
  @BeforeEach
  void fill() {
    keyspace.connection().sync().flushall();
    Map<byte[], byte[]> strings = new HashMap<>();
    Keyspace.families(Map.of("mocs", 500, "gallery", 300, "sessions", 200))
        .forEach(k -> strings.put(k, k));
    keyspace.connection().sync().mset(strings);
    cloudWatch.reset();
    logs = new LogCapture();
    reader = new Keyspace(redis.url());
    reading = true;
    readers =
        new Thread(
            () -> {
              for (int i = 0; reading; i++) {
                reader
                    .connection()
                    .sync()
                    .get(Keyspace.bytes((i % 2 == 0 ? "mocs:" : "sessions:") + (i % 200)));
                try {
                  Thread.sleep(2);
                } catch (InterruptedException e) {
                  return;
                }
              }
            });
    readers.start();
  }

  @AfterEach
  void stopReading() throws InterruptedException {
    reading = false;
    readers.join();
    reader.close();
    logs.close();
  }

  static CliRun.Result cacheflush(String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.add(1, "--redis-url");
    all.add(2, redis.url());
    return new CliRun().run(all.toArray(String[]::new));
  }

  @Test
  void flushShouldPublishNamesUnitsDimensionsAndValuesToCloudWatch() throws Exception {
    CliRun.Result r =
        cacheflush(
            "flush",
            "--yes",
            "--metrics",
            "cloudwatch",
            "--metrics-endpoint",
            cloudWatch.endpoint(),
            "--stage",
            "canary-10",
            "--sample-window",
            "500ms",
            "--watch",
            "2s",
            "--interval",
            "1s",
            "--format",
            "json");

    assertThat(r.exitCode()).as(r.err()).isZero();
    JsonNode report = new ObjectMapper().readTree(r.out());
    assertThat(cloudWatch.refused()).isEmpty();
    List<CloudWatchStub.Request> requests = cloudWatch.requests();
    assertThat(requests)
        .isNotEmpty()
        .allSatisfy(
            q -> {
              assertThat(q.action()).isEqualTo("PutMetricData");
              assertThat(q.fields()).containsEntry("Namespace", "Cacheflush");
              assertThat(q.contentType()).isEqualTo("application/cbor");
              assertThat(q.authorization())
                  .startsWith("AWS4-HMAC-SHA256 Credential=" + ACCESS_KEY + "/")
                  .contains("/" + REGION + "/monitoring/aws4_request");
              assertThat(q.fields().toString() + q.authorization()).doesNotContain(SECRET_KEY);
            });

    List<CloudWatchStub.Datum> data = cloudWatch.data();
    Map<String, String> dimensions = new LinkedHashMap<>();
    dimensions.put("Target", "127.0.0.1:" + redis.port());
    dimensions.put("Stage", "canary-10");
    assertThat(data)
        .allSatisfy(d -> assertThat(d.dimensions()).containsExactlyEntriesOf(dimensions));
    Map<String, List<CloudWatchStub.Datum>> byName =
        data.stream()
            .collect(
                Collectors.groupingBy(
                    CloudWatchStub.Datum::name, LinkedHashMap::new, Collectors.toList()));
    assertThat(byName)
        .containsOnlyKeys(
            "KeysScanned",
            "KeysMatched",
            "KeysDeleted",
            "KeysPreserved",
            "FlushDuration",
            "HitRateBefore",
            "HitRateAfter",
            "HitRate",
            "OpsPerSecond",
            "Keys");

    one(byName, "KeysScanned", "Count", 60, report.get("keysScanned").asDouble());
    one(byName, "KeysMatched", "Count", 60, 800);
    one(byName, "KeysDeleted", "Count", 60, 800);
    one(byName, "KeysPreserved", "Count", 60, 200);
    one(byName, "FlushDuration", "Milliseconds", 60, report.get("durationMs").asDouble());
    // RPC v2 CBOR carries a timestamp as epoch seconds with milliseconds.
    assertThat(byName.get("KeysDeleted").get(0).timestamp())
        .isEqualTo(
            Instant.parse(report.get("flushFinishedAt").asText()).truncatedTo(ChronoUnit.MILLIS));
    JsonNode hitRate = report.get("hitRate");
    one(
        byName,
        "HitRateBefore",
        "Percent",
        60,
        hitRate.get("before").get("ratio").asDouble() * 100);
    one(byName, "HitRateAfter", "Percent", 60, hitRate.get("after").get("ratio").asDouble() * 100);
    assertThat(hitRate.get("before").get("ratio").asDouble()).isEqualTo(1.0);
    assertThat(hitRate.get("after").get("ratio").asDouble()).isLessThan(0.9);

    JsonNode intervals = report.get("watch").get("intervals");
    assertThat(intervals).hasSize(2);
    for (String series : List.of("HitRate", "OpsPerSecond", "Keys")) {
      assertThat(byName.get(series))
          .hasSize(2)
          .allSatisfy(d -> assertThat(d.storageResolution()).isEqualTo(1));
    }
    for (int i = 0; i < 2; i++) {
      JsonNode interval = intervals.get(i);
      Instant at = Instant.parse(interval.get("endedAt").asText());
      assertThat(byName.get("HitRate").get(i).value())
          .isCloseTo(interval.get("hitRate").asDouble() * 100, within(1e-9));
      assertThat(byName.get("HitRate").get(i).unit()).isEqualTo("Percent");
      assertThat(byName.get("HitRate").get(i).timestamp())
          .isEqualTo(at.truncatedTo(ChronoUnit.MILLIS));
      assertThat(byName.get("OpsPerSecond").get(i).unit()).isEqualTo("Count/Second");
      assertThat(byName.get("OpsPerSecond").get(i).value())
          .isEqualTo(interval.get("opsPerSecond").asDouble());
      assertThat(byName.get("Keys").get(i).value()).isEqualTo(interval.get("keys").asDouble());
    }
  }

  static void one(
      Map<String, List<CloudWatchStub.Datum>> byName,
      String name,
      String unit,
      int resolution,
      double value) {
    assertThat(byName.get(name)).as(name).hasSize(1);
    CloudWatchStub.Datum d = byName.get(name).get(0);
    assertThat(d.unit()).as(name).isEqualTo(unit);
    assertThat(d.storageResolution()).as(name).isEqualTo(resolution);
    assertThat(d.value()).as(name).isCloseTo(value, within(1e-9));
  }

  @ParameterizedTest
  @ValueSource(ints = {500, 400})
  void aFailingCloudWatchShouldBeAWarningNeverAFailedFlush(int status) throws Exception {
    cloudWatch.failWith(status);

    CliRun.Result r =
        cacheflush(
            "flush",
            "--yes",
            "--metrics",
            "cloudwatch",
            "--metrics-endpoint",
            cloudWatch.endpoint(),
            "--sample-window",
            "200ms",
            "--format",
            "json");

    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(r.errorLines()).isEmpty();
    assertThat(new ObjectMapper().readTree(r.out()).get("outcome").asText()).isEqualTo("completed");
    assertThat(keyspace.dbSize()).isEqualTo(200);
    assertThat(cloudWatch.requests()).isNotEmpty();
    // Two requests (the flush with the hit rate before it, then the hit rate after): the first
    // failure
    // in full, then one count, not a line per request.
    List<String> warnings = logs.warnings();
    assertThat(warnings).hasSize(2);
    assertThat(warnings.get(0))
        .startsWith("Could not publish 6 metrics to CloudWatch (the run goes on)")
        .contains("Status Code: " + status);
    assertThat(warnings.get(1))
        .isEqualTo("2 of 2 CloudWatch requests failed; their metrics were not published");
  }

  @Test
  void batchesShouldStayWithinPutMetricDataLimits() {
    Instant t = Instant.parse("2025-06-01T12:00:00Z");
    List<Metric> metrics = new ArrayList<>();
    for (int i = 0; i < 2_500; i++) {
      metrics.add(
          new Metric("HitRate", Unit.PERCENT, i, t.plusSeconds(i), Map.of("Stage", "s"), true));
    }
    Map<String, String> large = Map.of("Target", "t".repeat(1_000), "Stage", "s".repeat(1_000));
    for (int i = 2_500; i < 3_100; i++) {
      metrics.add(new Metric("Keys", Unit.COUNT, i, t.plusSeconds(i), large, false));
    }

    try (CloudWatchSink sink =
        new CloudWatchSink(
            CloudWatchClients.create(URI.create(cloudWatch.endpoint()), null), "Cacheflush")) {
      sink.publish(metrics);
    }

    List<CloudWatchStub.Request> requests = cloudWatch.requests();
    assertThat(requests)
        .allSatisfy(
            q -> {
              assertThat(q.data().size()).isBetween(1, 1_000);
              assertThat(q.decodedBytes()).isLessThanOrEqualTo(1_048_576);
            });
    assertThat(requests).extracting(q -> q.data().size()).contains(1_000);
    // The SDK compresses large bodies; the stub had to gunzip them to count the metrics above.
    assertThat(requests)
        .allSatisfy(
            q -> {
              assertThat(q.gzipped()).isTrue();
              assertThat(q.bodyBytes()).isLessThan(q.decodedBytes());
            });
    Map<Double, Integer> seen = new HashMap<>();
    cloudWatch.data().forEach(d -> seen.merge(d.value(), 1, Integer::sum));
    assertThat(seen).hasSize(3_100).allSatisfy((value, times) -> assertThat(times).isEqualTo(1));
    assertThat(cloudWatch.data().stream().filter(d -> d.name().equals("Keys")))
        .allSatisfy(d -> assertThat(d.dimensions()).isEqualTo(large));
  }

  @Test
  void emfShouldPutValidDocumentsOnStdout() {
    CliRun.Result r =
        cacheflush(
            "flush",
            "--yes",
            "--metrics",
            "emf",
            "--stage",
            "canary-10",
            "--sample-window",
            "500ms",
            "--watch",
            "2s",
            "--interval",
            "1s");

    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(cloudWatch.requests()).isEmpty();
    List<JsonNode> documents =
        r.out().lines().filter(l -> l.startsWith("{")).map(EmfValidator::validate).toList();
    assertThat(documents)
        .isNotEmpty()
        .allSatisfy(
            d -> {
              assertThat(d.get("_aws").get("CloudWatchMetrics").get(0).get("Namespace").asText())
                  .isEqualTo("Cacheflush");
              assertThat(d.get("Stage").asText()).isEqualTo("canary-10");
              assertThat(d.get("Target").asText()).isEqualTo("127.0.0.1:" + redis.port());
            });
    Map<String, List<Double>> values = new LinkedHashMap<>();
    for (JsonNode d : documents) {
      d.get("_aws")
          .get("CloudWatchMetrics")
          .get(0)
          .get("Metrics")
          .forEach(
              m ->
                  values
                      .computeIfAbsent(m.get("Name").asText(), n -> new ArrayList<>())
                      .add(d.get(m.get("Name").asText()).asDouble()));
    }
    assertThat(values.get("KeysDeleted")).containsExactly(800.0);
    assertThat(values.get("KeysPreserved")).containsExactly(200.0);
    assertThat(values.get("HitRateBefore")).containsExactly(100.0);
    assertThat(values.get("HitRate")).hasSize(2);
    assertThat(r.out()).contains("Outcome   completed (exit 0)").contains("Hit rate  100.0% of");
  }

  @Test
  void dashboardApplyShouldSaveTheBodyWithPutDashboard() throws Exception {
    cloudWatch.validationMessage("The widget has no metrics yet");

    CliRun.Result r =
        new CliRun()
            .run(
                "dashboard",
                "--apply",
                "--metrics-endpoint",
                cloudWatch.endpoint(),
                "--cache-cluster-id",
                "shop-redis-001",
                "--db-instance-id",
                "shop-db",
                "--dashboard-name",
                "rollout");

    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(r.out().strip()).isEqualTo("Dashboard 'rollout' saved in " + REGION);
    assertThat(r.errorLines())
        .containsExactly("cacheflush: CloudWatch: /widgets/0: The widget has no metrics yet");
    CloudWatchStub.Request put = cloudWatch.requests().get(0);
    assertThat(put.action()).isEqualTo("PutDashboard");
    assertThat(put.fields()).containsEntry("DashboardName", "rollout");
    JsonNode body = new ObjectMapper().readTree(put.fields().get("DashboardBody"));
    assertThat(body.get("widgets").size()).isGreaterThan(5);
    assertThat(body.toString())
        .contains("shop-redis-001")
        .contains("shop-db")
        .contains("\"region\":\"" + REGION + "\"");

    CliRun.Result printed = new CliRun().run("dashboard", "--cache-cluster-id", "shop-redis-001");
    assertThat(printed.exitCode()).isZero();
    assertThat(new ObjectMapper().readTree(printed.out()).get("widgets").size())
        .isEqualTo(body.get("widgets").size());
    assertThat(cloudWatch.requests()).hasSize(1);
  }

  @Test
  void aFailedPutDashboardShouldBeAnErrorWithExitOne() {
    cloudWatch.failWith(400);

    CliRun.Result r =
        new CliRun().run("dashboard", "--apply", "--metrics-endpoint", cloudWatch.endpoint());

    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.errorLines())
        .hasSize(1)
        .allSatisfy(
            l ->
                assertThat(l)
                    .startsWith(
                        "cacheflush: CloudWatch did not save dashboard 'cacheflush': stub failure 400"));
  }
}
