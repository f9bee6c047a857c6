package dev.cacheflush.flush;

import dev.cacheflush.audit.AuditTrail;
import dev.cacheflush.redis.Deadline;
import dev.cacheflush.redis.Deployment;
import dev.cacheflush.redis.TargetIdentity;
import dev.cacheflush.report.FlushReport;
import java.util.List;

/**
 * The cache being flushed, as the {@link FlushCoordinator} uses it: behind an interface so that
 * the order of the steps is tested without a server. {@link RedisFlushTarget} is the real one.
 */
public interface FlushTarget extends AutoCloseable {
  /** Connects; how the cache is deployed is found, not configured. */
  @FunctionalInterface
  interface Connector {
    FlushTarget connect(Deadline deadline);
  }

  /** The lock, released on close; closing never throws a checked exception. */
  interface HeldLock extends AutoCloseable {
    @Override
    void close();
  }

  Deployment mode();

  /** How many primaries (shards) hold the keys. */
  int shards();

  /** Which cache this is, asked of its servers now. */
  TargetIdentity identity();

  /** Keys in the database now, summed over the primaries. */
  long dbSize();

  /** Every command from now on is retried until this deadline, the run's own (it starts after the prompt). */
  void retryWithin(Deadline deadline);

  /** Takes the lock that keeps a second flush out, held until closed. */
  HeldLock lock();

  /**
   * One pass over the keyspace: scan, classify, and delete what is to go (or only count it).
   *
   * @param audit where the keys deleted are listed
   * @param totalKeys for the progress line
   * @param pacing how the deletions are paced; ignored when only counting
   */
  Outcome pass(
      boolean delete,
      Tally tally,
      AuditTrail audit,
      Progress progress,
      Deadline deadline,
      long totalKeys,
      Pacing pacing)
      throws InterruptedException;

  /** A second pass that only counts, to report the keys a live cache re-created. */
  FlushReport.Verification verify(Tally flushed, Deadline deadline) throws InterruptedException;

  /** The faults the first pass recovered from. */
  List<FlushReport.Recovery> recoveries();

  /** The first pass's counts per shard. */
  List<FlushReport.Shard> shardCounts();

  @Override
  void close();
}
