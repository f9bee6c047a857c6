package dev.cacheflush.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import dev.cacheflush.support.CliRun;
import dev.cacheflush.support.FreePorts;
import dev.cacheflush.support.Keyspace;
import dev.cacheflush.support.RedisServer;
import dev.cacheflush.support.RedisServers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * docs/report.schema.json is what CI pipelines rely on: every report a real run writes (a plan, a
 * flush observed and watched, a watch, a flush refused at connecting, one declined, one cut short
 * by its deadline) must validate against it, and a report that breaks it must not.
 */
class ReportSchemaIT {
  static final Path SCHEMA = Path.of("docs/report.schema.json");

  static RedisServer redis;
  static JsonSchema schema;

  @TempDir Path dir;

  @BeforeAll
  static void start() throws Exception {
    redis = RedisServers.standalone();
    schema =
        JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012)
            .getSchema(
                Files.readString(SCHEMA),
                SchemaValidatorsConfig.builder().formatAssertionsEnabled(true).build());
  }

  @AfterAll
  static void stop() {
    redis.close();
  }

  void fill(int contentKeys) {
    try (Keyspace keyspace = new Keyspace(redis.url())) {
      keyspace.write(Keyspace.families(Map.of("mocs", contentKeys, "sessions", 50)));
    }
  }

  JsonNode run(int exitCode, CliRun cli, String... args) throws Exception {
    Path report = dir.resolve("report-" + System.nanoTime() + ".json");
    String[] all = new String[args.length + 2];
    System.arraycopy(args, 0, all, 0, args.length);
    all[args.length] = "--report";
    all[args.length + 1] = report.toString();
    CliRun.Result r = cli.run(all);
    assertThat(r.exitCode())
        .as(String.join(" ", args) + "\n" + r.out() + r.err())
        .isEqualTo(exitCode);
    return new ObjectMapper().readTree(report.toFile());
  }

  static void assertValid(String what, JsonNode report) {
    Set<ValidationMessage> errors = schema.validate(report);
    assertThat(errors).as(what + ": " + report).isEmpty();
  }

  @Test
  void theReportsOfRealRunsShouldMatchThePublishedSchema() throws Exception {
    fill(2_000);
    String closedPort = "127.0.0.1:" + FreePorts.next();
    assertValid("plan", run(0, new CliRun(), "plan", "--redis-url", redis.url()));
    Path plan = dir.resolve("approved.plan.json");
    JsonNode planned =
        run(0, new CliRun(), "plan", "--redis-url", redis.url(), "--out", plan.toString());
    assertThat(planned.get("plan").get("digest").asText()).startsWith("sha256:");
    assertValid("plan --out", planned);
    JsonNode refused =
        run(
            4,
            new CliRun(),
            "flush",
            "--redis-url",
            redis.url(),
            "--plan",
            plan.toString(),
            "--flush",
            "mocs:1*");
    assertThat(refused.get("outcome").asText()).isEqualTo("refused");
    assertValid("refused", refused);
    JsonNode flush =
        run(
            0,
            new CliRun(),
            "flush",
            "--yes",
            "--redis-url",
            redis.url(),
            "--sample-window",
            "1s",
            "--watch",
            "2s",
            "--interval",
            "1s",
            "--db-url",
            "jdbc:postgresql://" + closedPort + "/shop",
            "--audit",
            dir.resolve("audit.gz").toString());
    assertThat(flush.get("watch").get("intervals")).isNotEmpty();
    assertThat(flush.get("audit").get("complete").asBoolean()).isTrue();
    assertThat(flush.get("database").get("error").asText()).isNotEmpty();
    assertValid("flush", flush);
    assertValid(
        "watch",
        run(
            0,
            new CliRun(),
            "watch",
            "--redis-url",
            redis.url(),
            "--for",
            "2s",
            "--interval",
            "1s"));
    JsonNode failed =
        run(
            1,
            new CliRun(),
            "flush",
            "--yes",
            "--redis-url",
            "redis://" + closedPort,
            "--retries",
            "0");
    assertThat(failed.get("outcome").asText()).isEqualTo("failed");
    assertValid("failed", failed);
    JsonNode declined =
        run(
            2,
            new CliRun().withTerminal("no"),
            "flush",
            "--redis-url",
            redis.url(),
            "--sample-window",
            "0");
    assertThat(declined.get("outcome").asText()).isEqualTo("declined");
    assertValid("declined", declined);
  }

  /**
   * After a timeout keysDeleted is lower than keysMatched by the keys matched but not yet sent, though
   * none vanished by itself: the report validates, and the README says so.
   */
  @Test
  void aTimeoutReportShouldMatchTheSchemaAndTheReadmeShouldSayWhyFewerKeysWereDeleted()
      throws Exception {
    fill(20_000);
    JsonNode timeout =
        run(
            3,
            new CliRun(),
            "flush",
            "--yes",
            "--redis-url",
            redis.url(),
            "--sample-window",
            "0",
            "--max-rate",
            "2000",
            "--timeout",
            "2s",
            "--audit",
            dir.resolve("timeout.gz").toString());

    assertThat(timeout.get("outcome").asText()).isEqualTo("timeout");
    assertThat(timeout.get("audit").get("path").asText()).endsWith("timeout.partial.gz");
    assertThat(timeout.get("keysDeleted").asLong()).isLessThan(timeout.get("keysMatched").asLong());
    assertValid("timeout", timeout);
    String row =
        Files.readAllLines(Path.of("README.md")).stream()
            .filter(l -> l.startsWith("| `keysDeleted`"))
            .findFirst()
            .orElseThrow();
    assertThat(row).contains("timeout").contains("matched but not yet sent");
  }

  @Test
  void theSampleReportsShouldMatchTheSchemaAndABrokenOneShouldNot() throws Exception {
    ObjectMapper json = new ObjectMapper();
    for (Object report :
        List.of(
            SampleReports.flush(),
            SampleReports.dryRun(),
            SampleReports.failed(),
            SampleReports.declined(),
            SampleReports.timeout(),
            SampleReports.watch(),
            SampleReports.failedGate())) {
      assertValid(report.getClass().getSimpleName(), json.readTree(JsonReport.toJson(report)));
    }
    ObjectNode broken = (ObjectNode) json.readTree(JsonReport.toJson(SampleReports.flush()));
    broken.remove("keysDeleted");
    broken.put("mode", "replica");
    ((ObjectNode) broken.get("hitRate").get("before")).put("ratio", 1.5);
    broken.put("startedAt", "yesterday");
    broken.put("undocumented", 1);

    assertThat(schema.validate(broken))
        .extracting(ValidationMessage::getMessage)
        .hasSize(5)
        .anySatisfy(m -> assertThat(m).contains("keysDeleted"))
        .anySatisfy(m -> assertThat(m).contains("mode"))
        .anySatisfy(m -> assertThat(m).contains("ratio"))
        .anySatisfy(m -> assertThat(m).contains("startedAt"))
        .anySatisfy(m -> assertThat(m).contains("undocumented"));
  }
}
