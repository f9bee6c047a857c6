package dev.cacheflush.support;

import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Fills and reads a test cluster's keyspace independently of the code under test: every key is
 * written straight to the primary that serves its slot now, and counted per primary with
 * {@code redis-cli --scan | wc -l}, as an operator would check.
 */
public final class ClusterKeyspace {
  private final RedisCluster cluster;

  public ClusterKeyspace(RedisCluster cluster) {
    this.cluster = cluster;
  }

  /** Empties every primary (replicas follow). */
  public void flushAll() {
    for (RedisServer primary : cluster.primaries()) {
      primary.call("FLUSHALL");
    }
  }

  /** Writes every key (a string) to the primary serving its slot, pipelined. */
  public void write(Collection<byte[]> keys) {
    Map<Integer, RedisServer> owners = new HashMap<>();
    for (RedisServer primary : cluster.primaries()) {
      cluster.slotsOf(primary).forEach(slot -> owners.put(slot, primary));
    }
    RedisClient client = RedisClient.create();
    Map<RedisServer, StatefulRedisConnection<byte[], byte[]>> connections = new HashMap<>();
    try {
      List<RedisFuture<?>> pending = new ArrayList<>();
      for (byte[] key : keys) {
        RedisServer owner = owners.get(RedisCluster.slotOf(key));
        StatefulRedisConnection<byte[], byte[]> c =
            connections.computeIfAbsent(
                owner, o -> client.connect(ByteArrayCodec.INSTANCE, RedisURI.create(o.url())));
        pending.add(c.async().set(key, key));
        if (pending.size() >= 5_000) {
          await(pending);
        }
      }
      await(pending);
    } finally {
      connections.values().forEach(StatefulRedisConnection::close);
      client.shutdown(Duration.ZERO, Duration.ofSeconds(1));
    }
  }

  /** {@code redis-cli -p <port> --scan [--pattern P] | wc -l} on every primary serving slots now. */
  public Map<RedisServer, Long> census(String pattern) {
    Map<RedisServer, Long> counts = new LinkedHashMap<>();
    for (RedisServer primary : cluster.primaries()) {
      String command =
          "redis-cli -p "
              + primary.port()
              + " --scan"
              + (pattern == null ? "" : " --pattern '" + pattern + "'")
              + " | wc -l";
      counts.put(primary, Long.parseLong(shell(command).strip()));
    }
    return counts;
  }

  public long total(String pattern) {
    return census(pattern).values().stream().mapToLong(Long::longValue).sum();
  }

  /** Every key on every primary now. */
  public Set<ByteBuffer> allKeys() {
    Set<ByteBuffer> keys = new HashSet<>();
    RedisClient client = RedisClient.create();
    try {
      for (RedisServer primary : cluster.primaries()) {
        try (StatefulRedisConnection<byte[], byte[]> c =
            client.connect(ByteArrayCodec.INSTANCE, RedisURI.create(primary.url()))) {
          ScanCursor cursor = ScanCursor.INITIAL;
          do {
            KeyScanCursor<byte[]> page = c.sync().scan(cursor, ScanArgs.Builder.limit(5_000));
            page.getKeys().forEach(k -> keys.add(ByteBuffer.wrap(k)));
            cursor = page;
          } while (!cursor.isFinished());
        }
      }
    } finally {
      client.shutdown(Duration.ZERO, Duration.ofSeconds(1));
    }
    return keys;
  }

  private static String shell(String command) {
    try {
      Process p = new ProcessBuilder("sh", "-c", command).redirectErrorStream(true).start();
      byte[] out = p.getInputStream().readAllBytes();
      if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new IllegalStateException(
            command + " failed: " + new String(out, StandardCharsets.UTF_8));
      }
      return new String(out, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static void await(List<RedisFuture<?>> pending) {
    for (RedisFuture<?> f : pending) {
      try {
        f.get(30, TimeUnit.SECONDS);
      } catch (Exception e) {
        throw new IllegalStateException("filling the test cluster failed", e);
      }
    }
    pending.clear();
  }
}
