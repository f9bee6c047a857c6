package dev.cacheflush.flush;

import dev.cacheflush.redis.RedisNode;
import java.util.Arrays;

/**
 * Deletes with UNLINK (the memory is freed off the main thread, so the server is not held while a
 * large value is freed), in batches of {@code batchSize} keys, pipelined (see {@link
 * PipelinedDeleter}).
 *
 * <p>A batch holds one UNLINK per flush pattern it has keys of, written together, so that each
 * reply, the number of keys it removed, is counted under the right pattern exactly. A batch is
 * sent when it holds {@code batchSize} keys in all: batching each pattern on its own would let a
 * few patterns' batches fill on the same SCAN page, and the server would then run them back to
 * back while other clients wait (docs/benchmarks.md).
 */
public final class UnlinkDeleter extends PipelinedDeleter {
  private final RedisNode node;
  private final int batchSize;
  private final byte[][][] buffers;
  private final int[] filled;
  private int total;

  /** @param settleMillis see {@link PipelinedDeleter} */
  public UnlinkDeleter(RedisNode node, Tally tally, int patterns, int batchSize, int maxInFlight, long settleMillis,
      Throttle throttle) {
    super(tally, maxInFlight, settleMillis, throttle);
    this.node = node;
    this.batchSize = batchSize;
    this.buffers = new byte[patterns][batchSize][];
    this.filled = new int[patterns];
  }

  @Override
  public void delete(int pattern, byte[] key) throws InterruptedException {
    buffers[pattern][filled[pattern]++] = key;
    if (++total == batchSize) {
      sendBuffered();
    }
  }

  @Override
  public void finish() throws InterruptedException {
    if (total > 0) {
      sendBuffered();
    }
    settle();
  }

  private void sendBuffered() throws InterruptedException {
    int groups = 0;
    for (int f : filled) {
      groups += f > 0 ? 1 : 0;
    }
    int[] patterns = new int[groups];
    byte[][][] keys = new byte[groups][][];
    for (int pattern = 0, g = 0; pattern < buffers.length; pattern++) {
      if (filled[pattern] > 0) {
        patterns[g] = pattern;
        keys[g++] = Arrays.copyOf(buffers[pattern], filled[pattern]);
        Arrays.fill(buffers[pattern], 0, filled[pattern], null);
        filled[pattern] = 0;
      }
    }
    Batch batch = new Batch(patterns, keys, total);
    total = 0;
    send(batch);
  }

  @Override
  void write(Batch batch, long sentNanos) {
    count(batch, node.unlink(Arrays.asList(batch.groups())), sentNanos);
  }
}
