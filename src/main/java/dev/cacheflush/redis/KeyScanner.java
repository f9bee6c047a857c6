package dev.cacheflush.redis;

import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisException;
import io.lettuce.core.ScanCursor;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * Walks one node's keyspace with SCAN, a page at a time, so memory holds a few pages however many
 * keys there are.
 *
 * <p>SCAN is a chain: each page's cursor is the next request's argument, so the server waits for
 * the client between two pages. The next SCAN is therefore sent from the client's I/O thread the
 * moment a page arrives, before the page is even handed to the thread that sorts it (a hand-off
 * through another thread and back would cost a wake-up on each side per page, docs/benchmarks.md).
 * Up to {@link #PREFETCH} pages of a chain wait to be sorted; beyond that the chain pauses until
 * one is taken.
 *
 * <p>One chain costs a round trip per page, so at network distance the server idles while a page
 * travels. The keyspace can instead be walked by {@code 2^k} chains side by side ({@link
 * ScanSplit} decides how many): SCAN's cursor counts in reverse binary over the bucket index, so
 * the cursor's low {@code k} bits stay fixed for one {@code 2^k}-th of the walk. Chain {@code c}
 * starts at cursor {@code c} and ends when a reply's cursor has other low bits (or is 0): it walks
 * exactly the part of a full scan that covers the hashes whose low {@code k} bits are {@code c},
 * and SCAN's guarantee (every key present throughout is returned) holds for each part as for the
 * whole, through rehashing and resizing, since a bucket of any table size holds only hashes with
 * the bucket's low bits (the argument, checked against Redis's dictScan and Valkey's hashtableScan,
 * is in docs/architecture.md).
 *
 * <p>The server does not know where a chain ends: the call that leaves a chain's part goes on into
 * the next part until it has COUNT keys, so the last page of chain {@code c} may repeat keys from the
 * start of the chain that follows it (the one named by the low bits of the cursor it returns). Each chain therefore remembers
 * the keys of its first pages that will still be there (those this pass does not delete), a little
 * more than a page of them, and a chain's last page is sorted against them: a key seen there is
 * dropped, and the rest are kept as a guard that the following chain, if it has not got that far,
 * drops when it reaches them. So on a keyspace at rest a split scan returns each key once, as a
 * single chain does (SCAN itself may repeat keys while the table rehashes, split or not).
 *
 * <p>A page is bounded in bytes as well as in keys: a key name may be up to 512 MB, and SCAN's COUNT
 * only says how many keys to return (about: a bucket is never split), so COUNT 500 over keys of 1 MB
 * would be a 500 MB reply. COUNT therefore starts at 1 and follows the keys' length: each request
 * asks for as many keys as {@link #PAGE_BYTES} holds at the average length of the last page, at
 * most twice the last COUNT and never more than the configured one. Keys are laid out by hash, so a
 * page's keys are a fair sample of the next page's. The pages waiting and the pages asked for (at
 * that estimate) are bounded by {@link #PAGE_BYTES} together, so chains pause before memory grows,
 * and until the first page has shown the keys' length only one request is out.
 *
 * <p>A chain's cursor advances only when its page is taken, so a page lost to a fault, or still
 * waiting when the fault is met, is asked for again, and every chain resumes where it was after a
 * reconnect to the same server.
 */
public final class KeyScanner {
  /** Pages of one chain received and not yet taken, at most; a few tens of KB at the usual COUNT. */
  static final int PREFETCH = 2;

  /** What one page should hold, about; also the most that pages waiting and asked for hold. */
  static final long PAGE_BYTES = 1 << 20;

  /** What a key costs in a page beyond its name: the array's header, the list's slot, RESP framing. */
  static final int KEY_OVERHEAD = 48;

  /**
   * Keys a chain's head holds beyond COUNT: the call that leaves a chain stops after the bucket
   * that reaches COUNT, so it may return a bucket's worth more.
   */
  static final int HEAD_SLACK = 64;

  /** A reply, or the failure in its place, and what its keys weigh. */
  private record Page(Chain chain, KeyScanCursor<byte[]> reply, Throwable failure, long bytes) {}

  /** One cursor chain: the hashes whose low bits are {@link #start}'s. Guarded by the scanner. */
  private static final class Chain {
    final long start;

    /** The cursor after the last page taken: where the chain goes on from. */
    ScanCursor cursor;

    boolean finished;

    /** Pages of this chain in {@link #arrived}. */
    int waiting;

    /**
     * Where the chain waits for room (or for its first request); null while a request is out or
     * a page that ends it arrived.
     */
    ScanCursor pausedAt;

    /** Keys of the chain's first pages that stay after this pass; complete once {@link #headFull}. */
    final Set<ByteBuffer> head = new HashSet<>();

    long headBytes;
    boolean headFull;

    /** Keys the chain before this one returned past its end, while this one had not got there. */
    Set<ByteBuffer> guard;

    Chain(long start) {
      this.start = start;
      restart();
    }

    void restart() {
      cursor =
          start == 0 ? ScanCursor.INITIAL : new ScanCursor(Long.toUnsignedString(start), false);
      finished = false;
      waiting = 0;
      pausedAt = cursor;
      head.clear();
      headBytes = 0;
      headFull = false;
      guard = null;
    }
  }

  private final RedisNode node;

  /** COUNT as configured: the most a request asks for. */
  private final int maxCount;

  /** COUNT of the next request, fitted to the keys' length. */
  private int count = 1;

  /** What a key weighed in the last page; the worst case until a page has said otherwise. */
  private long perKey = PAGE_BYTES;

  /** Bytes of the pages in {@link #arrived}. */
  private long waitingBytes;

  /** Requests sent and not answered. */
  private int asked;

  private final long awaitMillis;

  /** {@code 2^k - 1}: the cursor bits that name a chain. */
  private final long chainBits;

  private final Chain[] chains;

  /** Whether a key will still be there after this pass: what a chain's head remembers. */
  private final Predicate<byte[]> stays;

  /**
   * Holds a bounded number of pages by the logic below; unbounded itself, so that a mistake there
   * could cost memory but never a page.
   */
  private final BlockingQueue<Page> arrived = new LinkedBlockingQueue<>();

  private String runId;

  /** Bumped on every reconnect, so that replies still on their way from the old connection are dropped. */
  private int generation;

  /** One chain over the whole keyspace. */
  public KeyScanner(RedisNode node, int count, Duration replyTimeout) {
    this(node, count, replyTimeout, 1, key -> true);
  }

  /** {@code chains} chains over a keyspace this pass deletes nothing of. */
  public KeyScanner(RedisNode node, int count, Duration replyTimeout, int chains) {
    this(node, count, replyTimeout, chains, key -> true);
  }

  /**
   * @param count the most keys a request asks for (SCAN's COUNT), whatever their length
   * @param replyTimeout how long to wait for a page; the connection's own command timeout ends it sooner
   * @param chains cursor chains side by side: a power of two, 1 for a plain SCAN
   * @param stays whether a key will still be there after this pass (false for the keys it deletes)
   */
  public KeyScanner(
      RedisNode node, int count, Duration replyTimeout, int chains, Predicate<byte[]> stays) {
    if (chains < 1 || Integer.bitCount(chains) != 1) {
      throw new IllegalArgumentException("chains must be a power of two: " + chains);
    }
    this.node = node;
    this.maxCount = count;
    this.awaitMillis = replyTimeout.toMillis();
    this.chainBits = chains - 1L;
    this.stays = stays;
    this.chains = new Chain[chains];
    for (int c = 0; c < chains; c++) {
      this.chains[c] = new Chain(c);
    }
    this.runId = node.runId();
  }

  /** How many cursor chains walk the keyspace. */
  public int chains() {
    return chains.length;
  }

  public synchronized boolean finished() {
    for (Chain chain : chains) {
      if (!chain.finished) {
        return false;
      }
    }
    return true;
  }

  /**
   * The next page of keys, of whichever chain answered first; may be empty while the scan is not
   * finished, as SCAN's pages may be.
   */
  public List<byte[]> nextPage() throws InterruptedException {
    synchronized (this) {
      resumePaused();
    }
    Page page = arrived.poll(awaitMillis, TimeUnit.MILLISECONDS);
    if (page == null) {
      throw new RedisCommandTimeoutException(
          "SCAN on " + node.address() + ": no reply within " + awaitMillis + " ms");
    }
    synchronized (this) {
      Chain chain = page.chain();
      waitingBytes -= page.bytes();
      chain.waiting--;
      if (page.failure() != null) {
        // Pages queued before the failure were taken first: the chain goes on from the last one.
        chain.pausedAt = chain.cursor;
        throw unwrap(page.failure());
      }
      chain.cursor = new ScanCursor(page.reply().getCursor(), page.reply().isFinished());
      chain.finished = endsChain(chain, page.reply());
      // The I/O thread may have filled the room again between the poll above and here: then the
      // chains stay paused until the next page is taken.
      resumePaused();
      return chains.length == 1 ? page.reply().getKeys() : onceAcrossChains(chain, page.reply());
    }
  }

  /** The page's keys less those another chain returned or will return: see the class comment. */
  private List<byte[]> onceAcrossChains(Chain chain, KeyScanCursor<byte[]> reply) {
    List<byte[]> keys = reply.getKeys();
    if (!chain.headFull) {
      if (chain.guard != null) {
        keys = without(keys, chain.guard);
      }
      for (byte[] key : keys) {
        if (stays.test(key)) {
          chain.head.add(ByteBuffer.wrap(key));
          chain.headBytes += key.length + KEY_OVERHEAD;
        }
      }
      if (chain.head.size() >= maxCount + HEAD_SLACK
          || chain.headBytes >= PAGE_BYTES / chains.length
          || chain.finished) {
        chain.headFull = true;
        chain.guard = null;
      }
    }
    if (chain.finished && !reply.isFinished()) {
      // The server stopped inside the following chain's part: its cursor's low bits name it.
      Chain following = chains[(int) (Long.parseUnsignedLong(reply.getCursor()) & chainBits)];
      keys = without(keys, following.head);
      if (!following.headFull) {
        Set<ByteBuffer> guard = following.guard != null ? following.guard : new HashSet<>();
        keys.forEach(k -> guard.add(ByteBuffer.wrap(k)));
        following.guard = guard;
      }
    }
    return keys;
  }

  private static List<byte[]> without(List<byte[]> keys, Set<ByteBuffer> seen) {
    if (seen.isEmpty()) {
      return keys;
    }
    List<byte[]> out = new ArrayList<>(keys.size());
    for (byte[] key : keys) {
      if (!seen.contains(ByteBuffer.wrap(key))) {
        out.add(key);
      }
    }
    return out;
  }

  /**
   * Checks, after a reconnect, whether the server is still the one the scan started on. A cursor is
   * only meaningful to the server process that issued it: after a restart or a failover, SCAN's
   * guarantee (every key present throughout is returned) holds only for a scan started again.
   *
   * @return true if every chain goes on from its cursor, false if they all start again
   */
  public boolean resumeAfterReconnect() {
    synchronized (this) {
      generation++;
      arrived.clear();
      waitingBytes = 0;
      asked = 0;
      for (Chain chain : chains) {
        chain.waiting = 0;
        chain.pausedAt = chain.finished ? null : chain.cursor;
      }
    }
    String now = node.runId();
    if (now.equals(runId)) {
      return true;
    }
    runId = now;
    synchronized (this) {
      for (Chain chain : chains) {
        chain.restart();
      }
    }
    return false;
  }

  /** True when the reply's cursor is past the chain's part of the walk. */
  private boolean endsChain(Chain chain, KeyScanCursor<byte[]> reply) {
    return reply.isFinished()
        || (Long.parseUnsignedLong(reply.getCursor()) & chainBits) != chain.start;
  }

  private void resumePaused() {
    for (Chain chain : chains) {
      if (chain.pausedAt != null && roomFor(chain)) {
        ScanCursor from = chain.pausedAt;
        chain.pausedAt = null;
        request(chain, from, generation);
      }
    }
  }

  private void request(Chain chain, ScanCursor from, int requestGeneration) {
    asked++;
    try {
      node.scan(from, count)
          .whenComplete((reply, failure) -> arrive(chain, requestGeneration, reply, failure));
    } catch (RuntimeException e) {
      arrive(chain, requestGeneration, null, e);
    }
  }

  /** On the I/O thread (or the caller's, for a request that could not be written). */
  private synchronized void arrive(
      Chain chain, int requestGeneration, KeyScanCursor<byte[]> reply, Throwable failure) {
    if (requestGeneration != generation) {
      return;
    }
    asked--;
    long bytes = failure != null ? 0 : fit(reply.getKeys());
    arrived.add(new Page(chain, reply, failure, bytes));
    chain.waiting++;
    waitingBytes += bytes;
    if (failure != null || endsChain(chain, reply)) {
      return;
    }
    ScanCursor next = new ScanCursor(reply.getCursor(), false);
    if (roomFor(chain)) {
      request(chain, next, requestGeneration);
    } else {
      chain.pausedAt = next;
    }
  }

  /**
   * Room for one more request of this chain: its own pages waiting below {@link #PREFETCH}, and
   * the pages waiting with those asked for (at the last page's weight) below {@link #PAGE_BYTES}.
   */
  private boolean roomFor(Chain chain) {
    return chain.waiting < PREFETCH && waitingBytes + asked * count * perKey < PAGE_BYTES;
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
      perKey = Math.max(1, bytes / keys.size());
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
