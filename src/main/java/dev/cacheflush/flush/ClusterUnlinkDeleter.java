package dev.cacheflush.flush;

import dev.cacheflush.audit.AuditTrail;
import dev.cacheflush.config.RedisUrl.HostPort;
import dev.cacheflush.redis.ClusterRedirects;
import dev.cacheflush.redis.RedisNode;
import dev.cacheflush.redis.SlotWatch;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;

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
  void write(Batch batch, long sentNanos) {
    List<CompletableFuture<Long>> replies = node.unlink(Arrays.asList(batch.groups()));
    HostPort from = node.hostPort();
    List<CompletableFuture<Long>> followed = new ArrayList<>(replies.size());
    for (int i = 0; i < replies.size(); i++) {
      byte[] key = batch.groups()[i][0];
      followed.add(replies.get(i).exceptionallyCompose(e -> redirects.follow(key, e, from, watch)));
    }
    count(batch, followed, sentNanos);
  }
}
