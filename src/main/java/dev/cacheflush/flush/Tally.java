package dev.cacheflush.flush;

import dev.cacheflush.report.KeyText;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicIntegerArray;
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

  /** 1 where a list of samples is full: per flush pattern, per preserve pattern, for conflicts. */
  private final AtomicIntegerArray sampled;

  private final AtomicIntegerArray preservedSampled;
  private final AtomicIntegerArray conflictsSampled = new AtomicIntegerArray(1);

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
    sampled = new AtomicIntegerArray(flushPatterns);
    preservedSampled = new AtomicIntegerArray(preservePatterns);
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

  /**
   * A worker's counts of the page of keys it is sorting, kept in plain fields and added to the tally
   * (and its parent) once per page by {@link #commit}: a shared counter updated per key and class
   * cost more than sorting the key (docs/benchmarks.md). Samples go to the tally as they come: only
   * the first few of each kind are kept.
   */
  public final class Page {
    private long scanned;
    private long untouched;
    private long preserved;
    private long conflicts;
    private final long[] matched = new long[Tally.this.matched.length];
    private final long[] preservedBy = new long[Tally.this.preservedBy.length];

    private Page() {}

    public void matched(int pattern, byte[] key) {
      scanned++;
      matched[pattern]++;
      sampleMatched(pattern, key);
    }

    /** A key kept because it matches the preserve pattern of this index (and no flush pattern). */
    public void preserved(int preservePattern, byte[] key) {
      scanned++;
      preserved++;
      family(preservePattern, key);
    }

    /** A key that matched both: kept, counted as preserved, and under its family. */
    public void conflict(byte[] key, int flushPattern, int preservePattern) {
      scanned++;
      preserved++;
      conflicts++;
      family(preservePattern, key);
      sampleConflict(key, flushPattern, preservePattern);
    }

    public void untouched() {
      scanned++;
      untouched++;
    }

    private void family(int preservePattern, byte[] key) {
      if (preservePattern < preservedBy.length) {
        preservedBy[preservePattern]++;
        samplePreserved(preservePattern, key);
      }
    }

    /** Adds the page's counts to the tally and starts the next page from zero. */
    public void commit() {
      if (scanned == 0) {
        return;
      }
      add(scanned, untouched, preserved, conflicts, matched, preservedBy);
      scanned = 0;
      untouched = 0;
      preserved = 0;
      conflicts = 0;
      Arrays.fill(matched, 0);
      Arrays.fill(preservedBy, 0);
    }
  }

  /** Counts of a new page of this tally's keys. */
  public Page page() {
    return new Page();
  }

  private void add(
      long scannedKeys,
      long untouchedKeys,
      long preservedKeys,
      long conflictKeys,
      long[] matchedKeys,
      long[] preservedByKeys) {
    scanned.add(scannedKeys);
    untouched.add(untouchedKeys);
    preserved.add(preservedKeys);
    conflicts.add(conflictKeys);
    for (int i = 0; i < matchedKeys.length; i++) {
      matched[i].add(matchedKeys[i]);
    }
    for (int i = 0; i < preservedByKeys.length; i++) {
      preservedBy[i].add(preservedByKeys[i]);
    }
    if (parent != null) {
      parent.add(
          scannedKeys, untouchedKeys, preservedKeys, conflictKeys, matchedKeys, preservedByKeys);
    }
  }

  private void sampleMatched(int pattern, byte[] key) {
    if (parent != null) {
      parent.sampleMatched(pattern, key);
    }
    if (sampled.get(pattern) == 0) {
      sample(samples.get(pattern), sampled, pattern, KeyText.sample(key));
    }
  }

  private void samplePreserved(int preservePattern, byte[] key) {
    if (parent != null) {
      parent.samplePreserved(preservePattern, key);
    }
    if (preservedSampled.get(preservePattern) == 0) {
      sample(
          preservedSamples.get(preservePattern),
          preservedSampled,
          preservePattern,
          KeyText.sample(key));
    }
  }

  private void sampleConflict(byte[] key, int flushPattern, int preservePattern) {
    if (parent != null) {
      parent.sampleConflict(key, flushPattern, preservePattern);
    }
    if (conflictsSampled.get(0) == 0) {
      sample(
          conflictSamples,
          conflictsSampled,
          0,
          new Conflict(KeyText.sample(key), flushPattern, preservePattern));
    }
  }

  /**
   * Adds a sample while the list has fewer than {@link #SAMPLES}, and marks it in {@code full} once
   * it has them: the callers look there first, without the list's lock, which is all a key costs
   * once the samples are in.
   */
  private static <T> void sample(List<T> list, AtomicIntegerArray full, int index, T sample) {
    synchronized (list) {
      if (list.size() < SAMPLES) {
        list.add(sample);
      }
      if (list.size() == SAMPLES) {
        full.set(index, 1);
      }
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
