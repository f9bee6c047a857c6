package dev.cacheflush.redis;

import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisException;
import io.lettuce.core.ScanCursor;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Walks one node's keyspace with SCAN, a page at a time, so memory holds a few pages however many
 * keys there are.
 *
 * <p>SCAN is a chain: each page's cursor is the next request's argument, so the server waits for
 * the client between two pages. The next SCAN is therefore sent from the client's I/O thread the
 * moment a page arrives, before the page is even handed to the thread that sorts it (a hand-off
 * through another thread and back would cost a wake-up on each side per page, docs/benchmarks.md).
 * Up to {@link #PREFETCH} pages wait to be sorted; beyond that the chain pauses until one is taken.
 *
 * <p>A page is bounded in bytes as well as in keys: a key name may be up to 512 MB, and SCAN's COUNT
 * only says how many keys to return (about: a bucket is never split), so COUNT 500 over keys of 1 MB
 * would be a 500 MB reply. COUNT therefore starts at 1 and follows the keys' length: each request
 * asks for as many keys as {@link #PAGE_BYTES} holds at the average length of the last page, at
 * most twice the last COUNT and never more than the configured one. Keys are laid out by hash, so a
 * page's keys are a fair sample of the next page's. Pages waiting are bounded by {@link
 * #PAGE_BYTES} too, so keys longer than a page wait one page at most.
 *
 * <p>The cursor advances only when a page is taken, so a page lost to a fault, or still waiting
 * when the fault is met, is asked for again, and a scan resumes where it was after a reconnect to
 * the same server.
 */
public final class KeyScanner {
  /** Pages received and not yet taken, at most; a few tens of KB at the usual COUNT. */
  static final int PREFETCH = 2;

  /** What one page should hold, about; also the most that pages waiting hold before the chain pauses. */
  static final long PAGE_BYTES = 1 << 20;

  /** What a key costs in a page beyond its name: the array's header, the list's slot, RESP framing. */
  static final int KEY_OVERHEAD = 48;

  /** A reply, or the failure in its place, and what its keys weigh. */
  private record Page(KeyScanCursor<byte[]> reply, Throwable failure, long bytes) {}

  private final RedisNode node;

  /** COUNT as configured: the most a request asks for. */
  private final int maxCount;

  /** COUNT of the next request, fitted to the keys' length. */
  private int count = 1;

  /** Bytes of the pages in {@link #arrived}. */
  private long waitingBytes;

  private final long awaitMillis;

  /**
   * Holds at most {@link #PREFETCH} pages by the logic below; unbounded itself, so that a mistake
   * there could cost memory but never a page.
   */
  private final BlockingQueue<Page> arrived = new LinkedBlockingQueue<>();

  private String runId;

  /** The cursor after the last page taken: where the scan goes on from. */
  private ScanCursor cursor = ScanCursor.INITIAL;

  /** Bumped on every reconnect, so that replies still on their way from the old connection are dropped. */
  private int generation;

  /**
   * False until the first request, and again after a failure or a reconnect: then the taker starts
   * the chain; while true, the I/O thread keeps it going, or {@link #pausedAt} says where it waits.
   */
  private boolean chainRunning;

  /** Cursor where the I/O thread stopped the chain because {@link #arrived} was full; null otherwise. */
  private ScanCursor pausedAt;

  /**
   * @param count the most keys a request asks for (SCAN's COUNT), whatever their length
   * @param replyTimeout how long to wait for a page; the connection's own command timeout ends it sooner
   */
  public KeyScanner(RedisNode node, int count, Duration replyTimeout) {
    this.node = node;
    this.maxCount = count;
    this.awaitMillis = replyTimeout.toMillis();
    this.runId = node.runId();
  }

  public boolean finished() {
    return cursor.isFinished();
  }

  /** The next page of keys; may be empty while the scan is not finished, as SCAN's pages may be. */
  public List<byte[]> nextPage() throws InterruptedException {
    synchronized (this) {
      if (!chainRunning) {
        chainRunning = true;
        request(cursor, generation);
      }
    }
    Page page = arrived.poll(awaitMillis, TimeUnit.MILLISECONDS);
    if (page == null) {
      throw new RedisCommandTimeoutException(
          "SCAN on " + node.address() + ": no reply within " + awaitMillis + " ms");
    }
    synchronized (this) {
      waitingBytes -= page.bytes();
      if (page.failure() != null) {
        chainRunning = false;
        throw unwrap(page.failure());
      }
      cursor = new ScanCursor(page.reply().getCursor(), page.reply().isFinished());
      // The I/O thread may have filled the queue again between the poll above and here: then the
      // chain stays paused until the next page is taken.
      if (pausedAt != null && roomForAPage()) {
        ScanCursor resume = pausedAt;
        pausedAt = null;
        request(resume, generation);
      }
    }
    return page.reply().getKeys();
  }

  /**
   * Checks, after a reconnect, whether the server is still the one the scan started on. A cursor is
   * only meaningful to the server process that issued it: after a restart or a failover, SCAN's
   * guarantee (every key present throughout is returned) holds only for a scan started again.
   *
   * @return true if the scan goes on from its cursor, false if it starts again from 0
   */
  public boolean resumeAfterReconnect() {
    synchronized (this) {
      generation++;
      arrived.clear();
      waitingBytes = 0;
      chainRunning = false;
      pausedAt = null;
    }
    String now = node.runId();
    if (now.equals(runId)) {
      return true;
    }
    runId = now;
    cursor = ScanCursor.INITIAL;
    return false;
  }

  private void request(ScanCursor from, int requestGeneration) {
    try {
      node.scan(from, count)
          .whenComplete((reply, failure) -> arrive(requestGeneration, reply, failure));
    } catch (RuntimeException e) {
      arrive(requestGeneration, null, e);
    }
  }

  /** On the I/O thread (or the caller's, for a request that could not be written). */
  private synchronized void arrive(
      int requestGeneration, KeyScanCursor<byte[]> reply, Throwable failure) {
    if (requestGeneration != generation) {
      return;
    }
    long bytes = failure != null ? 0 : fit(reply.getKeys());
    arrived.add(new Page(reply, failure, bytes));
    waitingBytes += bytes;
    if (failure != null || reply.isFinished()) {
      return;
    }
    ScanCursor next = new ScanCursor(reply.getCursor(), false);
    if (roomForAPage()) {
      request(next, requestGeneration);
    } else {
      pausedAt = next;
    }
  }

  private boolean roomForAPage() {
    return arrived.size() < PREFETCH && waitingBytes < PAGE_BYTES;
  }

  /**
   * Fits the next COUNT to the length of these keys.
   *
   * @return what the keys weigh
   */
  private long fit(List<byte[]> keys) {
    long bytes = 0;
    for (byte[] key : keys) {
      bytes += key.length + KEY_OVERHEAD;
    }
    if (!keys.isEmpty()) {
      long perKey = Math.max(1, bytes / keys.size());
      count = (int) Math.max(1, Math.min(Math.min(maxCount, 2L * count), PAGE_BYTES / perKey));
    }
    return bytes;
  }

  private static RuntimeException unwrap(Throwable failure) {
    Throwable cause =
        failure instanceof CompletionException && failure.getCause() != null
            ? failure.getCause()
            : failure;
    return cause instanceof RuntimeException r ? r : new RedisException(cause);
  }
}
