package dev.cacheflush.audit;

import dev.cacheflush.report.FlushReport;
import java.time.Instant;

/**
 * Where a flush lists the keys it deleted. The deleters hand it each batch's keys whose UNLINK was
 * acknowledged, and give the batch's place in flight back only once it has them ({@code then}): so
 * the keys waiting to be written are held within the deleters' own bounds on keys in flight, and a
 * slow disk slows the scan, as a slow server does, instead of filling memory.
 */
public interface AuditTrail {
  /** Writes the header; before the first key is deleted. */
  void open(AuditHeader header);

  /**
   * Records keys whose UNLINK was acknowledged (those that did not exist any more included), then
   * runs {@code then}, also when they could not be written.
   *
   * @param shard the address of the primary the keys were scanned on
   * @param patterns the flush pattern (index) of each group's keys
   * @param groups the keys, in groups
   */
  void deleted(String shard, int[] patterns, byte[][][] groups, Runnable then);

  /** Why keys can no longer be written (the disk is full, say), or null while they can. */
  String failure();

  /**
   * Writes the trailer and puts the file in its place: whole under its name when {@code complete},
   * otherwise beside it as the partial audit.
   *
   * @return what was written, for the report; null when there is no audit
   */
  FlushReport.Audit close(boolean complete, String outcome, long keysDeleted, Instant finishedAt);

  /** No audit: the keys are not listed anywhere. */
  AuditTrail NONE =
      new AuditTrail() {
        @Override
        public void open(AuditHeader header) {}

        @Override
        public void deleted(String shard, int[] patterns, byte[][][] groups, Runnable then) {
          then.run();
        }

        @Override
        public String failure() {
          return null;
        }

        @Override
        public FlushReport.Audit close(
            boolean complete, String outcome, long keysDeleted, Instant finishedAt) {
          return null;
        }
      };
}
