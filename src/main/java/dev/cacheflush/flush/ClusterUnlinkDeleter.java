package dev.cacheflush.flush;

import dev.cacheflush.config.RedisUrl.HostPort;
import dev.cacheflush.redis.ClusterRedirects;
import dev.cacheflush.redis.RedisNode;
import dev.cacheflush.redis.SlotWatch;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * Deletes on one cluster primary with one UNLINK per key, {@code batchSize} of them written at
 * once, at most {@code maxInFlight} such batches unanswered (the same bound on keys in flight as
 * {@link UnlinkDeleter}).
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
public final class ClusterUnlinkDeleter extends PipelinedDeleter<ClusterUnlinkDeleter.Batch> {
  record Batch(int[] patterns, byte[][] keys) {}

  private final RedisNode node;
  private final ClusterRedirects redirects;
  private final SlotWatch watch;
  private final Tally tally;
  private final int batchSize;
  private final byte[][] keys;
  private final int[] patterns;
  private int filled;

  /**
   * @param watch told of every slot a MOVED or ASK names, so that the slot is scanned again
   * @param settleMillis how long to wait for the replies (redirects included) of the batches in flight
   */
  public ClusterUnlinkDeleter(RedisNode node, ClusterRedirects redirects, SlotWatch watch, Tally tally, int batchSize,
      int maxInFlight, long settleMillis, Throttle throttle) {
    super(maxInFlight, settleMillis, throttle);
    this.node = node;
    this.redirects = redirects;
    this.watch = watch;
    this.tally = tally;
    this.batchSize = batchSize;
    this.keys = new byte[batchSize][];
    this.patterns = new int[batchSize];
  }

  @Override
  public void delete(int pattern, byte[] key) throws InterruptedException {
    keys[filled] = key;
    patterns[filled] = pattern;
    if (++filled == batchSize) {
      sendBuffered();
    }
  }

  @Override
  public void finish() throws InterruptedException {
    if (filled > 0) {
      sendBuffered();
    }
    settle();
  }

  private void sendBuffered() throws InterruptedException {
    Batch batch = new Batch(Arrays.copyOf(patterns, filled), Arrays.copyOf(keys, filled));
    Arrays.fill(keys, null);
    filled = 0;
    send(batch, batch.keys().length);
  }

  @Override
  int size(Batch batch) {
    return batch.keys().length;
  }

  @Override
  void write(Batch batch, long sentNanos) {
    List<byte[][]> eachKeyAlone = new ArrayList<>(batch.keys().length);
    for (byte[] key : batch.keys()) {
      eachKeyAlone.add(new byte[][] {key});
    }
    List<CompletableFuture<Long>> replies = node.unlink(eachKeyAlone);
    HostPort from = node.hostPort();
    boolean[] lost = new boolean[batch.keys().length];
    Throwable[] lastError = new Throwable[1];
    CompletableFuture<?>[] outcomes = new CompletableFuture<?>[lost.length];
    for (int i = 0; i < lost.length; i++) {
      int index = i;
      byte[] key = batch.keys()[i];
      outcomes[i] = replies.get(i)
          .exceptionallyCompose(e -> redirects.follow(key, e, from, watch))
          .handle((removed, error) -> {
            if (error == null) {
              tally.addDeleted(batch.patterns()[index], removed);
            } else {
              lastError[0] = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
              lost[index] = true;
            }
            return null;
          });
    }
    CompletableFuture.allOf(outcomes).whenComplete((done, error) -> {
      Batch again = lostKeys(batch, lost);
      if (again != null) {
        lost(again, lastError[0]);
      }
      answered(sentNanos, again == null);
    });
  }

  /** The keys whose UNLINK failed, to be sent again after a reconnect; null when none did. */
  private static Batch lostKeys(Batch batch, boolean[] lost) {
    int count = 0;
    for (boolean l : lost) {
      count += l ? 1 : 0;
    }
    if (count == 0) {
      return null;
    }
    int[] p = new int[count];
    byte[][] k = new byte[count][];
    for (int i = 0, j = 0; i < lost.length; i++) {
      if (lost[i]) {
        p[j] = batch.patterns()[i];
        k[j++] = batch.keys()[i];
      }
    }
    return new Batch(p, k);
  }
}
