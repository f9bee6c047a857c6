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
 * @param pacing --spread and --db-max-latency: how the deletions are paced beyond maxRate and
 *     maxLatency
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
    Long maxKeys,
    PacingSettings pacing) {

  /** SCAN COUNT and keys per UNLINK batch when not set; the measurements behind them: docs/benchmarks.md. */
  public static final int SCAN_COUNT = 500;

  public static final int BATCH_SIZE = 250;

  /** The same, for a flush paced by --max-rate, --max-latency, --spread or --db-max-latency. */
  public static final int PACED_SCAN_COUNT = 100;

  public static final int PACED_BATCH_SIZE = 100;

  /**
   * The most each size setting accepts. Memory is bounded in bytes whatever these are (a SCAN page,
   * a batch, the batches in flight: README, "Memory"); these keep each command short for the
   * server, which serves every other client in between. Server times from docs/benchmarks.md.
   */
  public static final int MAX_SCAN_COUNT = 10_000;

  public static final String MAX_SCAN_COUNT_WHY =
      "one SCAN of more keys would hold the server for over 10 ms (about "
          + "1.1 us a key) while every other client waits";
  public static final int MAX_BATCH_SIZE = 10_000;
  public static final String MAX_BATCH_SIZE_WHY =
      "one UNLINK batch of more keys would hold the server for over 15 ms "
          + "(about 1.7 us a key) while every other client waits";
  public static final int MAX_IN_FLIGHT = 64;
  public static final String MAX_IN_FLIGHT_WHY =
      "64 batches of 250 keys in flight already keep up 1.6 million keys a "
          + "second over a 10 ms round trip, more than one server deletes; more would only queue in its output buffer";
  public static final long MAX_RATE = 10_000_000;
  public static final String MAX_RATE_WHY =
      "one server deletes well under a million keys a second, so a higher cap "
          + "would never slow anything; for no cap at all, give 0";

  /** The key a real flush holds while it runs; no flush pattern may match it. */
  public static final String LOCK_KEY = "cacheflush:lock";

  public Settings {
    flushPatterns = List.copyOf(flushPatterns);
    preservePatterns = List.copyOf(preservePatterns);
  }

  /** The same settings with another cap: an approved plan's (flush --plan). */
  public Settings withMaxKeys(Long cap) {
    return new Settings(
        redisUrl,
        flushPatterns,
        preservePatterns,
        dryRun,
        scanCount,
        batchSize,
        maxInFlight,
        timeout,
        retries,
        connectTimeout,
        commandTimeout,
        lock,
        verify,
        maxRate,
        maxLatency,
        tls,
        iam,
        cap,
        pacing);
  }
}
