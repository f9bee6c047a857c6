package dev.cacheflush.redis;

import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.ScanCursor;
import java.util.List;

/**
 * Walks one node's keyspace with SCAN, a page at a time, so memory holds one page however many
 * keys there are. The cursor advances only when a whole reply has been read, so a page lost to a
 * fault is asked for again, and a scan resumes where it was after a reconnect to the same server.
 */
public final class KeyScanner {
  private final RedisNode node;
  private final int count;
  private String runId;
  private ScanCursor cursor = ScanCursor.INITIAL;

  public KeyScanner(RedisNode node, int count) {
    this.node = node;
    this.count = count;
    this.runId = node.runId();
  }

  public boolean finished() {
    return cursor.isFinished();
  }

  /** The next page of keys; may be empty while the scan is not finished, as SCAN's pages may be. */
  public List<byte[]> nextPage() {
    KeyScanCursor<byte[]> page = node.scan(cursor, count);
    cursor = new ScanCursor(page.getCursor(), page.isFinished());
    return page.getKeys();
  }

  /**
   * Checks, after a reconnect, whether the server is still the one the scan started on. A cursor is
   * only meaningful to the server process that issued it: after a restart or a failover, SCAN's
   * guarantee (every key present throughout is returned) holds only for a scan started again.
   *
   * @return true if the scan goes on from its cursor, false if it starts again from 0
   */
  public boolean resumeAfterReconnect() {
    String now = node.runId();
    if (now.equals(runId)) {
      return true;
    }
    runId = now;
    cursor = ScanCursor.INITIAL;
    return false;
  }
}
