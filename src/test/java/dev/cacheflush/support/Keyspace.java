package dev.cacheflush.support;

import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Fills and reads a test server's keyspace with binary-safe keys, independently of the code under
 * test: strings, hashes and sets, as real caches hold.
 */
public final class Keyspace implements AutoCloseable {
  private final RedisClient client;
  private final StatefulRedisConnection<byte[], byte[]> connection;

  public Keyspace(String url) {
    client = RedisClient.create(RedisURI.create(url));
    connection = client.connect(ByteArrayCodec.INSTANCE);
  }

  public static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** Writes every key, cycling through value types, pipelined. */
  public void write(Collection<byte[]> keys) {
    RedisAsyncCommands<byte[], byte[]> async = connection.async();
    List<RedisFuture<?>> pending = new ArrayList<>();
    int i = 0;
    for (byte[] key : keys) {
      byte[] value = bytes("v" + i);
      pending.add(
          switch (i++ % 3) {
            case 0 -> async.set(key, value);
            case 1 -> async.hset(key, bytes("f"), value);
            default -> async.sadd(key, value);
          });
      if (pending.size() >= 5_000) {
        await(pending);
      }
    }
    await(pending);
  }

  /** family:index keys for each family, e.g. {"mocs": 1000} gives mocs:0 ... mocs:999. */
  public static List<byte[]> families(Map<String, Integer> families) {
    List<byte[]> keys = new ArrayList<>();
    families.forEach(
        (family, count) -> {
          for (int i = 0; i < count; i++) {
            keys.add(bytes(family + ":" + i));
          }
        });
    return keys;
  }

  public long dbSize() {
    return connection.sync().dbsize();
  }

  public boolean exists(byte[] key) {
    return connection.sync().exists(key) == 1;
  }

  /** Every key now in the database, as comparable values. */
  public Set<ByteBuffer> allKeys() {
    Set<ByteBuffer> keys = new HashSet<>();
    ScanCursor cursor = ScanCursor.INITIAL;
    do {
      KeyScanCursor<byte[]> page = connection.sync().scan(cursor, ScanArgs.Builder.limit(10_000));
      page.getKeys().forEach(k -> keys.add(ByteBuffer.wrap(k)));
      cursor = page;
    } while (!cursor.isFinished());
    return keys;
  }

  public StatefulRedisConnection<byte[], byte[]> connection() {
    return connection;
  }

  private static void await(List<RedisFuture<?>> pending) {
    for (RedisFuture<?> f : pending) {
      try {
        f.get(30, TimeUnit.SECONDS);
      } catch (Exception e) {
        throw new IllegalStateException("filling the test keyspace failed", e);
      }
    }
    pending.clear();
  }

  @Override
  public void close() {
    connection.close();
    client.shutdown(0, 1, TimeUnit.SECONDS);
  }
}
