package dev.cacheflush.config;

import dev.cacheflush.glob.RedisGlob;
import java.time.Duration;
import java.util.List;

/**
 * Everything a run needs, merged from all sources and validated before any connection is made.
 *
 * @param flushPatterns keys matching one of these are deleted...
 * @param preservePatterns ...unless they match one of these, which always wins
 * @param scanCount the COUNT hint of each SCAN
 * @param batchSize keys per UNLINK batch (one UNLINK per flush pattern it holds keys of)
 * @param maxInFlight UNLINK batches sent and not yet answered, per node
 * @param timeout the deadline for the whole run
 * @param retries how many times a failed connection or step is tried again
 * @param lock whether a real flush takes the lock key, so two cannot run at once
 * @param verify whether a real flush scans again afterwards and reports what is left
 * @param maxRate keys deleted per second at most, 0 for no cap
 * @param maxLatency the UNLINK round trip above which the flush slows down; null for no guard
 * @param tls how a rediss:// connection is checked; {@link TlsSettings#DEFAULT} otherwise
 * @param iam ElastiCache IAM authentication, or null for the password (if any) in {@code redisUrl}
 * @param maxKeys the most keys a real flush deletes before it stops (exit 4), or null for no cap
 */
public record Settings(
    RedisUrl redisUrl,
    List<RedisGlob> flushPatterns,
    List<RedisGlob> preservePatterns,
    boolean dryRun,
    int scanCount,
    int batchSize,
    int maxInFlight,
    Duration timeout,
    int retries,
    Duration connectTimeout,
    Duration commandTimeout,
    boolean lock,
    boolean verify,
    long maxRate,
    Duration maxLatency,
    TlsSettings tls,
    IamSettings iam,
    Long maxKeys) {

  /** SCAN COUNT and keys per UNLINK batch when not set; the measurements behind them: docs/benchmarks.md. */
  public static final int SCAN_COUNT = 500;
  public static final int BATCH_SIZE = 250;
  /** The same, for a flush paced by --max-rate or --max-latency. */
  public static final int PACED_SCAN_COUNT = 100;
  public static final int PACED_BATCH_SIZE = 100;

  /** The key a real flush holds while it runs; no flush pattern may match it. */
  public static final String LOCK_KEY = "cacheflush:lock";

  public Settings {
    flushPatterns = List.copyOf(flushPatterns);
    preservePatterns = List.copyOf(preservePatterns);
  }
}
