package dev.cacheflush.flush;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cacheflush.CacheflushException;
import dev.cacheflush.ExitCode;
import dev.cacheflush.config.Settings;
import dev.cacheflush.redis.RedisNode;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps two flushes of the same cache apart: {@code SET cacheflush:lock <holder> NX PX <ttl>}.
 * The expiry outlives the run's deadline, so a holder that dies frees the lock by itself; release
 * deletes the key only while it still holds this run's token.
 */
public final class FlushLock implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(FlushLock.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final byte[] KEY = Settings.LOCK_KEY.getBytes(StandardCharsets.UTF_8);

  /** Who holds the lock; stored as the key's value, readable with redis-cli. */
  record Holder(String host, long pid, String startedAt, String token) {}

  private final RedisNode node;
  private final byte[] value;

  private FlushLock(RedisNode node, byte[] value) {
    this.node = node;
    this.value = value;
  }

  /** Takes the lock, or throws (exit 5) naming who has it and since when. */
  public static FlushLock acquire(RedisNode node, Duration ttl, Instant now) {
    Holder me = new Holder(hostName(), ProcessHandle.current().pid(), now.toString(), UUID.randomUUID().toString());
    byte[] value = encode(me);
    if (node.setIfAbsent(KEY, value, ttl.toMillis())) {
      return new FlushLock(node, value);
    }
    byte[] current = node.get(KEY);
    long ttlLeft = node.pttl(KEY);
    throw new CacheflushException(ExitCode.LOCKED, "Another flush is running on this cache: " + describe(current)
        + " holds " + Settings.LOCK_KEY + (ttlLeft > 0 ? " (it expires in " + (ttlLeft + 999) / 1000 + " s if that run "
        + "died)" : "") + "; wait for it to finish, or run with --no-lock only if you are sure it is gone");
  }

  @Override
  public void close() {
    try {
      if (!node.deleteIfHeld(KEY, value)) {
        log.warn("The lock {} was no longer ours to release (it expired or was taken over)", Settings.LOCK_KEY);
      }
    } catch (RuntimeException e) {
      log.warn("Could not release the lock {} ({}); it expires by itself", Settings.LOCK_KEY, e.getMessage());
    }
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
