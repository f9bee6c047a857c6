package dev.cacheflush.redis;

import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SetArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.function.Supplier;

/**
 * One Redis server that owns keys (a standalone server or a cluster primary), over one connection
 * with binary keys, so that keys that are not valid UTF-8 survive the round trip unchanged. After
 * a failure the connection is replaced, never repaired: a fresh one cannot carry a late reply of
 * a command that timed out on the old one.
 */
public final class RedisNode {
  private static final byte[] RELEASE_IF_OURS = (
      "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end")
      .getBytes(StandardCharsets.UTF_8);

  private final String address;
  private final Supplier<StatefulRedisConnection<byte[], byte[]>> connector;
  private volatile StatefulRedisConnection<byte[], byte[]> connection;

  public RedisNode(String address, Supplier<StatefulRedisConnection<byte[], byte[]>> connector) {
    this.address = address;
    this.connector = connector;
    this.connection = connector.get();
  }

  /** host:port, for reports and messages. */
  public String address() {
    return address;
  }

  /** Drops the connection and opens a new one; throws if the server cannot be reached. */
  public void reconnect() {
    StatefulRedisConnection<byte[], byte[]> old = connection;
    try {
      old.close();
    } catch (RuntimeException alreadyBroken) {
      // A connection that failed may fail to close; the new one is what matters.
    }
    connection = connector.get();
  }

  public void close() {
    connection.close();
  }

  /** Sent without waiting, so the next page can be on its way while this one is sorted. */
  public RedisFuture<KeyScanCursor<byte[]>> scan(ScanCursor cursor, int count) {
    return connection.async().scan(cursor, ScanArgs.Builder.limit(count));
  }

  /** Sent without waiting, so many UNLINKs are pipelined on the connection. */
  public RedisFuture<Long> unlink(byte[][] keys) {
    return connection.async().unlink(keys);
  }

  public long dbSize() {
    return sync().dbsize();
  }

  public Map<String, String> info(String section) {
    return InfoParser.parse(sync().info(section));
  }

  /** The server process's identity: it changes when the server restarts or another takes its place. */
  public String runId() {
    return info("server").getOrDefault("run_id", "");
  }

  /** SET key value NX PX ttl: true if this call created the key. */
  public boolean setIfAbsent(byte[] key, byte[] value, long ttlMillis) {
    return "OK".equals(sync().set(key, value, SetArgs.Builder.nx().px(ttlMillis)));
  }

  public byte[] get(byte[] key) {
    return sync().get(key);
  }

  public long pttl(byte[] key) {
    return sync().pttl(key);
  }

  /** Deletes the key only while it still holds {@code value}, atomically, so a lock taken over is not released. */
  public boolean deleteIfHeld(byte[] key, byte[] value) {
    Long removed = sync().eval(RELEASE_IF_OURS, ScriptOutputType.INTEGER, new byte[][] {key}, value);
    return removed != null && removed == 1;
  }

  private RedisCommands<byte[], byte[]> sync() {
    return connection.sync();
  }
}
