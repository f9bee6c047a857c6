package dev.cacheflush.flush;

import dev.cacheflush.config.RedisUrl.HostPort;
import dev.cacheflush.redis.ClusterRedirects;
import dev.cacheflush.redis.RedisNode;
import dev.cacheflush.redis.SlotWatch;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

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
public final class ClusterUnlinkDeleter implements Deleter {
  private record Batch(int[] patterns, byte[][] keys) {}

  private final RedisNode node;
  private final ClusterRedirects redirects;
  private final SlotWatch watch;
  private final Tally tally;
  private final int batchSize;
  private final int maxInFlight;
  private final long settleMillis;
  private final Semaphore inFlight;
  private final byte[][] keys;
  private final int[] patterns;
  private int filled;
  private final Queue<Batch> failed = new ConcurrentLinkedQueue<>();
  private volatile Throwable lastFailure;
  private final Throttle throttle;

  /**
   * @param watch told of every slot a MOVED or ASK names, so that the slot is scanned again
   * @param settleMillis how long to wait for the replies (redirects included) of the batches in flight
   */
  public ClusterUnlinkDeleter(RedisNode node, ClusterRedirects redirects, SlotWatch watch, Tally tally, int batchSize,
      int maxInFlight, long settleMillis, Throttle throttle) {
    this.node = node;
    this.throttle = throttle;
    this.redirects = redirects;
    this.watch = watch;
    this.tally = tally;
    this.batchSize = batchSize;
    this.maxInFlight = maxInFlight;
    this.settleMillis = settleMillis;
    this.inFlight = new Semaphore(maxInFlight);
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

  @Override
  public Throwable failure() {
    return failed.isEmpty() ? null : lastFailure;
  }

  @Override
  public void retryFailed() throws InterruptedException {
    settle();
    List<Batch> again = new ArrayList<>();
    for (Batch b = failed.poll(); b != null; b = failed.poll()) {
      again.add(b);
    }
    for (Batch batch : again) {
      send(batch);
    }
    settle();
  }

  /** Waits until no batch is in flight; one still unanswered then is counted as failed when it times out. */
  @Override
  public void settle() throws InterruptedException {
    if (inFlight.tryAcquire(maxInFlight, settleMillis, TimeUnit.MILLISECONDS)) {
      inFlight.release(maxInFlight);
    }
  }

  private void sendBuffered() throws InterruptedException {
    Batch batch = new Batch(Arrays.copyOf(patterns, filled), Arrays.copyOf(keys, filled));
    Arrays.fill(keys, null);
    filled = 0;
    send(batch);
  }

  private void send(Batch batch) throws InterruptedException {
    throttle.beforeSend(batch.keys().length);
    inFlight.acquire();
    long sent = System.nanoTime();
    List<CompletableFuture<Long>> replies;
    HostPort from = node.hostPort();
    try {
      replies = node.unlinkEach(batch.keys());
    } catch (RuntimeException e) {
      lastFailure = e;
      failed.add(batch);
      inFlight.release();
      return;
    }
    boolean[] lost = new boolean[batch.keys().length];
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
              lastFailure = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
              lost[index] = true;
            }
            return null;
          });
    }
    CompletableFuture.allOf(outcomes).whenComplete((done, error) -> {
      throttle.observed(System.nanoTime() - sent);
      keepLost(batch, lost);
      inFlight.release();
    });
  }

  /** The keys whose UNLINK failed, kept to be sent again after a reconnect (UNLINK of a gone key is harmless). */
  private void keepLost(Batch batch, boolean[] lost) {
    int count = 0;
    for (boolean l : lost) {
      count += l ? 1 : 0;
    }
    if (count == 0) {
      return;
    }
    int[] p = new int[count];
    byte[][] k = new byte[count][];
    for (int i = 0, j = 0; i < lost.length; i++) {
      if (lost[i]) {
        p[j] = batch.patterns()[i];
        k[j++] = batch.keys()[i];
      }
    }
    failed.add(new Batch(p, k));
  }
}
