package dev.cacheflush.flush;

import dev.cacheflush.audit.AuditTrail;
import dev.cacheflush.config.RedisUrl.HostPort;
import dev.cacheflush.redis.ClusterRedirects;
import dev.cacheflush.redis.RedisNode;
import dev.cacheflush.redis.SlotWatch;

/**
 * Deletes on one cluster primary with one UNLINK per key, {@code batchSize} of them (or {@link
 * PipelinedDeleter#BATCH_BYTES}) written at once, at most {@code maxInFlight} such batches
 * unanswered (the same bounds on keys in flight as {@link UnlinkDeleter}).
 *
 * <p>Why not multi-key UNLINK grouped by hash slot: a SCAN page's keys fall into about as many
 * slots as there are keys (a primary serves ~5,461 slots), so a slot group rarely holds more than
 * one or two keys, and a group must also hold one flush pattern's keys for UNLINK's count to be
 * that pattern's. Measured on 3 local primaries, 300,000 keys (docs/deployments.md): grouping by
 * slot and pattern deletes no faster than one key per command (575 vs 560 ms of Redis CPU); only
 * grouping that mixes patterns saves ~15 %, and it cannot count per pattern. One key per command
 * also makes CROSSSLOT impossible, never meets TRYAGAIN during a migration, and tells exactly
 * which key a MOVED or ASK is about, so that key alone is sent where the reply says.
 *
 * <p>A command per key makes the client's cost per command the cluster flush's cost per key: {@link
 * RedisNode#unlink(byte[][][], RedisNode.UnlinkReplies)} writes each without a future, an argument
 * object per key or a timer, and only a key whose UNLINK failed costs a future, for its redirect.
 */
public final class ClusterUnlinkDeleter extends PipelinedDeleter {
  private final RedisNode node;
  private final ClusterRedirects redirects;
  private final SlotWatch watch;

  /**
   * @param watch told of every slot a MOVED or ASK names, so that the slot is scanned again
   * @param settleMillis how long to wait for the replies (redirects included) of the batches in flight
   */
  public ClusterUnlinkDeleter(
      RedisNode node,
      ClusterRedirects redirects,
      SlotWatch watch,
      Tally tally,
      AuditTrail audit,
      int batchSize,
      int maxInFlight,
      long settleMillis,
      Throttle throttle) {
    super(tally, audit, batchSize, maxInFlight, settleMillis, throttle);
    this.node = node;
    this.redirects = redirects;
    this.watch = watch;
  }

  /** One group of one key each: the UNLINKs as they will be written. */
  @Override
  Batch batch(int[] patterns, byte[][] keys, long bytes) {
    byte[][][] groups = new byte[keys.length][][];
    for (int i = 0; i < keys.length; i++) {
      groups[i] = new byte[][] {keys[i]};
    }
    return new Batch(patterns, groups, keys.length, bytes);
  }

  @Override
  String shard() {
    return node.address();
  }

  @Override
  void write(Batch batch, Replies replies) {
    HostPort from = node.hostPort();
    node.unlink(
        batch.groups(),
        new RedisNode.UnlinkReplies() {
          @Override
          public void removed(int group, long keys) {
            replies.removed(group, keys);
          }

          // A redirect (or a failure) is rare: only then does a key cost a future.
          @Override
          @SuppressWarnings("FutureReturnValueIgnored")
          public void failed(int group, Throwable error) {
            redirects
                .follow(replies.group(group)[0], error, from, watch)
                .whenComplete(
                    (removed, again) -> {
                      if (again == null) {
                        replies.removed(group, removed);
                      } else {
                        replies.failed(group, again);
                      }
                    });
          }
        });
  }
}
