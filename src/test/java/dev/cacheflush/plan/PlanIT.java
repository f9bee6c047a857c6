package dev.cacheflush.plan;

import static dev.cacheflush.support.Keyspace.bytes;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cacheflush.support.CliRun;
import dev.cacheflush.support.ClusterKeyspace;
import dev.cacheflush.support.Keyspace;
import dev.cacheflush.support.RedisCluster;
import dev.cacheflush.support.RedisServer;
import dev.cacheflush.support.RedisServers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Approved plans (issue 16), end to end through the command line on real servers: plan --out, then
 * flush --plan, which deletes only on the planned cache, with the planned patterns, a fresh and
 * untouched plan and a keyspace of the planned size, and never more keys than were planned plus
 * the tolerance.
 */
class PlanIT {
  static final ObjectMapper JSON = new ObjectMapper();

  static RedisServer server;
  static RedisServer other;
  static Keyspace keyspace;
  static Keyspace otherKeyspace;

  @TempDir Path dir;

  @BeforeAll
  static void start() {
    server = RedisServers.standalone();
    other = RedisServers.standalone();
    keyspace = new Keyspace(server.url());
    otherKeyspace = new Keyspace(other.url());
  }

  @AfterAll
  static void stop() {
    keyspace.close();
    otherKeyspace.close();
    server.close();
    other.close();
  }

  /** 400 keys to flush (300 mocs:*, 100 gallery:*), 200 sessions to keep: 600 keys. */
  @BeforeEach
  void fill() {
    for (Keyspace k : List.of(keyspace, otherKeyspace)) {
      k.connection().sync().flushall();
      k.write(Keyspace.families(Map.of("mocs", 300, "gallery", 100, "sessions", 200)));
    }
  }

  CliRun.Result plan(String url, Path out, String... extra) {
    List<String> args =
        new ArrayList<>(List.of("plan", "--redis-url", url, "--out", out.toString()));
    args.addAll(List.of(extra));
    return new CliRun().run(args.toArray(String[]::new));
  }

  /** flush --plan without --yes and without a terminal: the plan is the confirmation. */
  CliRun.Result flush(String url, Path plan, Path report, String... extra) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "flush",
                "--redis-url",
                url,
                "--plan",
                plan.toString(),
                "--sample-window",
                "0",
                "--report",
                report.toString()));
    args.addAll(List.of(extra));
    return new CliRun().run(args.toArray(String[]::new));
  }

  Path madePlan() {
    Path out = dir.resolve("canary-25.plan.json");
    CliRun.Result r = plan(server.url(), out);
    assertThat(r.exitCode()).as(r.err()).isZero();
    return out;
  }

  static JsonNode read(Path file) throws Exception {
    return JSON.readTree(Files.readString(file));
  }

  /** The documented digest, computed here on its own: SHA-256 of the sorted, compact JSON without it. */
  @SuppressWarnings("unchecked")
  static String digestOf(JsonNode plan) throws Exception {
    ObjectMapper sorted =
        new ObjectMapper().configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);
    Map<String, Object> content = sorted.convertValue(plan, Map.class);
    content.remove("digest");
    return "sha256:"
        + HexFormat.of()
            .formatHex(
                MessageDigest.getInstance("SHA-256").digest(sorted.writeValueAsBytes(content)));
  }

  @Test
  void aMatchingPlanShouldFlushWithoutAskingAndTheReportShouldRecordItsDigest() throws Exception {
    Path out = dir.resolve("canary-25.plan.json");
    Path planReport = dir.resolve("plan.json");
    CliRun.Result planned = plan(server.url(), out, "--report", planReport.toString());

    assertThat(planned.exitCode()).as(planned.err()).isZero();
    JsonNode plan = read(out);
    String digest = plan.get("digest").asText();
    assertThat(digest).matches("sha256:[0-9a-f]{64}").isEqualTo(digestOf(plan));
    assertThat(planned.err()).contains("Plan written to " + out + ", digest " + digest);
    assertThat(read(planReport).get("plan").get("digest").asText()).isEqualTo(digest);
    assertThat(plan.get("target").get("replicationId").asText())
        .isEqualTo(server.info("replication").get("master_replid"));
    assertThat(plan.get("target").get("readFrom").asText()).isEqualTo("primary");
    assertThat(plan.get("target").get("endpoint").asText()).isEqualTo(server.url());
    assertThat(plan.get("dbSize").asLong()).isEqualTo(600);
    assertThat(plan.get("keysMatched").asLong()).isEqualTo(400);
    assertThat(plan.get("patterns").get(0).get("pattern").asText()).isEqualTo("mocs:*");
    assertThat(plan.get("patterns").get(0).get("matched").asLong()).isEqualTo(300);
    assertThat(plan.get("patterns").get(0).get("samples")).hasSize(10);
    assertThat(plan.get("patterns").get(1).get("matched").asLong()).isEqualTo(100);
    assertThat(plan.get("preserved").get(0).get("pattern").asText()).isEqualTo("sessions:*");
    assertThat(plan.get("preserved").get(0).get("preserved").asLong()).isEqualTo(200);
    assertThat(plan.get("preserved").get(0).get("samples").get(0).asText()).startsWith("sessions:");
    assertThat(keyspace.dbSize()).isEqualTo(600);

    Path report = dir.resolve("flush.json");
    CliRun.Result flushed = flush(server.url(), out, report);

    assertThat(flushed.exitCode()).as(flushed.err()).isZero();
    assertThat(keyspace.dbSize()).isEqualTo(200);
    JsonNode json = read(report);
    assertThat(json.get("outcome").asText()).isEqualTo("completed");
    assertThat(json.get("keysDeleted").asLong()).isEqualTo(400);
    assertThat(json.get("plan").get("digest").asText()).isEqualTo(digest);
    assertThat(json.get("plan").get("path").asText()).isEqualTo(out.toString());
  }

  @Test
  void aPlanOfAnotherCacheShouldBeRefusedWithExitFourAndNothingDeleted() throws Exception {
    Path out = madePlan();
    Path report = dir.resolve("flush.json");

    CliRun.Result r = flush(other.url(), out, report);

    assertThat(r.exitCode()).as(r.err()).isEqualTo(4);
    assertThat(r.errorLines())
        .singleElement()
        .asString()
        .contains("is for another cache")
        .contains(server.url())
        .contains(other.url());
    assertThat(otherKeyspace.dbSize()).isEqualTo(600);
    JsonNode json = read(report);
    assertThat(json.get("outcome").asText()).isEqualTo("refused");
    assertThat(json.get("exitCode").asInt()).isEqualTo(4);
    assertThat(json.get("keysDeleted").asLong()).isZero();
    assertThat(json.get("plan").get("digest").asText()).isEqualTo(read(out).get("digest").asText());
  }

  @Test
  void changedPatternsShouldBeRefused() {
    Path out = madePlan();

    CliRun.Result r =
        flush(server.url(), out, dir.resolve("flush.json"), "--flush", "mocs:*", "--flush", "x:*");

    assertThat(r.exitCode()).as(r.err()).isEqualTo(4);
    assertThat(r.errorLines())
        .singleElement()
        .asString()
        .contains("this flush has --flush [mocs:*, x:*]");
    assertThat(keyspace.dbSize()).isEqualTo(600);
  }

  @Test
  void aKeyspaceThatGrewPastTheToleranceShouldBeRefused() {
    Path out = madePlan();
    // 600 planned, 10 % or 100 keys allowed: 101 more is past it.
    keyspace.write(Keyspace.families(Map.of("ratelimit", 101)));

    CliRun.Result r = flush(server.url(), out, dir.resolve("flush.json"));

    assertThat(r.exitCode()).as(r.err()).isEqualTo(4);
    assertThat(r.errorLines())
        .singleElement()
        .asString()
        .contains("The keyspace has drifted")
        .contains(
            "701 keys now, 600 when planned, more than the 100 --plan-tolerance 10%,100 allows");
    assertThat(keyspace.dbSize()).isEqualTo(701);

    CliRun.Result wider =
        flush(server.url(), out, dir.resolve("flush.json"), "--plan-tolerance", "20%");
    assertThat(wider.exitCode()).as(wider.err()).isZero();
    assertThat(keyspace.dbSize()).isEqualTo(301);
  }

  @Test
  void aPlanOlderThanPlanMaxAgeShouldBeRefusedThoughItsDigestIsRight() throws Exception {
    Path out = madePlan();
    ObjectNode plan = (ObjectNode) read(out);
    plan.put("createdAt", Instant.now().minus(Duration.ofHours(25)).toString());
    plan.put("digest", digestOf(plan));
    Files.writeString(out, JSON.writeValueAsString(plan));

    CliRun.Result r = flush(server.url(), out, dir.resolve("flush.json"));

    assertThat(r.exitCode()).as(r.err()).isEqualTo(4);
    assertThat(r.errorLines())
        .singleElement()
        .asString()
        .contains("was made 25h")
        .contains("longer than --plan-max-age 24h allows");
    assertThat(keyspace.dbSize()).isEqualTo(600);

    CliRun.Result older =
        flush(server.url(), out, dir.resolve("flush.json"), "--plan-max-age", "26h");
    assertThat(older.exitCode()).as(older.err()).isZero();
    assertThat(keyspace.dbSize()).isEqualTo(200);
  }

  @Test
  void aPlanEditedByHandShouldBeRefused() throws Exception {
    Path out = madePlan();
    // Raising the planned count would raise the cap: the digest no longer matches the content.
    String edited =
        Files.readString(out).replace("\"keysMatched\" : 400", "\"keysMatched\" : 4000");
    assertThat(edited).isNotEqualTo(Files.readString(out));
    Files.writeString(out, edited);

    CliRun.Result r = flush(server.url(), out, dir.resolve("flush.json"));

    assertThat(r.exitCode()).as(r.err()).isEqualTo(4);
    assertThat(r.errorLines()).singleElement().asString().contains("was changed after it was made");
    assertThat(keyspace.dbSize()).isEqualTo(600);
  }

  @Test
  void moreKeysToDeleteThanPlannedShouldStopTheFlushAtThePlansCap() throws Exception {
    Path out = madePlan();
    // The same size, another make-up: 100 sessions gone, 100 more mocs. DBSIZE cannot see it; the
    // cap does, while deleting.
    List<byte[]> gone = Keyspace.families(Map.of("sessions", 100));
    keyspace.connection().sync().del(gone.toArray(byte[][]::new));
    List<byte[]> more = new ArrayList<>();
    for (int i = 300; i < 400; i++) {
      more.add(bytes("mocs:" + i));
    }
    keyspace.write(more);
    assertThat(keyspace.dbSize()).isEqualTo(600);
    Path report = dir.resolve("flush.json");

    CliRun.Result r = flush(server.url(), out, report, "--plan-tolerance", "0");

    assertThat(r.exitCode()).as(r.err()).isEqualTo(4);
    assertThat(r.errorLines())
        .singleElement()
        .asString()
        .contains("stopped at the plan's cap of 400 keys (400 planned, --plan-tolerance 0)");
    JsonNode json = read(report);
    assertThat(json.get("outcome").asText()).isEqualTo("cap-reached");
    assertThat(json.get("keysDeleted").asLong()).isEqualTo(400);
    assertThat(keyspace.dbSize()).isEqualTo(200);
    assertThat(keyspace.exists(bytes("sessions:150"))).isTrue();
  }

  @Test
  void aPlanOfAClusterShouldNameItsPrimariesAndBindTheFlushToThem() throws Exception {
    try (RedisCluster cluster = RedisServers.cluster(3, 0)) {
      ClusterKeyspace clusterKeys = new ClusterKeyspace(cluster);
      clusterKeys.write(Keyspace.families(Map.of("mocs", 300, "sessions", 200)));
      Path out = dir.resolve("cluster.plan.json");
      CliRun.Result planned = plan(cluster.seedUrl(), out);

      assertThat(planned.exitCode()).as(planned.err()).isZero();
      JsonNode target = read(out).get("target");
      assertThat(target.get("mode").asText()).isEqualTo("cluster");
      List<String> ids = new ArrayList<>();
      target.get("primaryNodeIds").forEach(id -> ids.add(id.asText()));
      assertThat(ids)
          .isSorted()
          .containsExactlyInAnyOrderElementsOf(
              cluster.primaries().stream().map(cluster::nodeId).toList());

      CliRun.Result elsewhere = flush(other.url(), out, dir.resolve("other.json"));
      assertThat(elsewhere.exitCode()).as(elsewhere.err()).isEqualTo(4);
      assertThat(otherKeyspace.dbSize()).isEqualTo(600);

      CliRun.Result flushed = flush(cluster.seedUrl(), out, dir.resolve("flush.json"));
      assertThat(flushed.exitCode()).as(flushed.err()).isZero();
      assertThat(clusterKeys.total("mocs:*")).isZero();
      assertThat(clusterKeys.total("sessions:*")).isEqualTo(200);
    }
  }

  @Test
  void aPlanMadeOnAReplicaShouldBindTheFlushToItsPrimary() throws Exception {
    try (RedisServer replica = RedisServers.replicaOf(server)) {
      Path out = dir.resolve("replica.plan.json");
      CliRun.Result planned = plan(replica.url(), out);

      assertThat(planned.exitCode()).as(planned.err()).isZero();
      JsonNode target = read(out).get("target");
      assertThat(target.get("readFrom").asText()).isEqualTo("replica");
      assertThat(target.get("endpoint").asText()).isEqualTo(replica.url());
      assertThat(target.get("replicationId").asText())
          .isEqualTo(server.info("replication").get("master_replid"));
      assertThat(read(out).get("keysMatched").asLong()).isEqualTo(400);

      CliRun.Result onReplica = flush(replica.url(), out, dir.resolve("replica.json"));
      assertThat(onReplica.exitCode()).as(onReplica.err()).isEqualTo(2);
      assertThat(onReplica.errorLines()).singleElement().asString().contains("read-only replica");

      CliRun.Result elsewhere = flush(other.url(), out, dir.resolve("other.json"));
      assertThat(elsewhere.exitCode()).as(elsewhere.err()).isEqualTo(4);
      assertThat(otherKeyspace.dbSize()).isEqualTo(600);

      CliRun.Result onPrimary = flush(server.url(), out, dir.resolve("flush.json"));
      assertThat(onPrimary.exitCode()).as(onPrimary.err()).isZero();
      assertThat(keyspace.dbSize()).isEqualTo(200);
    }
  }
}
