package dev.cacheflush.support;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RedisSentinelIT {
  private static final String MASTER = "cacheflush-primary";
  private static RedisSentinelSetup setup;
  private static RedisClient client;

  @BeforeAll
  static void start() {
    long started = System.nanoTime();
    setup = RedisServers.sentinel(MASTER);
    System.out.println(
        "RedisSentinelIT: ready in " + (System.nanoTime() - started) / 1_000_000 + " ms");
    client = RedisClient.create();
  }

  @AfterAll
  static void stop() {
    try {
      if (client != null) {
        client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
      }
    } finally {
      if (setup != null) {
        setup.close();
      }
    }
  }

  @Test
  @Order(1)
  void sentinelReportsThePrimaryAndItsReplica() {
    RedisServer sentinel = setup.sentinels().get(0);
    assertThat(sentinel.isSentinel()).isTrue();
    assertThat(sentinel.role()).isEqualTo("sentinel");
    assertThat(setup.sentinelUrl())
        .isEqualTo("redis-sentinel://127.0.0.1:" + sentinel.port() + "#" + MASTER);
    assertThat(setup.primary()).isSameAs(setup.servers().get(0));
    assertThat(setup.primary().role()).isEqualTo("master");
    assertThat(setup.replica().role()).isEqualTo("slave");
    RedisURI uri = RedisURI.create(setup.sentinelUrl());
    assertThat(uri.getSentinelMasterId()).isEqualTo(MASTER);
    assertThat(uri.getSentinels()).hasSize(1);
  }

  @Test
  @Order(2)
  void lettuceFindsThePrimaryThroughTheSentinelUrl() {
    try (StatefulRedisConnection<String, String> connection =
        client.connect(RedisURI.create(setup.sentinelUrl()))) {
      connection.sync().set("mocs:via-sentinel", "1");
    }
    assertThat(setup.primary().callString("GET", "mocs:via-sentinel")).isEqualTo("1");
  }

  @Test
  @Order(3)
  void failoverPromotesTheReplicaAndClientsFollow() {
    RedisServer oldPrimary = setup.primary();
    RedisServer oldReplica = setup.replica();

    long started = System.nanoTime();
    RedisServer promoted = setup.failover();
    System.out.println(
        "RedisSentinelIT: failover took " + (System.nanoTime() - started) / 1_000_000 + " ms");

    assertThat(promoted).isSameAs(oldReplica);
    assertThat(promoted.role()).isEqualTo("master");
    try (StatefulRedisConnection<String, String> connection =
        client.connect(RedisURI.create(setup.sentinelUrl()))) {
      connection.sync().set("mocs:after-failover", "2");
    }
    assertThat(promoted.callString("GET", "mocs:after-failover")).isEqualTo("2");
    assertThat(setup.primary()).isSameAs(promoted);
    assertThat(oldPrimary.isRunning()).isTrue();
  }

  @Test
  @Order(4)
  void threeSentinelsReplaceAKilledPrimary() {
    try (RedisSentinelSetup three = RedisServers.sentinel("three", 3)) {
      assertThat(three.sentinels()).hasSize(3);
      assertThat(RedisURI.create(three.sentinelUrl()).getSentinels()).hasSize(3);
      RedisServer oldPrimary = three.primary();
      RedisServer oldReplica = three.replica();

      long started = System.nanoTime();
      three.kill(oldPrimary);
      RedisServer promoted = three.awaitFailover(oldPrimary);
      System.out.println(
          "RedisSentinelIT: kill failover with 3 sentinels took "
              + (System.nanoTime() - started) / 1_000_000
              + " ms");

      assertThat(promoted).isSameAs(oldReplica);
      assertThat(three.primary()).isSameAs(promoted);
    }
  }
}
