package dev.cacheflush.flush;

import dev.cacheflush.report.KeyText;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;

/**
 * The counts of a run, kept as the keys stream past: every number is counted, none estimated.
 * Safe to update from the scanning threads and from the client's I/O threads that complete UNLINKs.
 * A shard's tally has the run's as its parent: every count goes to both, so the run's totals are
 * the sums of the shards' without adding anything up afterwards.
 */
public final class Tally {
  /**
   * How many example keys are kept per flush pattern and for conflicts, each as {@link
   * KeyText#sample}, so that samples of keys of any length hold a few KB at most.
   */
  public static final int SAMPLES = 10;

  private final LongAdder scanned = new LongAdder();
  private final LongAdder preserved = new LongAdder();
  private final LongAdder untouched = new LongAdder();
  private final LongAdder conflicts = new LongAdder();
  private final LongAdder[] matched;
  private final LongAdder[] deleted;
  private final LongAdder[] preservedBy;
  private final List<List<String>> samples = new ArrayList<>();
  private final List<List<String>> preservedSamples = new ArrayList<>();
  private final List<Conflict> conflictSamples = new ArrayList<>();

  /** A key that matched a flush pattern and a preserve pattern, and so was kept; the key as {@link KeyText#sample}. */
  public record Conflict(String key, int flushPattern, int preservePattern) {}

  private final Tally parent;

  /** A tally that counts preserved keys in total only. */
  public Tally(int flushPatterns) {
    this(flushPatterns, 0, null);
  }

  /** A tally that also counts preserved keys per preserve pattern (family), with samples, for a plan. */
  public Tally(int flushPatterns, int preservePatterns) {
    this(flushPatterns, preservePatterns, null);
  }

  private Tally(int flushPatterns, int preservePatterns, Tally parent) {
    this.parent = parent;
    matched = new LongAdder[flushPatterns];
    deleted = new LongAdder[flushPatterns];
    for (int i = 0; i < flushPatterns; i++) {
      matched[i] = new LongAdder();
      deleted[i] = new LongAdder();
      samples.add(new ArrayList<>(SAMPLES));
    }
    preservedBy = new LongAdder[preservePatterns];
    for (int i = 0; i < preservePatterns; i++) {
      preservedBy[i] = new LongAdder();
      preservedSamples.add(new ArrayList<>(SAMPLES));
    }
  }

  /** A tally for one shard of this run. */
  public Tally child() {
    return new Tally(matched.length, preservedBy.length, this);
  }

  public void addScanned(int keys) {
    scanned.add(keys);
    if (parent != null) {
      parent.addScanned(keys);
    }
  }

  public void addMatched(int pattern, byte[] key) {
    if (parent != null) {
      parent.addMatched(pattern, key);
    }
    matched[pattern].increment();
    List<String> s = samples.get(pattern);
    synchronized (s) {
      if (s.size() < SAMPLES) {
        s.add(KeyText.sample(key));
      }
    }
  }

  /** A key kept because it matches the preserve pattern of this index (and no flush pattern). */
  public void addPreserved(int preservePattern, byte[] key) {
    preserved.increment();
    if (parent != null) {
      parent.addPreserved(preservePattern, key);
    }
    countFamily(preservePattern, key);
  }

  private void countFamily(int preservePattern, byte[] key) {
    if (preservePattern < preservedBy.length) {
      preservedBy[preservePattern].increment();
      List<String> s = preservedSamples.get(preservePattern);
      synchronized (s) {
        if (s.size() < SAMPLES) {
          s.add(KeyText.sample(key));
        }
      }
    }
  }

  public void addConflict(byte[] key, int flushPattern, int preservePattern) {
    if (parent != null) {
      parent.addConflict(key, flushPattern, preservePattern);
    }
    preserved.increment();
    conflicts.increment();
    countFamily(preservePattern, key);
    synchronized (conflictSamples) {
      if (conflictSamples.size() < SAMPLES) {
        conflictSamples.add(new Conflict(KeyText.sample(key), flushPattern, preservePattern));
      }
    }
  }

  public void addUntouched() {
    untouched.increment();
    if (parent != null) {
      parent.addUntouched();
    }
  }

  public void addDeleted(int pattern, long keys) {
    deleted[pattern].add(keys);
    if (parent != null) {
      parent.addDeleted(pattern, keys);
    }
  }

  public long scanned() {
    return scanned.sum();
  }

  public long matched() {
    long sum = 0;
    for (LongAdder m : matched) {
      sum += m.sum();
    }
    return sum;
  }

  public long matched(int pattern) {
    return matched[pattern].sum();
  }

  public long deleted() {
    long sum = 0;
    for (LongAdder d : deleted) {
      sum += d.sum();
    }
    return sum;
  }

  public long deleted(int pattern) {
    return deleted[pattern].sum();
  }

  public long preserved() {
    return preserved.sum();
  }

  /** Keys kept under this preserve pattern, conflicts included; 0 when families are not counted. */
  public long preserved(int preservePattern) {
    return preservePattern < preservedBy.length ? preservedBy[preservePattern].sum() : 0;
  }

  public List<String> preservedSamples(int preservePattern) {
    if (preservePattern >= preservedBy.length) {
      return List.of();
    }
    List<String> s = preservedSamples.get(preservePattern);
    synchronized (s) {
      return List.copyOf(s);
    }
  }

  public long conflicts() {
    return conflicts.sum();
  }

  public long untouched() {
    return untouched.sum();
  }

  public List<String> samples(int pattern) {
    List<String> s = samples.get(pattern);
    synchronized (s) {
      return List.copyOf(s);
    }
  }

  public List<Conflict> conflictSamples() {
    synchronized (conflictSamples) {
      return List.copyOf(conflictSamples);
    }
  }
}
