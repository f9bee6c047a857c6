package dev.cacheflush.redis;

import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.LettuceFutures;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.ScanCursor;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Walks one node's keyspace with SCAN, a page at a time, so memory holds a page or two however
 * many keys there are. The next page is asked for as soon as a page arrives, so the server works
 * on it while the client sorts the current one.
 *
 * <p>The cursor advances only when a whole reply has been read, so a page lost to a fault is asked
 * for again, and a scan resumes where it was after a reconnect to the same server.
 */
public final class KeyScanner {
  private final RedisNode node;
  private final int count;
  private final long awaitMillis;
  private String runId;
  private ScanCursor cursor = ScanCursor.INITIAL;
  private RedisFuture<KeyScanCursor<byte[]>> next;

  /** @param replyTimeout how long to wait for a page; the connection's own command timeout ends it sooner */
  public KeyScanner(RedisNode node, int count, Duration replyTimeout) {
    this.node = node;
    this.count = count;
    this.awaitMillis = replyTimeout.toMillis();
    this.runId = node.runId();
  }

  public boolean finished() {
    return cursor.isFinished();
  }

  /** The next page of keys; may be empty while the scan is not finished, as SCAN's pages may be. */
  public List<byte[]> nextPage() {
    if (next == null) {
      next = node.scan(cursor, count);
    }
    KeyScanCursor<byte[]> page;
    try {
      page = LettuceFutures.awaitOrCancel(next, awaitMillis, TimeUnit.MILLISECONDS);
    } finally {
      next = null;
    }
    cursor = new ScanCursor(page.getCursor(), page.isFinished());
    if (!cursor.isFinished()) {
      next = node.scan(cursor, count);
    }
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
    next = null;
    String now = node.runId();
    if (now.equals(runId)) {
      return true;
    }
    runId = now;
    cursor = ScanCursor.INITIAL;
    return false;
  }
}
