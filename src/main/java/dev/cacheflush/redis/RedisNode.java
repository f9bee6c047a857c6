package dev.cacheflush.redis;

import dev.cacheflush.config.RedisUrl.HostPort;
import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SetArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.output.IntegerOutput;
import io.lettuce.core.output.StatusOutput;
import io.lettuce.core.protocol.AsyncCommand;
import io.lettuce.core.protocol.Command;
import io.lettuce.core.protocol.CommandArgs;
import io.lettuce.core.protocol.CommandType;
import io.lettuce.core.protocol.CommandWrapper;
import io.lettuce.core.protocol.RedisCommand;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * One Redis server that owns keys (a standalone server or a cluster primary), over one connection
 * with binary keys, so that keys that are not valid UTF-8 survive the round trip unchanged. After
 * a failure the connection is replaced, never repaired: a fresh one cannot carry a late reply of
 * a command that timed out on the old one. Where the replacement connects is the connector's
 * choice: the same address, or, in a cluster or behind Sentinel, whichever server is the primary now.
 *
 * <p>Its single commands (DBSIZE, INFO, the lock's) are retried on a new connection under the
 * run's {@link Retry}, as SCAN and UNLINK are by the flush's own recovery; CLUSTER NODES is asked
 * once, as its callers have other nodes to ask.
 */
public final class RedisNode {
  /** Through UNLINK, not DEL, so the least-privilege user needs no right beyond what the flush uses. */
  private static final byte[] RELEASE_IF_OURS =
      "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('unlink', KEYS[1]) else return 0 end"
          .getBytes(StandardCharsets.UTF_8);

  /**
   * A live connection and the server at its other end.
   *
   * @param nodeId the cluster node id; null outside cluster mode
   */
  public record Connected(
      HostPort address, String nodeId, StatefulRedisConnection<byte[], byte[]> connection) {}

  private final Supplier<Connected> connector;

  /** The target's policy now: its deadline moves from connecting to the flush. */
  private final Supplier<Retry> retry;

  private volatile Connected current;

  public RedisNode(Supplier<Connected> connector, Supplier<Retry> retry) {
    this.connector = connector;
    this.retry = retry;
    this.current = connector.get();
  }

  /** host:port of the server now connected, for reports and messages. */
  public String address() {
    return current.address().toString();
  }

  /** The server now connected. */
  public HostPort hostPort() {
    return current.address();
  }

  /** The cluster node id of the server now connected; null outside cluster mode. */
  public String nodeId() {
    return current.nodeId();
  }

  /** Drops the connection and opens a new one; throws if the server cannot be reached. */
  public void reconnect() {
    StatefulRedisConnection<byte[], byte[]> old = current.connection();
    try {
      old.close();
    } catch (RuntimeException alreadyBroken) {
      // A connection that failed may fail to close; the new one is what matters.
    }
    current = connector.get();
  }

  public void close() {
    current.connection().close();
  }

  /**
   * Sent without waiting, so the next page can be on its way while this one is sorted; its reply is
   * read by {@link ScanPage}.
   */
  public RedisFuture<KeyScanCursor<byte[]>> scan(ScanCursor cursor, int count) {
    return (AsyncCommand<byte[], byte[], KeyScanCursor<byte[]>>)
        current.connection().dispatch(new AsyncCommand<>(new ScanPage(cursor, count)));
  }

  /** Receives the replies of {@link #unlink(byte[][][], UnlinkReplies)}, on the client's I/O thread. */
  public interface UnlinkReplies {
    /** Group {@code group}'s UNLINK removed {@code keys} keys. */
    void removed(int group, long keys);

    /** Group {@code group}'s UNLINK failed (an error reply, a closed connection): nothing is known of its keys. */
    void failed(int group, Throwable error);
  }

  /**
   * One UNLINK per group of keys, all written at once and sent without waiting, so many are
   * pipelined on the connection and each reply counts its own group. In a cluster, where keys of
   * different slots cannot share a command, each group is one slot's keys, and its reply says
   * which slot a redirect or a failure concerns.
   *
   * <p>A flush sends many of these, so they cost as little as the client allows: one command of
   * Lettuce's for them all ({@link UnlinkBatch}), made here on the caller's thread in one array (no
   * argument object per key), with no future and no timer of the client's ({@link #untimed}): the
   * deleter bounds the wait for a batch instead, and counts what is unanswered then as failed.
   */
  public void unlink(byte[][][] groups, UnlinkReplies replies) {
    current.connection().dispatch(new UnlinkBatch(groups, replies));
  }

  /** True for the commands whose wait their sender bounds itself: the client sets no timer on them. */
  static boolean untimed(RedisCommand<?, ?, ?> command) {
    return CommandWrapper.unwrap(command) instanceof UnlinkBatch;
  }

  /**
   * One key's UNLINK on any connection; with {@code asking}, ASKING and UNLINK are written together
   * so that nothing comes between them: the target of a slot being migrated serves a key of it
   * only in the command right after ASKING.
   */
  static CompletableFuture<Long> unlink(
      StatefulRedisConnection<byte[], byte[]> connection, byte[] key, boolean asking) {
    AsyncCommand<byte[], byte[], Long> unlink = unlinkCommand(key);
    if (asking) {
      connection.dispatch(
          List.of(
              new AsyncCommand<>(
                  new Command<>(
                      CommandType.ASKING,
                      new StatusOutput<byte[], byte[]>(ByteArrayCodec.INSTANCE))),
              unlink));
    } else {
      connection.dispatch(unlink);
    }
    return unlink;
  }

  private static AsyncCommand<byte[], byte[], Long> unlinkCommand(byte[]... keys) {
    return new AsyncCommand<>(
        new Command<>(
            CommandType.UNLINK,
            new IntegerOutput<>(ByteArrayCodec.INSTANCE),
            new CommandArgs<>(ByteArrayCodec.INSTANCE).addKeys(keys)));
  }

  public long dbSize() {
    return retried("DBSIZE", RedisCommands::dbsize);
  }

  public Map<String, String> info(String section) {
    return InfoParser.parse(retried("INFO " + section, c -> c.info(section)));
  }

  /**
   * The shortest of a few round trips of DBSIZE (constant time on the server, and within the
   * least-privilege rule, unlike PING): the network's share of every command, to size how many
   * are kept on their way.
   */
  public long roundTripNanos() {
    long best = Long.MAX_VALUE;
    for (int i = 0; i < 3; i++) {
      best =
          Math.min(
              best,
              retried(
                  "DBSIZE",
                  c -> {
                    long start = System.nanoTime();
                    c.dbsize();
                    return System.nanoTime() - start;
                  }));
    }
    return best;
  }

  /** The server process's identity: it changes when the server restarts or another takes its place. */
  public String runId() {
    return info("server").getOrDefault("run_id", "");
  }

  /**
   * The cluster as this node sees it (CLUSTER NODES), asked once: a caller that cannot have it asks
   * another node, or the scan meets the fault and recovers.
   */
  public List<ClusterNode> clusterNodes() {
    return ClusterNodes.parse(current.connection().sync().clusterNodes());
  }

  /**
   * SET key value NX PX ttl: true if this call created the key. A retry after a reply lost on the way
   * may find the key its first attempt set, so the caller checks the value when it gets false.
   */
  public boolean setIfAbsent(byte[] key, byte[] value, long ttlMillis) {
    return "OK".equals(retried("SET", c -> c.set(key, value, SetArgs.Builder.nx().px(ttlMillis))));
  }

  public byte[] get(byte[] key) {
    return retried("GET", c -> c.get(key));
  }

  /** Milliseconds left; -1 for a key without expiry, -2 for no key. */
  public long pttl(byte[] key) {
    return retried("PTTL", c -> c.pttl(key));
  }

  /** Deletes the key only while it still holds {@code value}, atomically, so a lock taken over is not released. */
  public boolean deleteIfHeld(byte[] key, byte[] value) {
    Long removed =
        retried(
            "EVAL (release)",
            c -> c.eval(RELEASE_IF_OURS, ScriptOutputType.INTEGER, new byte[][] {key}, value));
    return removed != null && removed == 1;
  }

  private <T> T retried(String command, Function<RedisCommands<byte[], byte[]>, T> call) {
    return retry
        .get()
        .run(
            command + " on " + address(),
            () -> call.apply(current.connection().sync()),
            this::reconnect);
  }
}
