package dev.cacheflush.flush;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cacheflush.CacheflushException;
import dev.cacheflush.ExitCode;
import dev.cacheflush.config.RedisUrl;
import dev.cacheflush.config.RedisUrl.HostPort;
import dev.cacheflush.config.Settings;
import dev.cacheflush.redis.Deadline;
import dev.cacheflush.redis.RedisFailures;
import dev.cacheflush.redis.RedisNode;
import dev.cacheflush.redis.RedisTarget;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps two flushes of the same cache apart: {@code SET cacheflush:lock <holder> NX PX <ttl>}.
 * The expiry outlives the run's deadline, so a holder that dies frees the lock by itself; release
 * deletes the key only while it still holds this run's token. No flush pattern reaches the key (see
 * {@link Classifier}), and it is not one of the cache's keys in the counts.
 *
 * <p>A cache at {@code maxmemory} with {@code noeviction} refuses the SET (OOM), and that is when a
 * flush is needed most: then, if no other run holds the lock, the flush goes on without it, with a
 * warning, rather than fail. The lock's commands are retried like every command of the run; a
 * release that still fails says how to free the lock at once instead of waiting for its expiry.
 */
public final class FlushLock implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(FlushLock.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final byte[] KEY = Settings.LOCK_KEY.getBytes(StandardCharsets.UTF_8);

  /** Who holds the lock; stored as the key's value, readable with redis-cli. */
  record Holder(String host, long pid, String startedAt, String token) {}

  private final RedisTarget redis;
  private final RedisNode node;

  /** Null when the flush goes on without the lock: there is nothing to release. */
  private final byte[] value;

  /** When the key expires by itself: retrying its release past that is pointless. */
  private final Deadline expiry;

  private FlushLock(RedisTarget redis, RedisNode node, byte[] value, Deadline expiry) {
    this.redis = redis;
    this.node = node;
    this.value = value;
    this.expiry = expiry;
  }

  /**
   * Takes the lock, or throws (exit 5) naming who has it and since when. When Redis is out of memory
   * and no one holds the lock, returns one that holds nothing, having warned.
   */
  public static FlushLock acquire(RedisTarget redis, Duration ttl, Clock clock) {
    RedisNode node = redis.lockNode();
    Holder me =
        new Holder(
            hostName(),
            ProcessHandle.current().pid(),
            clock.instant().toString(),
            UUID.randomUUID().toString());
    byte[] value = encode(me);
    // Counted from before the SET, so it never outlasts the key.
    Deadline expiry = new Deadline(clock, ttl);
    try {
      if (node.setIfAbsent(KEY, value, ttl.toMillis())) {
        return new FlushLock(redis, node, value, expiry);
      }
    } catch (RuntimeException e) {
      if (!RedisFailures.isOutOfMemory(e)) {
        throw e;
      }
      if (node.get(KEY) == null) {
        log.warn(
            "Redis at {} is at its maxmemory and refuses to store the lock {} (OOM, with the noeviction policy);"
                + " flushing without it, which frees memory. Make sure no other flush of this cache runs now",
            node.address(),
            Settings.LOCK_KEY);
        return new FlushLock(redis, node, null, expiry);
      }
    }
    byte[] current = node.get(KEY);
    if (Arrays.equals(current, value)) {
      // A retried SET: the first attempt took the lock, and only its reply was lost.
      return new FlushLock(redis, node, value, expiry);
    }
    long ttlLeft = node.pttl(KEY);
    throw new CacheflushException(
        ExitCode.LOCKED,
        "Another flush is running on this cache: "
            + describe(current)
            + " holds "
            + Settings.LOCK_KEY
            + (ttlLeft > 0
                ? " (it expires in " + (ttlLeft + 999) / 1000 + " s if that run " + "died)"
                : "")
            + "; wait for it to finish, or run with --no-lock only if you are sure it is gone");
  }

  /**
   * The cache's keys: DBSIZE over every primary, less the lock key if one is there (another run's,
   * or one left by a run that died), so that the scan's count, which skips it, can add up to it. A
   * user without rights on the lock key (made by {@code acl --no-lock}) gets DBSIZE as it is.
   */
  public static long cacheKeys(RedisTarget redis) {
    long keys = 0;
    for (RedisNode node : redis.primaries()) {
      keys += node.dbSize();
    }
    if (keys == 0) {
      return 0;
    }
    try {
      return redis.lockNode().pttl(KEY) == -2 ? keys : keys - 1;
    } catch (CacheflushException e) {
      throw e;
    } catch (RuntimeException noRight) {
      log.debug(
          "Cannot look at {} ({}); the key count may include it",
          Settings.LOCK_KEY,
          noRight.getMessage());
      return keys;
    }
  }

  @Override
  public void close() {
    if (value == null) {
      return;
    }
    // Worth trying until the key would go by itself, even when the run's own deadline has passed.
    redis.retryWithin(expiry);
    try {
      if (!node.deleteIfHeld(KEY, value) && node.get(KEY) != null) {
        log.warn(
            "The lock {} was no longer ours to release (it expired and another run took it)",
            Settings.LOCK_KEY);
      }
    } catch (RuntimeException e) {
      long left = expiry.remaining().toSeconds() + 1;
      log.warn(
          "Could not release the lock {} on {} ({}): it expires by itself within {} s; to free it now, once no"
              + " flush of this cache runs: {}",
          Settings.LOCK_KEY,
          node.address(),
          e.getMessage(),
          left,
          freeCommand(redis.url(), node.hostPort()));
    }
  }

  /** The redis-cli line that deletes the lock key on {@code node}; asks for the password, never shows it. */
  static String freeCommand(RedisUrl url, HostPort node) {
    StringBuilder cli =
        new StringBuilder("redis-cli -h ").append(node.host()).append(" -p ").append(node.port());
    if (url.tls()) {
      cli.append(" --tls");
    }
    url.username().ifPresent(user -> cli.append(" --user ").append(shellQuoted(user)));
    if (url.password().isPresent()) {
      cli.append(" --askpass");
    }
    if (url.database() != 0) {
      cli.append(" -n ").append(url.database());
    }
    // UNLINK, not DEL: the user that `cacheflush acl` describes may run it on the lock key.
    return cli.append(" UNLINK ").append(Settings.LOCK_KEY).toString();
  }

  private static String shellQuoted(String word) {
    return word.matches("[A-Za-z0-9_.@%+=:,/-]+") ? word : "'" + word.replace("'", "'\\''") + "'";
  }

  private static String describe(byte[] value) {
    if (value == null) {
      return "a run that just finished";
    }
    try {
      Holder h = JSON.readValue(value, Holder.class);
      return "the run started at " + h.startedAt() + " by pid " + h.pid() + " on " + h.host();
    } catch (java.io.IOException e) {
      return "a run (lock value '" + new String(value, StandardCharsets.UTF_8) + "')";
    }
  }

  private static byte[] encode(Holder holder) {
    try {
      return JSON.writeValueAsBytes(holder);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String hostName() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (java.io.IOException e) {
      return "unknown host";
    }
  }
}
