package dev.cacheflush.redis;

import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.ScanCursor;
import java.util.List;

/**
 * Walks one node's keyspace with SCAN, a page at a time, so memory holds one page however many
 * keys there are. The cursor is kept between pages so a caller can stop and go on.
 */
public final class KeyScanner {
  private final RedisNode node;
  private final int count;
  private ScanCursor cursor = ScanCursor.INITIAL;

  public KeyScanner(RedisNode node, int count) {
    this.node = node;
    this.count = count;
  }

  public boolean finished() {
    return cursor.isFinished();
  }

  /** The next page of keys; may be empty while the scan is not finished, as SCAN's pages may be. */
  public List<byte[]> nextPage() {
    KeyScanCursor<byte[]> page = node.scan(cursor, count);
    cursor = page;
    return page.getKeys();
  }
}
