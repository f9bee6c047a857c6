package dev.cacheflush.report;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;

/**
 * What a run did: the JSON report CI pipelines gate on. Every field is documented in README.md;
 * adding a field is compatible, renaming or removing one needs a new {@code schemaVersion}.
 */
@JsonPropertyOrder({
  "schemaVersion",
  "command",
  "dryRun",
  "target",
  "mode",
  "plan",
  "outcome",
  "exitCode",
  "message",
  "startedAt",
  "finishedAt",
  "durationMs",
  "flushStartedAt",
  "flushFinishedAt",
  "dbSize",
  "keysScanned",
  "keysMatched",
  "keysDeleted",
  "keysPreserved",
  "keysUntouched",
  "patterns",
  "preservePatterns",
  "conflicts",
  "recoveries",
  "verification",
  "deadlineEstimate",
  "tuning",
  "shards",
  "hitRate",
  "database",
  "watch",
  "pacing",
  "audit"
})
public record FlushReport(
    int schemaVersion,
    String command,
    boolean dryRun,
    String target,
    String mode,
    PlanReference plan,
    String outcome,
    int exitCode,
    String message,
    String startedAt,
    String finishedAt,
    long durationMs,
    String flushStartedAt,
    String flushFinishedAt,
    long dbSize,
    long keysScanned,
    long keysMatched,
    long keysDeleted,
    long keysPreserved,
    long keysUntouched,
    List<PatternCount> patterns,
    List<String> preservePatterns,
    Conflicts conflicts,
    List<Recovery> recoveries,
    Verification verification,
    DeadlineEstimate deadlineEstimate,
    Tuning tuning,
    List<Shard> shards,
    HitRateReport hitRate,
    DatabaseReport database,
    WatchReport watch,
    Pacing pacing,
    Audit audit) {

  public static final int SCHEMA_VERSION = 1;

  /**
   * The approved plan a flush followed (flush --plan), or the plan a dry run wrote (plan --out): the
   * file as given and its digest, for the change record to hold beside the approval.
   */
  public record PlanReference(String path, String digest) {}

  /** One flush pattern: the keys counted under it (the first flush pattern a key matches). */
  public record PatternCount(String pattern, long matched, long deleted, List<String> samples) {}

  /** Keys that matched a flush pattern and a preserve pattern: kept, and shown so the lists can be fixed. */
  public record Conflicts(long count, List<ConflictSample> samples) {}

  public record ConflictSample(String key, String flushPattern, String preservePattern) {}

  /** A fault the run recovered from: on which node, why, and whether the scan had to start again. */
  public record Recovery(String node, String cause, boolean scanRestarted) {}

  /**
   * The second scan after a real flush. Keys still matching are expected on a live cache (traffic
   * re-creates hot keys), so they are reported, not failed on.
   */
  public record Verification(
      boolean complete,
      long keysScanned,
      long keysStillMatching,
      List<String> samples,
      long preservedBefore,
      long preservedAfter) {}

  /** From a dry run: whether a real flush of this keyspace is likely to fit the timeout. An estimate. */
  public record DeadlineEstimate(
      long scanKeysPerSecond, long estimatedFlushMs, long timeoutMs, boolean fitsTimeout) {}

  /**
   * One shard's part of the counts (they add up to the totals): the primary it was last scanned on
   * (after a failover, the promoted replica). {@code nodeId} is the cluster node id, null outside
   * cluster mode. How the shard was walked, decided from the round trip measured to it: {@code
   * scanChains} SCAN cursor chains side by side, {@code inFlight} UNLINK batches kept on their way
   * (null when nothing was to be deleted); all three null when the shard's scan never started.
   */
  public record Shard(
      String nodeId,
      String address,
      long scanned,
      long matched,
      long deleted,
      Double roundTripMs,
      Integer scanChains,
      Integer inFlight) {}

  /**
   * The audit of the keys deleted ({@code --audit}): the file written (the partial audit's path
   * when the flush did not complete; null when nothing was written because no deletion started),
   * the key lines in it, and whether it lists a completed deletion.
   */
  public record Audit(String path, long keys, boolean complete) {}

  /** The scan and delete settings the run used, so runs can be compared. */
  public record Tuning(
      int scanCount,
      int batchSize,
      int maxInFlight,
      long timeoutMs,
      int retries,
      long commandTimeoutMs,
      boolean lock,
      boolean verify,
      long maxRate,
      Long maxLatencyMs) {}

  /**
   * How a real flush's deletions were paced (--spread, --db-max-latency, and the fixed --max-rate
   * and --max-latency) and how long they really took; null for a dry run and a flush that never got
   * to its keys. The key counts of the spread are estimates (README, "Pacing").
   *
   * @param deletionMs the scan-and-delete pass, from its first SCAN to the last UNLINK answered
   * @param firstEstimatedKeys, estimatedKeys the spread's estimate of the keys to delete at its
   *     first batch, and the last one it planned on
   * @param plannedKeysPerSecond estimatedKeys over the spread: the even rate it planned
   * @param heldBatches, waitedMs UNLINK batches that waited their turn, and the waits decided
   *     (summed over the shards)
   * @param slowdowns, speedups, lowestKeysPerSecond, highestDbP99Ms the decisions of
   *     --db-max-latency: how often it lowered and raised the rate, the lowest rate it set and the
   *     highest probe p99 a decision saw
   * @param database the probe's queries that started during the deletion pass; null without
   *     --db-url
   */
  public record Pacing(
      Long spreadMs,
      Long dbMaxLatencyMs,
      Long dbWindowMs,
      long deletionMs,
      Long firstEstimatedKeys,
      Long estimatedKeys,
      Double plannedKeysPerSecond,
      long heldBatches,
      long waitedMs,
      Integer slowdowns,
      Integer speedups,
      Double lowestKeysPerSecond,
      Double highestDbP99Ms,
      LatencyReport database) {}
}
