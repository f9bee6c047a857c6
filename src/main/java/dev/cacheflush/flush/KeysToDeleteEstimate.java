package dev.cacheflush.flush;

import java.util.function.LongSupplier;

/**
 * How many keys a flush will delete, before its scan has ended: the share of the keys scanned so
 * far that matched, times the keys in the database (DBSIZE when the flush started, or the keys
 * scanned if more), never less than the keys already matched. SCAN returns keys in the order of
 * the server's hash table, which has nothing to do with their names, so the share of the first
 * pages is an unbiased sample of the whole; the estimate sharpens as the scan goes, and once every
 * key has been scanned it is the count itself. An estimate, and labelled one in the report.
 */
public final class KeysToDeleteEstimate implements LongSupplier {
  private final Tally tally;
  private final long dbSize;

  /** @param tally the whole flush's counts, updated as the keys stream past */
  public KeysToDeleteEstimate(Tally tally, long dbSize) {
    this.tally = tally;
    this.dbSize = dbSize;
  }

  @Override
  public long getAsLong() {
    long scanned = tally.scanned();
    long matched = tally.matched();
    if (scanned == 0) {
      return 0;
    }
    long keys = Math.max(dbSize, scanned);
    return Math.max(matched, Math.round((double) matched / scanned * keys));
  }
}
