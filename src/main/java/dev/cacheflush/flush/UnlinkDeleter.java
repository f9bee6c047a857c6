package dev.cacheflush.flush;

import dev.cacheflush.redis.RedisNode;
import java.util.Arrays;

/**
 * Deletes with UNLINK (the memory is freed off the main thread, so the server is not held while a
 * large value is freed), in batches of {@code batchSize} keys, pipelined (see {@link
 * PipelinedDeleter}).
 *
 * <p>Keys are batched per flush pattern so that UNLINK's reply, the number of keys it removed, is
 * counted under the right pattern exactly.
 */
public final class UnlinkDeleter extends PipelinedDeleter<UnlinkDeleter.Batch> {
  record Batch(int pattern, byte[][] keys) {}

  private final RedisNode node;
  private final Tally tally;
  private final int batchSize;
  private final byte[][][] buffers;
  private final int[] filled;

  /** @param settleMillis see {@link PipelinedDeleter} */
  public UnlinkDeleter(RedisNode node, Tally tally, int patterns, int batchSize, int maxInFlight, long settleMillis,
      Throttle throttle) {
    super(maxInFlight, settleMillis, throttle);
    this.node = node;
    this.tally = tally;
    this.batchSize = batchSize;
    this.buffers = new byte[patterns][batchSize][];
    this.filled = new int[patterns];
  }

  @Override
  public void delete(int pattern, byte[] key) throws InterruptedException {
    buffers[pattern][filled[pattern]++] = key;
    if (filled[pattern] == batchSize) {
      sendBuffered(pattern);
    }
  }

  @Override
  public void finish() throws InterruptedException {
    for (int pattern = 0; pattern < buffers.length; pattern++) {
      if (filled[pattern] > 0) {
        sendBuffered(pattern);
      }
    }
    settle();
  }

  private void sendBuffered(int pattern) throws InterruptedException {
    byte[][] keys = Arrays.copyOf(buffers[pattern], filled[pattern]);
    Arrays.fill(buffers[pattern], null);
    filled[pattern] = 0;
    send(new Batch(pattern, keys), keys.length);
  }

  @Override
  int size(Batch batch) {
    return batch.keys().length;
  }

  @Override
  void write(Batch batch, long sentNanos) {
    node.unlink(batch.keys()).whenComplete((removed, error) -> {
      if (error != null) {
        lost(batch, error);
      } else {
        tally.addDeleted(batch.pattern(), removed);
      }
      answered(sentNanos, error == null);
    });
  }
}
