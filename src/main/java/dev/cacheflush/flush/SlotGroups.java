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

  /** The keys as they arrive: each key's name, flush pattern, slot and weight. */
  private final byte[][] keys;

  private final int[] patterns;
  private final short[] slots;

  /**
   * What each key weighs ({@link PipelinedDeleter#bytesOf}), noted as it arrives: by the drain the
   * key has gone cold, and reading its length again cost a cache miss per key.
   */
  private final int[] weights;

  private int size;
  private long bytes;

  /**
   * The same keys in slot order, for a drain: each name, pattern and weight. They arrive in the
   * order of their hashes, so reading them by slot where they lie cost a cache miss each, several
   * times per key; copied once, they are read in order. A name is moved here, not copied (its place
   * in {@code keys} is cleared), so that a young collection finds each held key through one
   * reference. A key's name is cleared here once the key is in a group.
   */
  private final byte[][] bySlotKeys;

  private final int[] bySlotPatterns;
  private final int[] bySlotWeights;

  /** Where each slot's keys start in the arrays above, while they are being placed. */
  private final int[] slotStarts = new int[ClusterNodes.SLOTS + 1];

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
    this.weights = new int[maxKeys];
    this.bySlotKeys = new byte[maxKeys][];
    this.bySlotPatterns = new int[maxKeys];
    this.bySlotWeights = new int[maxKeys];
  }

  /** Takes a key; true when a bound is reached, and the groups are to be drained before the next. */
  boolean add(int pattern, byte[] key) {
    keys[size] = key;
    patterns[size] = pattern;
    slots[size] = (short) ClusterNodes.slotOf(key);
    // A key name is at most 512 MB, so its weight fits an int.
    weights[size] = (int) PipelinedDeleter.bytesOf(key);
    bytes += weights[size++];
    return size == maxKeys || bytes >= maxBytes;
  }

  /** Hands out every group, slot by slot, and holds nothing after, even when the sink throws. */
  void drain(Sink sink) throws InterruptedException {
    try {
      placeBySlot();
      for (int start = 0, slot = 0; slot < ClusterNodes.SLOTS; slot++) {
        int end = slotStarts[slot];
        if (end > start) {
          drainSlot(start, end, sink);
        }
        start = end;
      }
    } finally {
      // placeBySlot has moved every name out of keys; a group takes its names out of bySlotKeys.
      Arrays.fill(bySlotKeys, 0, size, null);
      size = 0;
      bytes = 0;
    }
  }

  /**
   * A counting sort into the {@code bySlot} arrays: stable, so each group keeps the order the scan
   * met its keys in. After it, {@code slotStarts[s]} is where slot {@code s}'s keys end.
   */
  private void placeBySlot() {
    Arrays.fill(slotStarts, 0);
    for (int i = 0; i < size; i++) {
      slotStarts[slots[i] + 1]++;
    }
    for (int s = 0; s < ClusterNodes.SLOTS; s++) {
      slotStarts[s + 1] += slotStarts[s];
    }
    for (int i = 0; i < size; i++) {
      int at = slotStarts[slots[i]]++;
      bySlotKeys[at] = keys[i];
      keys[i] = null;
      bySlotPatterns[at] = patterns[i];
      bySlotWeights[at] = weights[i];
    }
  }

  /** The keys at {@code [start, end)}, all of one slot, as one group per pattern (or more, past a group's bounds). */
  private void drainSlot(int start, int end, Sink sink) throws InterruptedException {
    for (int first = start; first < end; first++) {
      if (bySlotKeys[first] == null) {
        continue;
      }
      int pattern = bySlotPatterns[first];
      int count = 0;
      for (int i = first; i < end; i++) {
        count += bySlotPatterns[i] == pattern ? 1 : 0;
      }
      byte[][] group = new byte[Math.min(count, groupKeys)][];
      int filled = 0;
      long filledBytes = 0;
      for (int i = first; i < end; i++) {
        if (bySlotPatterns[i] != pattern) {
          continue;
        }
        int weight = bySlotWeights[i];
        if (filled == group.length || (filled > 0 && filledBytes + weight > groupBytes)) {
          sink.group(pattern, Arrays.copyOf(group, filled), filledBytes);
          count -= filled;
          group = new byte[Math.min(count, groupKeys)][];
          filled = 0;
          filledBytes = 0;
        }
        group[filled++] = bySlotKeys[i];
        bySlotKeys[i] = null;
        filledBytes += weight;
      }
      sink.group(
          pattern, filled == group.length ? group : Arrays.copyOf(group, filled), filledBytes);
    }
  }
}
