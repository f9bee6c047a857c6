package dev.cacheflush.flush;

import dev.cacheflush.audit.AuditTrail;
import dev.cacheflush.redis.RedisNode;
import java.util.Arrays;

/**
 * Deletes with UNLINK (the memory is freed off the main thread, so the server is not held while a
 * large value is freed), in batches of {@code batchSize} keys, pipelined (see {@link
 * PipelinedDeleter}).
 *
 * <p>A batch holds one UNLINK per flush pattern it has keys of, written together, so that each
 * reply, the number of keys it removed, is counted under the right pattern exactly. A batch is
 * sent when it holds {@code batchSize} keys (or {@link PipelinedDeleter#BATCH_BYTES}) in all:
 * batching each pattern on its own would let a few patterns' batches fill on the same SCAN page,
 * and the server would then run them back to back while other clients wait (docs/benchmarks.md).
 */
public final class UnlinkDeleter extends PipelinedDeleter {
  private final RedisNode node;

  /** The keys buffered for the next batch, and the flush pattern of each. */
  private final byte[][] keys;

  private final int[] keyPatterns;
  private int filled;
  private long filledBytes;

  /** Keys of each flush pattern in the batch being made; reused, so the pattern count costs no allocation per batch. */
  private final int[] perPattern;

  /** @param settleMillis see {@link PipelinedDeleter} */
  public UnlinkDeleter(
      RedisNode node,
      Tally tally,
      AuditTrail audit,
      int patterns,
      int batchSize,
      int maxInFlight,
      long settleMillis,
      Throttle throttle) {
    super(tally, audit, batchSize, maxInFlight, settleMillis, throttle);
    this.node = node;
    this.keys = new byte[batchSize][];
    this.keyPatterns = new int[batchSize];
    this.perPattern = new int[patterns];
  }

  @Override
  void take(int pattern, byte[] key) throws InterruptedException {
    keys[filled] = key;
    keyPatterns[filled++] = pattern;
    filledBytes += bytesOf(key);
    if (filled == batchSize || filledBytes >= BATCH_BYTES) {
      sendTaken();
    }
  }

  @Override
  void sendTaken() throws InterruptedException {
    if (filled == 0) {
      return;
    }
    Batch batch =
        batch(Arrays.copyOf(keyPatterns, filled), Arrays.copyOf(keys, filled), filledBytes);
    Arrays.fill(keys, 0, filled, null);
    filled = 0;
    filledBytes = 0;
    send(batch);
  }

  /** The buffered keys as one UNLINK per flush pattern. */
  private Batch batch(int[] patterns, byte[][] keys, long bytes) {
    int groups = 0;
    for (int pattern : patterns) {
      groups += perPattern[pattern]++ == 0 ? 1 : 0;
    }
    int[] groupPatterns = new int[groups];
    byte[][][] grouped = new byte[groups][][];
    int[] groupOf = new int[perPattern.length];
    for (int pattern = 0, g = 0; pattern < perPattern.length; pattern++) {
      if (perPattern[pattern] > 0) {
        groupPatterns[g] = pattern;
        grouped[g] = new byte[perPattern[pattern]][];
        groupOf[pattern] = g++;
      }
    }
    Arrays.fill(perPattern, 0);
    int[] next = new int[groups];
    for (int i = 0; i < keys.length; i++) {
      int g = groupOf[patterns[i]];
      grouped[g][next[g]++] = keys[i];
    }
    return new Batch(groupPatterns, grouped, keys.length, bytes);
  }

  @Override
  String shard() {
    return node.address();
  }

  @Override
  void write(Batch batch, Replies replies) {
    node.unlink(batch.groups(), replies);
  }
}
