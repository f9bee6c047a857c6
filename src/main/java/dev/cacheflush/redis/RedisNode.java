package dev.cacheflush.redis;

import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.util.Map;

/**
 * One Redis server that owns keys (a standalone server or a cluster primary), over one connection
 * with binary keys, so that keys that are not valid UTF-8 survive the round trip unchanged.
 */
public final class RedisNode {
  private final String address;
  private final StatefulRedisConnection<byte[], byte[]> connection;

  public RedisNode(String address, StatefulRedisConnection<byte[], byte[]> connection) {
    this.address = address;
    this.connection = connection;
  }

  /** host:port, for reports and messages. */
  public String address() {
    return address;
  }

  public KeyScanCursor<byte[]> scan(ScanCursor cursor, int count) {
    return sync().scan(cursor, ScanArgs.Builder.limit(count));
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

  private RedisCommands<byte[], byte[]> sync() {
    return connection.sync();
  }
}
