package dev.cacheflush.flush;

import static dev.cacheflush.support.Keyspace.bytes;
import static dev.cacheflush.support.StoryKeys.FLUSH_PREFIXES;
import static dev.cacheflush.support.StoryKeys.PRESERVE_ARGS;
import static dev.cacheflush.support.StoryKeys.concat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cacheflush.audit.AuditTrail;
import dev.cacheflush.config.RedisUrl;
import dev.cacheflush.redis.Backoff;
import dev.cacheflush.redis.ConnectOptions;
import dev.cacheflush.redis.Deadline;
import dev.cacheflush.redis.RedisNode;
import dev.cacheflush.redis.RedisTarget;
import dev.cacheflush.redis.SlotWatch;
import dev.cacheflush.support.CliRun;
import dev.cacheflush.support.ClusterKeyspace;
import dev.cacheflush.support.RedisCluster;
import dev.cacheflush.support.RedisServer;
import dev.cacheflush.support.RedisServers;
import dev.cacheflush.support.StoryKeys;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real cluster of 3 primaries and 3 replicas, shared by the tests in order (the last one kills a
 * primary): counts that agree with redis-cli on every node, no preserved key touched, no CROSSSLOT;
 * a slot migrated and a primary failed over in the middle of a flush, after which every matching
 * key is gone all the same.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterFlushIT {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Small pages and batches, so that a flush lasts long enough to be hit in the middle. */
  private static final String[] SLOW = {
    "--scan-count", "20", "--batch-size", "10", "--max-in-flight", "1"
  };

  static RedisCluster cluster;
  static ClusterKeyspace keyspace;

  @TempDir Path dir;

  @BeforeAll
  static void startCluster() {
    cluster = RedisServers.cluster(3, 1);
    keyspace = new ClusterKeyspace(cluster);
  }

  @AfterAll
  static void stopCluster() {
    cluster.close();
  }

  @BeforeEach
  void empty() {
    cluster.awaitHealthy();
    keyspace.flushAll();
  }

  /** What the hit-rate sampling reads: every primary and every replica, from one place. */
  @Test
  @Order(0)
  void topologyShouldExposePrimariesAndReplicasFromOnePlace() {
    try (RedisTarget target = connect()) {
      assertThat(target.mode()).isEqualTo("cluster");
      assertThat(target.primaries())
          .extracting(RedisNode::address)
          .containsExactlyInAnyOrderElementsOf(
              cluster.primaries().stream().map(RedisServer::address).toList());
      assertThat(target.readNodes())
          .extracting(RedisNode::address)
          .containsExactlyInAnyOrderElementsOf(
              cluster.nodes().stream().map(RedisServer::address).toList());
      assertThat(target.topology().shards())
          .hasSize(3)
          .allSatisfy(
              shard -> {
                RedisServer primary = cluster.nodeById(shard.primary().nodeId());
                assertThat(shard.replicas())
                    .extracting(r -> r.address().toString())
                    .containsExactly(cluster.replicasOf(primary).get(0).address());
                assertThat(shard.slots().stream().boxed().toList())
                    .isEqualTo(cluster.slotsOf(primary));
              });
      assertThat(target.lockNode().address())
          .isEqualTo(cluster.primaryFor("cacheflush:lock").address());
    }
  }

  @Test
  @Order(1)
  void planAndFlushShouldAgreeWithAPerNodeRedisCliCensus() throws Exception {
    List<byte[]> keys = new ArrayList<>();
    Map.of(
            "mocs",
            6_000,
            "gallery",
            4_000,
            "wishlist",
            3_000,
            "albums",
            2_000,
            "sessions",
            5_000,
            "ratelimit",
            3_000,
            "user-profiles",
            3_000,
            "mocs:keep",
            300,
            "other",
            1_000)
        .forEach(
            (family, n) -> {
              for (int i = 0; i < n; i++) {
                keys.add(bytes(family + ":" + i));
              }
            });
    // Keys that are not UTF-8; no byte is a newline, which would split a key in redis-cli's output.
    for (int i = 0; i < 200; i++) {
      byte[] tail = {(byte) (0x80 + i % 100), (byte) (0x80 + i / 100)};
      keys.add(concat(bytes("mocs:\u00ff"), tail));
      keys.add(concat(bytes("sessions:"), concat(new byte[] {(byte) 0xc3, 0x28}, tail)));
    }
    keyspace.write(keys);
    Map<RedisServer, Long> perNode = keyspace.census(null);
    assertThat(perNode)
        .hasSize(3)
        .allSatisfy((node, count) -> assertThat(count).isGreaterThan(8_000));
    long matching =
        FLUSH_PREFIXES.stream().mapToLong(p -> keyspace.total(p + "*")).sum()
            - keyspace.total("mocs:keep:*");
    long preserved =
        keyspace.total("sessions:*")
            + keyspace.total("ratelimit:*")
            + keyspace.total("user-profiles:*")
            + keyspace.total("mocs:keep:*");

    JsonNode plan = json(new CliRun().run(args("plan", "--format", "json")));
    assertThat(plan.get("mode").asText()).isEqualTo("cluster");
    assertThat(plan.get("keysScanned").asLong()).isEqualTo(keys.size());
    assertThat(plan.get("keysMatched").asLong()).isEqualTo(matching);
    assertThat(plan.get("keysPreserved").asLong()).isEqualTo(preserved);
    assertShardsMatchCensus(plan, perNode);
    assertThat(keyspace.census(null)).isEqualTo(perNode);

    Path report = dir.resolve("flush.json");
    CliRun.Result flush =
        new CliRun()
            .run(args("flush", "--yes", "--sample-window", "0", "--report", report.toString()));
    assertThat(flush.exitCode()).as(flush.err()).isZero();
    assertThat(flush.out()).contains("(cluster)").contains("shard");
    JsonNode done = JSON.readTree(Files.readString(report));
    assertThat(done.get("keysMatched").asLong()).isEqualTo(matching);
    assertThat(done.get("keysDeleted").asLong()).isEqualTo(matching);
    assertThat(done.get("verification").get("keysStillMatching").asLong()).isZero();
    assertShardsMatchCensus(done, perNode);
    for (JsonNode shard : done.get("shards")) {
      assertThat(shard.get("deleted").asLong()).isEqualTo(shard.get("matched").asLong());
      // A cluster's shards are scanned with one cursor chain each, and the report says how.
      assertThat(shard.get("roundTripMs").asDouble()).isPositive();
      assertThat(shard.get("scanChains").asInt()).isEqualTo(1);
      assertThat(shard.get("inFlight").asInt()).isGreaterThanOrEqualTo(2);
    }

    Set<ByteBuffer> expected = new HashSet<>();
    for (byte[] key : keys) {
      if (!StoryKeys.shouldGo(key)) {
        expected.add(ByteBuffer.wrap(key));
      }
    }
    assertThat(keyspace.allKeys()).isEqualTo(expected);
    assertThat(keyspace.total(null)).isEqualTo(keys.size() - matching);
    for (RedisServer primary : cluster.primaries()) {
      assertThat(primary.info("errorstats"))
          .as("errors on %s", primary)
          .doesNotContainKey("errorstat_CROSSSLOT");
    }
  }

  /**
   * Slot S moves from A to B while A is still being scanned and B's scan is over: the keys of S
   * that A had not reached yet are on B, where no scan would see them again; the flush notices the
   * move and scans B again for S. It runs as the least-privilege user that {@code cacheflush acl}
   * describes, which shows the rule covers CLUSTER NODES and ASKING.
   */
  @Test
  @Order(2)
  void slotMigratedDuringTheFlushShouldStillLoseEveryMatchingKey() throws Exception {
    RedisServer a = cluster.primaries().get(0);
    RedisServer b = cluster.primaries().get(1);
    RedisServer c = cluster.primaries().get(2);
    List<Integer> slotsOfA = cluster.slotsOf(a);
    int moving = slotsOfA.get(slotsOfA.size() / 2);
    String tag = RedisCluster.hashTagForSlot(moving);
    Random random = new Random(7);
    List<byte[]> keys = new ArrayList<>();
    for (int i = 0; i < 60_000; i++) {
      String onA = RedisCluster.hashTagForSlot(slotsOfA.get(random.nextInt(slotsOfA.size())));
      keys.add(bytes((i % 2 == 0 ? "mocs:{" : "sessions:{") + onA + "}:" + i));
    }
    for (int i = 0; i < 1_500; i++) {
      keys.add(bytes("gallery:{" + tag + "}:" + i));
      keys.add(bytes("ratelimit:{" + tag + "}:" + i));
    }
    // Keys on B and C only: once these albums are gone, the scans of B and C are over.
    List<Integer> slotsElsewhere = new ArrayList<>(cluster.slotsOf(b));
    slotsElsewhere.addAll(cluster.slotsOf(c));
    for (int i = 0; i < 200; i++) {
      String elsewhere =
          RedisCluster.hashTagForSlot(slotsElsewhere.get(random.nextInt(slotsElsewhere.size())));
      keys.add(bytes("albums:{" + elsewhere + "}:" + i));
      keys.add(bytes("user-profiles:{" + elsewhere + "}:" + i));
    }
    keyspace.write(keys);
    long preserved =
        keyspace.total("sessions:*")
            + keyspace.total("ratelimit:*")
            + keyspace.total("user-profiles:*");
    createLeastPrivilegeUser("flusher", "flusher-pw");
    long aBefore = (Long) a.call("DBSIZE");
    RedisServer lockOwner = cluster.primaryFor("cacheflush:lock");
    // B and C are done when their 200 albums are gone (and, on one of them, the run's lock key is
    // there).
    long elsewhereDone =
        (Long) b.call("DBSIZE") + (Long) c.call("DBSIZE") - 200 + (lockOwner == a ? 0 : 1);

    Path report = dir.resolve("migration.json");
    CompletableFuture<CliRun.Result> run =
        CompletableFuture.supplyAsync(
            () ->
                new CliRun()
                    .env("REDIS_USERNAME", "flusher")
                    .env("REDIS_PASSWORD", "flusher-pw")
                    .run(
                        slow(
                            "flush",
                            "--yes",
                            "--sample-window",
                            "0",
                            "--report",
                            report.toString())));
    await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(20))
        .until(
            () ->
                (Long) a.call("DBSIZE") < aBefore - 300
                    && (Long) b.call("DBSIZE") + (Long) c.call("DBSIZE") == elsewhereDone);
    assertThat(lockOwner.call("EXISTS", "cacheflush:lock"))
        .as("the lock lives on its slot's primary")
        .isEqualTo(1L);
    assertThat(run).as("the flush must still be scanning A when the slot moves").isNotDone();

    int moved = cluster.migrateSlot(moving, a, b);

    CliRun.Result result = run.get(60, TimeUnit.SECONDS);
    assertThat(result.exitCode()).as(result.err()).isZero();
    assertThat(moved).as("keys of the slot still there when it moved").isPositive();
    for (String prefix : FLUSH_PREFIXES) {
      assertThat(keyspace.total(prefix + "*")).as(prefix).isZero();
    }
    assertThat(
            keyspace.total("sessions:*")
                + keyspace.total("ratelimit:*")
                + keyspace.total("user-profiles:*"))
        .isEqualTo(preserved);
    JsonNode json = JSON.readTree(Files.readString(report));
    assertThat(json.get("recoveries").findValuesAsText("cause"))
        .anySatisfy(
            cause -> assertThat(cause).contains("slots " + moving).contains("moved to this shard"));
    assertThat(json.get("verification").get("keysStillMatching").asLong()).isZero();
    System.out.printf(
        "ClusterFlushIT: slot %d moved from A to B with %d of its 3000 keys still on A%n",
        moving, moved);
  }

  /**
   * A slot's keys share one UNLINK per flush pattern, and a slot caught half-way through a
   * migration, whose UNLINK the server refuses with TRYAGAIN (some of its keys have left, some
   * not), is settled key by key: the keys still on A go there, the others follow A's ASK to B.
   */
  @Test
  @Order(3)
  void aSlotsKeysShouldShareAnUnlinkAndAHalfMigratedSlotBeSettledKeyByKey() throws Exception {
    RedisServer a = cluster.primaries().get(0);
    RedisServer b = cluster.primaries().get(1);
    List<Integer> slotsOfA = cluster.slotsOf(a);
    String one = RedisCluster.hashTagForSlot(slotsOfA.get(0));
    String two = RedisCluster.hashTagForSlot(slotsOfA.get(1));
    List<byte[]> first = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      first.add(bytes("mocs:{" + one + "}:" + i));
      first.add(bytes("mocs:{" + two + "}:" + i));
    }
    List<byte[]> albums = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      albums.add(bytes("albums:{" + one + "}:" + i));
    }
    keyspace.write(first);
    keyspace.write(albums);

    try (RedisTarget target = connect()) {
      RedisNode nodeA =
          target.primaries().stream()
              .filter(n -> n.address().equals(a.address()))
              .findFirst()
              .orElseThrow();
      Tally tally = new Tally(2);
      ClusterUnlinkDeleter deleter =
          new ClusterUnlinkDeleter(
              nodeA,
              3,
              target.redirects(),
              new SlotWatch(target.refreshTopology()),
              tally,
              AuditTrail.NONE,
              250,
              2,
              10_000,
              Throttle.of(0, null));
      a.call("CONFIG", "RESETSTAT");
      for (byte[] key : first) {
        deleter.delete(0, key);
      }
      for (byte[] key : albums) {
        deleter.delete(1, key);
      }
      deleter.finish();
      assertThat(a.commandCalls("unlink"))
          .as("one UNLINK per slot and pattern: mocs of two slots, albums of one")
          .isEqualTo(3);
      assertThat(tally.deleted(0)).isEqualTo(80);
      assertThat(tally.deleted(1)).isEqualTo(10);
      assertThat(keyspace.total("mocs:*") + keyspace.total("albums:*")).isZero();

      List<byte[]> second = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        second.add(bytes("gallery:{" + one + "}:" + i));
      }
      keyspace.write(second);
      RedisCluster.SlotMigration migration = cluster.beginMigration(slotsOfA.get(0), a, b);
      try {
        assertThat(migration.moveKeys(8)).isEqualTo(8);
        a.call("CONFIG", "RESETSTAT");
        for (byte[] key : second) {
          deleter.delete(0, key);
        }
        deleter.finish();
        assertThat(a.info("errorstats").get("errorstat_TRYAGAIN"))
            .as("A refused the slot's UNLINK of 12 keys present and 8 gone")
            .isEqualTo("count=1");
        assertThat(tally.deleted(0)).isEqualTo(100);
        assertThat(a.call("CLUSTER", "COUNTKEYSINSLOT", slotsOfA.get(0))).isEqualTo(0L);
        assertThat(b.call("CLUSTER", "COUNTKEYSINSLOT", slotsOfA.get(0))).isEqualTo(0L);
      } finally {
        migration.finish();
      }
    }
  }

  /** The cluster as the flush sees it, from its seed node, without retries. */
  private static RedisTarget connect() {
    return RedisTarget.connect(
        RedisUrl.parse(cluster.seedUrl()),
        new ConnectOptions(
            Duration.ofSeconds(2), Duration.ofSeconds(2), new Backoff(0, Duration.ZERO)),
        new Deadline(Clock.systemUTC(), Duration.ofMinutes(1)));
  }

  @Test
  @Order(4)
  void primaryKilledMidFlushShouldFinishOnItsPromotedReplica() throws Exception {
    List<byte[]> keys = new ArrayList<>();
    for (int i = 0; i < 45_000; i++) {
      keys.add(bytes((i % 3 == 0 ? "sessions:" : "wishlist:") + i));
    }
    keyspace.write(keys);
    long sessions = keyspace.total("sessions:*");
    RedisServer victim = cluster.primaries().get(2);
    RedisServer replica = cluster.replicasOf(victim).get(0);
    long offset = Long.parseLong(victim.info("replication").get("master_repl_offset"));
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () -> Long.parseLong(replica.info("replication").get("slave_repl_offset")) >= offset);
    long victimBefore = (Long) victim.call("DBSIZE");

    Path report = dir.resolve("failover.json");
    CompletableFuture<CliRun.Result> run =
        CompletableFuture.supplyAsync(
            () ->
                new CliRun()
                    .run(
                        slow(
                            "flush",
                            "--yes",
                            "--sample-window",
                            "0",
                            "--retries",
                            "5",
                            "--report",
                            report.toString())));
    await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(20))
        .until(() -> (Long) victim.call("DBSIZE") < victimBefore - 500);
    assertThat(run).as("the flush must still be running when the primary dies").isNotDone();
    cluster.kill(victim);
    RedisServer promoted = cluster.awaitFailover(victim);

    CliRun.Result result = run.get(90, TimeUnit.SECONDS);
    assertThat(result.exitCode()).as(result.err()).isZero();
    assertThat(promoted).isEqualTo(replica);
    assertThat(keyspace.total("wishlist:*")).isZero();
    assertThat(keyspace.total("sessions:*")).isEqualTo(sessions);
    JsonNode json = JSON.readTree(Files.readString(report));
    assertThat(json.get("recoveries"))
        .anySatisfy(
            r -> {
              assertThat(r.get("node").asText())
                  .isEqualTo(victim.address() + " -> " + promoted.address());
              assertThat(r.get("scanRestarted").asBoolean()).isTrue();
            });
    assertThat(json.get("shards").findValuesAsText("address"))
        .contains(promoted.address())
        .doesNotContain(victim.address());
    assertThat(json.get("shards").findValuesAsText("nodeId")).contains(cluster.nodeId(promoted));

    cluster.restart(victim);
    cluster.awaitHealthy();
  }

  /** Creates the user with the rule {@code cacheflush acl} prints, on every node (ACLs are per node). */
  private static void createLeastPrivilegeUser(String user, String password) {
    List<String> args = new ArrayList<>(List.of("acl", "--user", user));
    args.addAll(PRESERVE_ARGS);
    CliRun.Result acl = new CliRun().run(args.toArray(String[]::new));
    assertThat(acl.exitCode()).as(acl.err()).isZero();
    String rule =
        acl.out().lines().filter(l -> l.startsWith("ACL SETUSER")).findFirst().orElseThrow();
    for (RedisServer node : cluster.nodes()) {
      node.call((Object[]) rule.split(" "));
      node.call("ACL", "SETUSER", user, ">" + password);
    }
  }

  /** The run's lock key, on its lock's primary while it flushes, is the tool's and not counted. */
  private static void assertShardsMatchCensus(JsonNode report, Map<RedisServer, Long> census) {
    JsonNode shards = report.get("shards");
    assertThat(shards).hasSize(3);
    long sum = 0;
    for (RedisServer primary : census.keySet()) {
      JsonNode shard = null;
      for (JsonNode s : shards) {
        if (s.get("address").asText().equals(primary.address())) {
          shard = s;
        }
      }
      assertThat(shard).as("a shard for %s", primary).isNotNull();
      assertThat(shard.get("nodeId").asText()).isEqualTo(cluster.nodeId(primary));
      assertThat(shard.get("scanned").asLong())
          .as("scanned on %s", primary)
          .isEqualTo(census.get(primary));
      sum += shard.get("matched").asLong();
    }
    assertThat(sum).isEqualTo(report.get("keysMatched").asLong());
  }

  private static JsonNode json(CliRun.Result result) throws Exception {
    assertThat(result.exitCode()).as(result.err()).isZero();
    return JSON.readTree(result.out());
  }

  private static String[] args(String command, String... more) {
    List<String> all = new ArrayList<>(List.of(command, "--redis-url", cluster.seedUrl()));
    all.addAll(PRESERVE_ARGS);
    all.addAll(List.of(more));
    return all.toArray(String[]::new);
  }

  private static String[] slow(String command, String... more) {
    List<String> all = new ArrayList<>(List.of(args(command, more)));
    all.addAll(List.of(SLOW));
    return all.toArray(String[]::new);
  }
}
