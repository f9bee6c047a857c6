package dev.cacheflush.flush;

import dev.cacheflush.CacheflushException;
import dev.cacheflush.ExitCode;
import dev.cacheflush.redis.RedisFailures;
import dev.cacheflush.redis.RedisNode;
import java.util.Arrays;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Deletes with UNLINK (the memory is freed off the main thread, so the server is not held while a
 * large value is freed), in batches of {@code batchSize} keys, pipelined with at most {@code
 * maxInFlight} commands unanswered. The bound is what keeps memory flat: when it is reached, the
 * scan waits for Redis rather than buffering more keys.
 *
 * <p>Keys are batched per flush pattern so that UNLINK's reply, the number of keys it removed, is
 * counted under the right pattern exactly.
 */
public final class UnlinkDeleter implements Deleter {
  private static final long FINISH_WAIT_SECONDS = 60;

  private final RedisNode node;
  private final Tally tally;
  private final int batchSize;
  private final int maxInFlight;
  private final Semaphore inFlight;
  private final byte[][][] buffers;
  private final int[] filled;
  private final AtomicReference<Throwable> failure = new AtomicReference<>();

  public UnlinkDeleter(RedisNode node, Tally tally, int patterns, int batchSize, int maxInFlight) {
    this.node = node;
    this.tally = tally;
    this.batchSize = batchSize;
    this.maxInFlight = maxInFlight;
    this.inFlight = new Semaphore(maxInFlight);
    this.buffers = new byte[patterns][batchSize][];
    this.filled = new int[patterns];
  }

  @Override
  public void delete(int pattern, byte[] key) {
    buffers[pattern][filled[pattern]++] = key;
    if (filled[pattern] == batchSize) {
      send(pattern);
    }
  }

  @Override
  public void finish() {
    for (int pattern = 0; pattern < buffers.length; pattern++) {
      if (filled[pattern] > 0) {
        send(pattern);
      }
    }
    try {
      if (!inFlight.tryAcquire(maxInFlight, FINISH_WAIT_SECONDS, TimeUnit.SECONDS)) {
        throw new CacheflushException(ExitCode.FAILED, "Redis at " + node.address()
            + " did not answer the last UNLINK batches within " + FINISH_WAIT_SECONDS + " s");
      }
      inFlight.release(maxInFlight);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CacheflushException(ExitCode.INTERRUPTED, "Interrupted while waiting for the last UNLINK batches");
    }
    throwIfFailed();
  }

  private void send(int pattern) {
    throwIfFailed();
    byte[][] keys = Arrays.copyOf(buffers[pattern], filled[pattern]);
    Arrays.fill(buffers[pattern], 0, filled[pattern], null);
    filled[pattern] = 0;
    try {
      inFlight.acquire();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CacheflushException(ExitCode.INTERRUPTED, "Interrupted while deleting");
    }
    node.unlink(keys).whenComplete((removed, error) -> {
      if (error != null) {
        failure.compareAndSet(null, error);
      } else {
        tally.addDeleted(pattern, removed);
      }
      inFlight.release();
    });
  }

  private void throwIfFailed() {
    Throwable error = failure.get();
    if (error != null) {
      throw RedisFailures.explain(node.address(), error);
    }
  }
}
