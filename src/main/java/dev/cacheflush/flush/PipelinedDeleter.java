package dev.cacheflush.flush;

import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * What every real deleter shares: at most {@code maxInFlight} batches sent and unanswered (the
 * bound that keeps memory flat: when it is reached, the scan waits for Redis rather than buffering
 * more keys), the {@link Throttle} that may hold a batch back, and the batches whose replies did
 * not come, kept to be sent again after a reconnect (UNLINK of a key already gone is harmless).
 *
 * @param <B> a batch of keys, as the deleter sends it
 */
abstract class PipelinedDeleter<B> implements Deleter {
  private final int maxInFlight;
  private final long settleMillis;
  private final Semaphore inFlight;
  private final Throttle throttle;
  private final Queue<B> failed = new ConcurrentLinkedQueue<>();
  private volatile Throwable lastFailure;

  /**
   * @param settleMillis how long to wait for the replies of the batches in flight; a reply not
   *     back by then counts as lost and its batch is sent again
   */
  PipelinedDeleter(int maxInFlight, long settleMillis, Throttle throttle) {
    this.maxInFlight = maxInFlight;
    this.settleMillis = settleMillis;
    this.inFlight = new Semaphore(maxInFlight);
    this.throttle = throttle;
  }

  /** Writes the batch; calls {@link #answered} once its replies are all in, {@link #lost} for what failed. */
  abstract void write(B batch, long sentNanos);

  /** Sends a batch once the throttle and the in-flight bound allow it. */
  final void send(B batch, int keys) throws InterruptedException {
    throttle.beforeSend(keys);
    inFlight.acquire();
    long sent = System.nanoTime();
    try {
      write(batch, sent);
    } catch (RuntimeException e) {
      lost(batch, e);
      inFlight.release();
    }
  }

  /** The batch sent at {@code sentNanos} is done with: its slot in flight is free again. */
  final void answered(long sentNanos, boolean replied) {
    if (replied) {
      throttle.observed(System.nanoTime() - sentNanos);
    }
    inFlight.release();
  }

  /** These keys' deletion failed: kept, to be sent again by {@link #retryFailed()}. */
  final void lost(B batch, Throwable error) {
    lastFailure = error;
    failed.add(batch);
  }

  abstract int size(B batch);

  @Override
  public final Throwable failure() {
    return failed.isEmpty() ? null : lastFailure;
  }

  @Override
  public final void retryFailed() throws InterruptedException {
    settle();
    List<B> again = new ArrayList<>();
    for (B b = failed.poll(); b != null; b = failed.poll()) {
      again.add(b);
    }
    for (B batch : again) {
      send(batch, size(batch));
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
