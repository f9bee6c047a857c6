package dev.cacheflush.flush;

import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * What every real deleter shares: at most {@code maxInFlight} batches sent and unanswered (the
 * bound that keeps memory flat: when it is reached, the scan waits for Redis rather than buffering
 * more keys), the {@link Throttle} that may hold a batch back, counting each reply under its flush
 * pattern, and the keys whose replies did not come, kept to be sent again after a reconnect
 * (UNLINK of a key already gone is harmless).
 */
abstract class PipelinedDeleter implements Deleter {
  /**
   * Keys as they are sent: one UNLINK per group, all written at once, the keys of {@code groups[i]}
   * counted under flush pattern {@code patterns[i]}.
   *
   * @param size the keys in all the groups
   */
  @SuppressWarnings("ArrayRecordComponent") // never compared: a batch is sent once and counted
  record Batch(int[] patterns, byte[][][] groups, int size) {}

  private final int maxInFlight;
  private final long settleMillis;
  private final Semaphore inFlight;
  private final Throttle throttle;
  private final Tally tally;
  private final Queue<Batch> failed = new ConcurrentLinkedQueue<>();
  private volatile Throwable lastFailure;

  /**
   * @param settleMillis how long to wait for the replies of the batches in flight; a reply not
   *     back by then counts as lost and its batch is sent again
   */
  PipelinedDeleter(Tally tally, int maxInFlight, long settleMillis, Throttle throttle) {
    this.tally = tally;
    this.maxInFlight = maxInFlight;
    this.settleMillis = settleMillis;
    this.inFlight = new Semaphore(maxInFlight);
    this.throttle = throttle;
  }

  /** Writes the batch, and hands its replies to {@link #count}. */
  abstract void write(Batch batch, long sentNanos);

  /** Sends a batch once the throttle and the in-flight bound allow it. */
  final void send(Batch batch) throws InterruptedException {
    throttle.beforeSend(batch.size());
    inFlight.acquire();
    long sent = System.nanoTime();
    try {
      write(batch, sent);
    } catch (RuntimeException e) {
      lost(batch, e);
      inFlight.release();
    }
  }

  /**
   * Counts each group's reply (the keys its UNLINK removed) under its pattern; the groups whose
   * reply failed are kept to be sent again. Once all are in, the batch's slot in flight is free.
   *
   * @param replies one per group of the batch, in order
   */
  // The callback on all the replies only records and releases, and cannot fail: its future has nothing to report.
  @SuppressWarnings("FutureReturnValueIgnored")
  final void count(Batch batch, List<CompletableFuture<Long>> replies, long sentNanos) {
    boolean[] lost = new boolean[replies.size()];
    Throwable[] lastError = new Throwable[1];
    CompletableFuture<?>[] outcomes = new CompletableFuture<?>[replies.size()];
    for (int i = 0; i < outcomes.length; i++) {
      int group = i;
      outcomes[i] = replies.get(i).handle((removed, error) -> {
        if (error == null) {
          tally.addDeleted(batch.patterns()[group], removed);
        } else {
          lastError[0] = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
          lost[group] = true;
        }
        return null;
      });
    }
    CompletableFuture.allOf(outcomes).whenComplete((done, error) -> {
      Batch again = lostGroups(batch, lost);
      if (again != null) {
        lost(again, lastError[0]);
      } else {
        throttle.observed(System.nanoTime() - sentNanos);
      }
      inFlight.release();
    });
  }

  /** The groups whose UNLINK failed; null when none did. */
  private static Batch lostGroups(Batch batch, boolean[] lost) {
    int count = 0;
    for (boolean l : lost) {
      count += l ? 1 : 0;
    }
    if (count == 0) {
      return null;
    }
    int[] patterns = new int[count];
    byte[][][] groups = new byte[count][][];
    int size = 0;
    for (int i = 0, j = 0; i < lost.length; i++) {
      if (lost[i]) {
        patterns[j] = batch.patterns()[i];
        groups[j++] = batch.groups()[i];
        size += batch.groups()[i].length;
      }
    }
    return new Batch(patterns, groups, size);
  }

  /** These keys' deletion failed: kept, to be sent again by {@link #retryFailed()}. */
  private void lost(Batch batch, Throwable error) {
    lastFailure = error;
    failed.add(batch);
  }

  @Override
  public final Throwable failure() {
    return failed.isEmpty() ? null : lastFailure;
  }

  @Override
  public final void retryFailed() throws InterruptedException {
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
  public final void settle() throws InterruptedException {
    if (inFlight.tryAcquire(maxInFlight, settleMillis, TimeUnit.MILLISECONDS)) {
      inFlight.release(maxInFlight);
    }
  }
}
