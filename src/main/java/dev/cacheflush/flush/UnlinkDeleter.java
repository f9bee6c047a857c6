package dev.cacheflush.flush;

import dev.cacheflush.redis.RedisNode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Deletes with UNLINK (the memory is freed off the main thread, so the server is not held while a
 * large value is freed), in batches of {@code batchSize} keys, pipelined with at most {@code
 * maxInFlight} commands unanswered. The bound is what keeps memory flat: when it is reached, the
 * scan waits for Redis rather than buffering more keys.
 *
 * <p>Keys are batched per flush pattern so that UNLINK's reply, the number of keys it removed, is
 * counted under the right pattern exactly. A batch whose reply does not come is kept and sent
 * again after a reconnect: UNLINK of a key already gone is harmless. The {@link Throttle} may
 * hold a batch back, for a rate cap or while Redis answers slowly.
 */
public final class UnlinkDeleter implements Deleter {
  private record Batch(int pattern, byte[][] keys) {}

  private final RedisNode node;
  private final Tally tally;
  private final int batchSize;
  private final int maxInFlight;
  private final long settleMillis;
  private final Semaphore inFlight;
  private final byte[][][] buffers;
  private final int[] filled;
  private final Queue<Batch> failed = new ConcurrentLinkedQueue<>();
  private final Throttle throttle;
  private volatile Throwable lastFailure;

  /**
   * @param settleMillis how long to wait for the replies of the batches in flight; a reply not
   *     back by then counts as lost and its batch is sent again
   */
  public UnlinkDeleter(RedisNode node, Tally tally, int patterns, int batchSize, int maxInFlight, long settleMillis,
      Throttle throttle) {
    this.node = node;
    this.throttle = throttle;
    this.tally = tally;
    this.batchSize = batchSize;
    this.maxInFlight = maxInFlight;
    this.settleMillis = settleMillis;
    this.inFlight = new Semaphore(maxInFlight);
    this.buffers = new byte[patterns][batchSize][];
    this.filled = new int[patterns];
  }

  @Override
  public void delete(int pattern, byte[] key) throws InterruptedException {
    buffers[pattern][filled[pattern]++] = key;
    if (filled[pattern] == batchSize) {
      byte[][] keys = Arrays.copyOf(buffers[pattern], batchSize);
      Arrays.fill(buffers[pattern], null);
      filled[pattern] = 0;
      send(new Batch(pattern, keys));
    }
  }

  @Override
  public void finish() throws InterruptedException {
    for (int pattern = 0; pattern < buffers.length; pattern++) {
      if (filled[pattern] > 0) {
        byte[][] keys = Arrays.copyOf(buffers[pattern], filled[pattern]);
        Arrays.fill(buffers[pattern], null);
        filled[pattern] = 0;
        send(new Batch(pattern, keys));
      }
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

  /** Waits until no batch is in flight; one still unanswered then is counted as failed. */
  @Override
  public void settle() throws InterruptedException {
    if (inFlight.tryAcquire(maxInFlight, settleMillis, TimeUnit.MILLISECONDS)) {
      inFlight.release(maxInFlight);
    }
  }

  private void send(Batch batch) throws InterruptedException {
    throttle.beforeSend(batch.keys().length);
    inFlight.acquire();
    long sent = System.nanoTime();
    try {
      node.unlink(batch.keys()).whenComplete((removed, error) -> {
        if (error != null) {
          lastFailure = error;
          failed.add(batch);
        } else {
          throttle.observed(System.nanoTime() - sent);
          tally.addDeleted(batch.pattern(), removed);
        }
        inFlight.release();
      });
    } catch (RuntimeException e) {
      lastFailure = e;
      failed.add(batch);
      inFlight.release();
    }
  }
}
