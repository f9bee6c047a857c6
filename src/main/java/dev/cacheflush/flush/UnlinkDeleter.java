package dev.cacheflush.flush;

import dev.cacheflush.redis.RedisNode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;

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
public final class UnlinkDeleter extends PipelinedDeleter<UnlinkDeleter.Batch> {
  /** {@code keys[i]} are the keys of flush pattern {@code patterns[i]}. */
  record Batch(int[] patterns, byte[][][] keys, int size) {}

  private final RedisNode node;
  private final Tally tally;
  private final int batchSize;
  private final byte[][][] buffers;
  private final int[] filled;
  private int total;

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
    send(batch, batch.size());
  }

  @Override
  int size(Batch batch) {
    return batch.size();
  }

  @Override
  void write(Batch batch, long sentNanos) {
    List<CompletableFuture<Long>> replies = node.unlink(Arrays.asList(batch.keys()));
    List<Integer> lost = new ArrayList<>(0);
    Throwable[] lastError = new Throwable[1];
    CompletableFuture<?>[] outcomes = new CompletableFuture<?>[replies.size()];
    for (int g = 0; g < outcomes.length; g++) {
      int group = g;
      outcomes[g] = replies.get(g).handle((removed, error) -> {
        if (error == null) {
          tally.addDeleted(batch.patterns()[group], removed);
        } else {
          synchronized (lost) {
            lost.add(group);
            lastError[0] = error;
          }
        }
        return null;
      });
    }
    CompletableFuture.allOf(outcomes).whenComplete((done, error) -> {
      if (!lost.isEmpty()) {
        lost(again(batch, lost), lastError[0]);
      }
      answered(sentNanos, lost.isEmpty());
    });
  }

  /** The groups of the batch whose UNLINK failed, to be sent again after a reconnect. */
  private static Batch again(Batch batch, List<Integer> lost) {
    int[] patterns = new int[lost.size()];
    byte[][][] keys = new byte[lost.size()][][];
    int size = 0;
    for (int i = 0; i < lost.size(); i++) {
      patterns[i] = batch.patterns()[lost.get(i)];
      keys[i] = batch.keys()[lost.get(i)];
      size += keys[i].length;
    }
    return new Batch(patterns, keys, size);
  }
}
