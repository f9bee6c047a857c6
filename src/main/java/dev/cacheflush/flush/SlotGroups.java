package dev.cacheflush.flush;

import dev.cacheflush.redis.ClusterNodes;
import java.util.Arrays;

/**
 * A cluster primary's keys to delete, gathered by hash slot and flush pattern so that one UNLINK
 * carries many: keys of different slots may not share a command, and a SCAN page holds about one
 * key per slot (each of three primaries serves ~5,461 slots), so groups only form over many pages.
 * What it holds is bounded in keys and in bytes; {@link #drain} hands every group out.
 *
 * <p>A group is also one flush pattern's keys, so that UNLINK's reply counts under that pattern.
 */
final class SlotGroups {
  /** Receives one group: keys of one slot and one flush pattern. */
  interface Sink {
    void group(int pattern, byte[][] keys, long bytes) throws InterruptedException;
  }

  private final int maxKeys;
  private final long maxBytes;
  private final int groupKeys;
  private final long groupBytes;
  private final byte[][] keys;
  private final int[] patterns;
  private final short[] slots;

  /**
   * What each key weighs ({@link PipelinedDeleter#bytesOf}), noted as it arrives: by the drain the
   * key has gone cold, and reading its length again cost a cache miss per key.
   */
  private final long[] weights;

  private int size;
  private long bytes;

  /** The gathered keys' indexes, sorted by slot for a drain; -1 once a key is in a group. */
  private final int[] bySlot;

  /**
   * @param maxKeys keys held, at most
   * @param maxBytes bytes held ({@link PipelinedDeleter#bytesOf} each), at most
   * @param groupKeys keys in a group, at most
   * @param groupBytes bytes in a group, at most; a longer key goes alone
   */
  SlotGroups(int maxKeys, long maxBytes, int groupKeys, long groupBytes) {
    this.maxKeys = maxKeys;
    this.maxBytes = maxBytes;
    this.groupKeys = groupKeys;
    this.groupBytes = groupBytes;
    this.keys = new byte[maxKeys][];
    this.patterns = new int[maxKeys];
    this.slots = new short[maxKeys];
    this.weights = new long[maxKeys];
    this.bySlot = new int[maxKeys];
  }

  /** Takes a key; true when a bound is reached, and the groups are to be drained before the next. */
  boolean add(int pattern, byte[] key) {
    keys[size] = key;
    patterns[size] = pattern;
    slots[size] = (short) ClusterNodes.slotOf(key);
    weights[size] = PipelinedDeleter.bytesOf(key);
    bytes += weights[size++];
    return size == maxKeys || bytes >= maxBytes;
  }

  /** Hands out every group, slot by slot, and holds nothing after, even when the sink throws. */
  void drain(Sink sink) throws InterruptedException {
    try {
      sortBySlot();
      for (int start = 0; start < size; ) {
        int end = start;
        while (end < size && slots[bySlot[end]] == slots[bySlot[start]]) {
          end++;
        }
        drainSlot(start, end, sink);
        start = end;
      }
    } finally {
      Arrays.fill(keys, 0, size, null);
      size = 0;
      bytes = 0;
    }
  }

  /** A counting sort: stable, so each group keeps the order the scan met its keys in. */
  private void sortBySlot() {
    int[] next = new int[ClusterNodes.SLOTS + 1];
    for (int i = 0; i < size; i++) {
      next[slots[i] + 1]++;
    }
    for (int s = 0; s < ClusterNodes.SLOTS; s++) {
      next[s + 1] += next[s];
    }
    for (int i = 0; i < size; i++) {
      bySlot[next[slots[i]]++] = i;
    }
  }

  /** The keys at {@code bySlot[start..end)}, all of one slot, as one group per pattern (or more, past a group's bounds). */
  private void drainSlot(int start, int end, Sink sink) throws InterruptedException {
    for (int first = start; first < end; first++) {
      if (bySlot[first] < 0) {
        continue;
      }
      int pattern = patterns[bySlot[first]];
      int count = 0;
      for (int i = first; i < end; i++) {
        count += bySlot[i] >= 0 && patterns[bySlot[i]] == pattern ? 1 : 0;
      }
      byte[][] group = new byte[Math.min(count, groupKeys)][];
      int filled = 0;
      long filledBytes = 0;
      for (int i = first; i < end; i++) {
        int k = bySlot[i];
        if (k < 0 || patterns[k] != pattern) {
          continue;
        }
        long weight = weights[k];
        if (filled == group.length || (filled > 0 && filledBytes + weight > groupBytes)) {
          sink.group(pattern, Arrays.copyOf(group, filled), filledBytes);
          count -= filled;
          group = new byte[Math.min(count, groupKeys)][];
          filled = 0;
          filledBytes = 0;
        }
        group[filled++] = keys[k];
        filledBytes += weight;
        bySlot[i] = -1;
      }
      sink.group(
          pattern, filled == group.length ? group : Arrays.copyOf(group, filled), filledBytes);
    }
  }
}
