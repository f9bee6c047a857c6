package dev.cacheflush.plan;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.cacheflush.redis.TargetIdentity;
import java.util.List;

/**
 * What a flush would do, as reviewed: written by {@code plan --out}, followed by {@code flush
 * --plan}. Everything here is covered by the digest ({@link PlanFile}); the flush refuses a plan
 * whose cache, patterns, age or key counts are not what it finds.
 *
 * @param createdAt ISO-8601 UTC instant the dry run ended
 * @param target the cache, as {@link TargetIdentity}
 * @param dbSize keys in the cache when planned (DBSIZE, summed over the primaries, without the lock key)
 * @param patterns per flush pattern, the keys it would delete
 * @param preserved per preserve pattern (family), the keys it keeps, conflicts included
 */
@JsonPropertyOrder({
  "planVersion",
  "createdAt",
  "target",
  "flushPatterns",
  "preservePatterns",
  "dbSize",
  "keysScanned",
  "keysMatched",
  "keysPreserved",
  "keysUntouched",
  "conflicts",
  "patterns",
  "preserved"
})
public record Plan(
    int planVersion,
    String createdAt,
    TargetIdentity target,
    List<String> flushPatterns,
    List<String> preservePatterns,
    long dbSize,
    long keysScanned,
    long keysMatched,
    long keysPreserved,
    long keysUntouched,
    long conflicts,
    List<PatternCount> patterns,
    List<FamilyCount> preserved) {

  public static final int VERSION = 1;

  public Plan {
    flushPatterns = List.copyOf(flushPatterns);
    preservePatterns = List.copyOf(preservePatterns);
    patterns = List.copyOf(patterns);
    preserved = List.copyOf(preserved);
  }

  /** One flush pattern: the keys it would delete, and some of them (escaped as in the report). */
  public record PatternCount(String pattern, long matched, List<String> samples) {}

  /** One preserve pattern: the keys it keeps, and some of them. */
  public record FamilyCount(String pattern, long preserved, List<String> samples) {}
}
