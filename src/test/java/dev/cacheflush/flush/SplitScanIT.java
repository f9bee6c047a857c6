package dev.cacheflush.flush;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cacheflush.audit.AuditTrail;
import dev.cacheflush.config.Settings;
import dev.cacheflush.config.SettingsLayer;
import dev.cacheflush.config.SettingsResolver;
import dev.cacheflush.redis.ConnectOptions;
import dev.cacheflush.redis.Deadline;
import dev.cacheflush.redis.RedisTarget;
import dev.cacheflush.redis.ScanSplit;
import dev.cacheflush.support.ClusterKeyspace;
import dev.cacheflush.support.Keyspace;
import dev.cacheflush.support.RedisCluster;
import dev.cacheflush.support.RedisServer;
import dev.cacheflush.support.RedisServers;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the pass decides about splitting the scan into cursor chains, on real servers, and that the
 * flush it makes that way leaves nothing behind: the verification pass, which is the net for any
 * key a split could miss, finds nothing left.
 */
class SplitScanIT {
  @TempDir Path dir;

  @Test
  void aKeyspaceTooSmallToSplitShouldBeScannedWithOneChain() throws Exception {
    long small = 2 * ScanSplit.MIN_KEYS_PER_CHAIN - 1;
    try (RedisServer server = populated(small)) {
      Settings settings = settings(server.url());
      try (RedisTarget target = connect(settings)) {
        KeyspacePass pass = pass(settings, false, new Tally(1));
        assertThat(pass.run(target, small)).isEqualTo(Outcome.COMPLETED);
        assertThat(chains(pass)).containsExactly(Map.entry(server.address(), 1));
      }
    }
  }

  @Test
  void aLargeKeyspaceShouldBeFlushedWithSeveralChainsAndNothingLeftForTheVerification()
      throws Exception {
    try (RedisServer server = populated(120_000)) {
      populate(server, "other", 30_000);
      Settings settings = settings(server.url());
      try (RedisTarget target = connect(settings)) {
        Tally flushed = new Tally(1);
        KeyspacePass flush = pass(settings, true, flushed);
        assertThat(flush.run(target, 150_000)).isEqualTo(Outcome.COMPLETED);
        KeyspacePass.Walk walk = flush.shards().get(0).walk();
        int chains = walk.chains();
        assertThat(walk.inFlight()).isGreaterThanOrEqualTo(settings.maxInFlight());
        // 150,000 keys allow 8 chains; the round trip asks for 4 or more.
        assertThat(chains).isBetween(4, 8);
        assertThat(Integer.bitCount(chains)).isEqualTo(1);
        assertThat(flushed.scanned()).isGreaterThanOrEqualTo(150_000);
        assertThat(flushed.deleted()).isEqualTo(120_000);

        Tally verified = new Tally(1);
        KeyspacePass verify = pass(settings, false, verified);
        assertThat(verify.run(target, 30_000)).isEqualTo(Outcome.COMPLETED);
        assertThat(verified.matched()).isZero();
        assertThat(verify.shards().get(0).walk().inFlight()).as("a pass that only counts").isNull();
        // SCAN may return a key twice while the table shrinks after the flush: at least, not
        // exactly.
        assertThat(verified.untouched()).isGreaterThanOrEqualTo(30_000);
        assertThat(server.callString("DBSIZE")).isEqualTo("30000");
      }
    }
  }

  @Test
  void aClusterShouldBeScannedWithOneChainAPrimaryAndEveryKeySeen() throws Exception {
    try (RedisCluster cluster = RedisServers.cluster(3, 0)) {
      cluster.awaitHealthy();
      ClusterKeyspace keyspace = new ClusterKeyspace(cluster);
      keyspace.write(Keyspace.families(Map.of("k", 60_000)));
      Settings settings = settings(cluster.seedUrl());
      try (RedisTarget target = connect(settings)) {
        Tally tally = new Tally(1);
        KeyspacePass pass = pass(settings, false, tally);
        assertThat(pass.run(target, 60_000)).isEqualTo(Outcome.COMPLETED);
        assertThat(chains(pass))
            .hasSize(3)
            .allSatisfy((node, chains) -> assertThat(chains).isEqualTo(1));
        assertThat(tally.matched()).isEqualTo(60_000);
      }
    }
  }

  /** A server with {@code keys} keys that match {@code k*}. */
  private static RedisServer populated(long keys) {
    RedisServer server = RedisServers.standalone("--enable-debug-command", "local");
    populate(server, "k", keys);
    return server;
  }

  /** 10,000 keys a call, under distinct prefixes, so that no call outlasts the admin timeout. */
  private static void populate(RedisServer server, String prefix, long keys) {
    for (long done = 0, part = 0; done < keys; done += 10_000, part++) {
      server.call(
          "DEBUG", "POPULATE", String.valueOf(Math.min(10_000, keys - done)), prefix + part, "10");
    }
  }

  private Settings settings(String url) {
    return SettingsResolver.resolve(
        SettingsLayer.EMPTY,
        Map.of("REDIS_URL", url, "FLUSH_PATTERNS", "k*", "PRESERVE_PATTERNS", "sessions:*"),
        null,
        dir,
        false);
  }

  private static RedisTarget connect(Settings settings) {
    return RedisTarget.connect(settings.redisUrl(), ConnectOptions.of(settings), deadline());
  }

  private static KeyspacePass pass(Settings settings, boolean delete, Tally tally) {
    return new KeyspacePass(
        settings,
        delete,
        tally,
        AuditTrail.NONE,
        Progress.NONE,
        deadline(),
        new StopSignal(),
        null);
  }

  private static Deadline deadline() {
    return new Deadline(Clock.systemUTC(), Duration.ofMinutes(2));
  }

  /** The cursor chains each shard was walked with, by address. */
  private static Map<String, Integer> chains(KeyspacePass pass) {
    Map<String, Integer> out = new LinkedHashMap<>();
    pass.shards().forEach(s -> out.put(s.node().address(), s.walk().chains()));
    return out;
  }
}
