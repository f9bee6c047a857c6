package dev.cacheflush.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.lettuce.core.RedisURI;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.sync.RedisAdvancedClusterCommands;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RedisClusterIT {
  private static RedisCluster cluster;
  private static RedisClusterClient client;
  private static StatefulRedisClusterConnection<String, String> connection;
  private static RedisAdvancedClusterCommands<String, String> redis;
  private static long creationMillis;

  @BeforeAll
  static void startCluster() {
    long started = System.nanoTime();
    cluster = RedisServers.cluster(3, 1);
    creationMillis = (System.nanoTime() - started) / 1_000_000;
    System.out.println("RedisClusterIT: 3+3 cluster formed in " + creationMillis + " ms");
    RedisURI uri = RedisURI.create(cluster.seedUrl());
    uri.setTimeout(Duration.ofSeconds(2));
    client = RedisClusterClient.create(uri);
    client.setOptions(
        ClusterClientOptions.builder()
            .topologyRefreshOptions(
                ClusterTopologyRefreshOptions.builder()
                    .enableAllAdaptiveRefreshTriggers()
                    .adaptiveRefreshTriggersTimeout(Duration.ofMillis(100))
                    .enablePeriodicRefresh(Duration.ofMillis(500))
                    .build())
            .build());
    connection = client.connect();
    redis = connection.sync();
  }

  @AfterAll
  static void stopCluster() {
    try {
      if (connection != null) {
        connection.close();
      }
      if (client != null) {
        client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
      }
    } finally {
      if (cluster != null) {
        cluster.close();
      }
    }
    assertThat(cluster.nodes()).noneMatch(RedisServer::isRunning);
  }

  @Test
  @Order(1)
  void clusterHasThreePrimariesEachWithOneAttachedReplica() {
    assertThat(cluster.nodes()).hasSize(6);
    List<RedisServer> primaries = cluster.primaries();
    assertThat(primaries).hasSize(3);
    assertThat(cluster.replicas()).hasSize(3);
    for (RedisServer primary : primaries) {
      assertThat(cluster.replicasOf(primary)).hasSize(1);
      assertThat(cluster.slotsOf(primary)).isNotEmpty();
      assertThat(primary.info("replication")).containsEntry("connected_slaves", "1");
    }
    int slots = primaries.stream().mapToInt(p -> cluster.slotsOf(p).size()).sum();
    assertThat(slots).isEqualTo(RedisCluster.SLOTS);
    assertThat(cluster.seedUrl()).startsWith("redis://127.0.0.1:");
    for (RedisServer node : cluster.nodes()) {
      assertThat(node.callString("CLUSTER", "INFO")).contains("cluster_state:ok");
    }
  }

  @Test
  @Order(2)
  void keysSpreadOverAllPrimariesAndSlotOfMatchesRedis() {
    Map<RedisServer, Integer> perPrimary = new HashMap<>();
    for (int i = 0; i < 150; i++) {
      String key = "mocs:item:" + i;
      redis.set(key, "v" + i);
      RedisServer owner = cluster.primaryFor(key);
      assertThat(owner.call("EXISTS", key)).isEqualTo(1L);
      perPrimary.merge(owner, 1, Integer::sum);
    }
    assertThat(perPrimary.keySet()).containsExactlyInAnyOrderElementsOf(cluster.primaries());
    assertThat(perPrimary.values()).allMatch(count -> count > 25);
    for (String key :
        List.of("a", "mocs:1", "{user1000}.following", "foo{}{bar}", "{}x", "gallery:\u00e9")) {
      assertThat(RedisCluster.slotOf(key))
          .as(key)
          .isEqualTo(((Long) cluster.nodes().get(0).call("CLUSTER", "KEYSLOT", key)).intValue());
    }
    for (int slot : List.of(0, 42, 5460, 16383)) {
      assertThat(RedisCluster.slotOf("x{" + RedisCluster.hashTagForSlot(slot) + "}y"))
          .isEqualTo(slot);
    }
  }

  @Test
  @Order(3)
  void migrateSlotMovesEveryKeyAndClientsFollow() {
    int slot = 42;
    String tag = RedisCluster.hashTagForSlot(slot);
    for (int i = 0; i < 250; i++) {
      redis.set("gallery:{" + tag + "}:" + i, "g" + i);
    }
    RedisServer from = cluster.primaryForSlot(slot);
    RedisServer to = cluster.primaries().stream().filter(p -> p != from).findFirst().orElseThrow();

    int moved = cluster.migrateSlot(slot, from, to);

    assertThat(moved).isEqualTo(250);
    assertThat(cluster.primaryForSlot(slot)).isEqualTo(to);
    assertThat(to.call("CLUSTER", "COUNTKEYSINSLOT", slot)).isEqualTo(250L);
    assertThat(from.call("CLUSTER", "COUNTKEYSINSLOT", slot)).isEqualTo(0L);
    assertThat(redis.get("gallery:{" + tag + "}:7")).isEqualTo("g7");
  }

  @Test
  @Order(4)
  void halfDoneMigrationLeavesKeysOnBothSidesReachableByAsk() {
    int slot = 4242;
    String tag = RedisCluster.hashTagForSlot(slot);
    for (int i = 0; i < 20; i++) {
      redis.set("albums:{" + tag + "}:" + i, "a" + i);
    }
    RedisServer from = cluster.primaryForSlot(slot);
    RedisServer to = cluster.primaries().stream().filter(p -> p != from).findFirst().orElseThrow();

    RedisCluster.SlotMigration migration = cluster.beginMigration(slot, from, to);
    assertThat(migration.moveKeys(5)).isEqualTo(5);
    assertThat(migration.keysLeft()).isEqualTo(15L);
    Set<String> values = new HashSet<>();
    for (int i = 0; i < 20; i++) {
      values.add(redis.get("albums:{" + tag + "}:" + i)); // moved keys answer via -ASK
    }
    assertThat(values).hasSize(20).doesNotContainNull();
    migration.finish();

    assertThat(cluster.primaryForSlot(slot)).isEqualTo(to);
    assertThat(to.call("CLUSTER", "COUNTKEYSINSLOT", slot)).isEqualTo(20L);
  }

  @Test
  @Order(5)
  void killedPrimaryIsReplacedByItsReplicaAndRejoinsAsReplica() {
    String key = "wishlist:{" + RedisCluster.hashTagForSlot(100) + "}:1";
    redis.set(key, "kept");
    RedisServer victim = cluster.primaryForSlot(100);
    RedisServer itsReplica = cluster.replicasOf(victim).get(0);
    long offset = Long.parseLong(victim.info("replication").get("master_repl_offset"));
    await()
        .atMost(Duration.ofSeconds(5))
        .until(
            () ->
                Long.parseLong(itsReplica.info("replication").get("slave_repl_offset")) >= offset);

    long started = System.nanoTime();
    cluster.kill(victim);
    RedisServer promoted = cluster.awaitFailover(victim);
    System.out.println(
        "RedisClusterIT: failover took " + (System.nanoTime() - started) / 1_000_000 + " ms");

    assertThat(promoted).isEqualTo(itsReplica);
    assertThat(cluster.primaries()).hasSize(3).contains(promoted).doesNotContain(victim);
    assertThat(cluster.primaryForSlot(100)).isEqualTo(promoted);
    // The client learns the new topology on its own schedule; the cluster itself is ready.
    await()
        .atMost(Duration.ofSeconds(10))
        .ignoreExceptions()
        .untilAsserted(() -> assertThat(redis.get(key)).isEqualTo("kept"));

    cluster.restart(victim);
    cluster.awaitHealthy();
    assertThat(victim.role()).isEqualTo("slave");
    assertThat(cluster.replicasOf(promoted)).containsExactly(victim);
  }

  @Test
  @Order(6)
  void singlePrimaryClusterIsCreatedWithoutRedisCli() {
    try (RedisCluster small = RedisServers.cluster(1, 1)) {
      assertThat(small.primaries()).hasSize(1);
      assertThat(small.replicas()).hasSize(1);
      assertThat(small.slotsOf(small.primaries().get(0))).hasSize(RedisCluster.SLOTS);
      assertThat(small.replicasOf(small.primaries().get(0)))
          .containsExactlyElementsOf(small.replicas());
    }
  }
}
