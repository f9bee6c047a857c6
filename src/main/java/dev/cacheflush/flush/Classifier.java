package dev.cacheflush.flush;

import dev.cacheflush.config.Settings;
import dev.cacheflush.glob.RedisGlob;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * Decides, per key, on the client, whether it goes: a key is flushed only if it matches a flush
 * pattern and no preserve pattern. The preserve list is consulted for every key that would be
 * flushed, so a pattern mistake can never reach a preserved key.
 */
public final class Classifier {
  /** What happens to a key, and which flush pattern (by index) it is counted under, if any. */
  public record Decision(Kind kind, int flushPattern, int preservePattern) {}

  public enum Kind {
    /** Matches a flush pattern and no preserve pattern: deleted. */
    FLUSH,
    /** Matches a preserve pattern and no flush pattern: kept. */
    PRESERVE,
    /** Matches both: kept, and reported, since the lists overlap. */
    CONFLICT,
    /** Matches neither: not this tool's business. */
    UNTOUCHED,
    /**
     * {@link Settings#LOCK_KEY}, which keeps two flushes apart: never deleted, and not counted, as it
     * is the tool's key and not the cache's.
     */
    LOCK
  }

  private static final Decision NEITHER = new Decision(Kind.UNTOUCHED, -1, -1);
  private static final Decision OWN_LOCK = new Decision(Kind.LOCK, -1, -1);
  private static final byte[] LOCK_KEY = Settings.LOCK_KEY.getBytes(StandardCharsets.UTF_8);

  private final RedisGlob[] flush;
  private final RedisGlob[] preserve;

  /** The decisions of the common kinds, made once: a flush classifies every key it scans. */
  private final Decision[] flushed;

  private final Decision[] preserved;

  public Classifier(List<RedisGlob> flush, List<RedisGlob> preserve) {
    this.flush = flush.toArray(RedisGlob[]::new);
    this.preserve = preserve.toArray(RedisGlob[]::new);
    this.flushed = new Decision[this.flush.length];
    for (int f = 0; f < flushed.length; f++) {
      flushed[f] = new Decision(Kind.FLUSH, f, -1);
    }
    this.preserved = new Decision[this.preserve.length];
    for (int p = 0; p < preserved.length; p++) {
      preserved[p] = new Decision(Kind.PRESERVE, -1, p);
    }
  }

  /** The index of the first flush pattern the key matches, or -1. */
  public int flushPatternOf(byte[] key) {
    for (int i = 0; i < flush.length; i++) {
      if (flush[i].matches(key)) {
        return i;
      }
    }
    return -1;
  }

  /** The index of the first preserve pattern the key matches, or -1. */
  public int preservePatternOf(byte[] key) {
    for (int i = 0; i < preserve.length; i++) {
      if (preserve[i].matches(key)) {
        return i;
      }
    }
    return -1;
  }

  public Decision classify(byte[] key) {
    if (Arrays.equals(key, LOCK_KEY)) {
      return OWN_LOCK;
    }
    int f = flushPatternOf(key);
    int p = preservePatternOf(key);
    if (f >= 0) {
      return p >= 0 ? new Decision(Kind.CONFLICT, f, p) : flushed[f];
    }
    return p >= 0 ? preserved[p] : NEITHER;
  }

  public int flushPatternCount() {
    return flush.length;
  }
}
