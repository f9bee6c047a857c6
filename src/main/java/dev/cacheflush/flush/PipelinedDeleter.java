package dev.cacheflush.flush;

import dev.cacheflush.CacheflushException;
import dev.cacheflush.ExitCode;
import dev.cacheflush.audit.AuditTrail;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * What every real deleter shares: the keys buffered until a batch is full, at most {@code
 * maxInFlight} batches and {@link #IN_FLIGHT_BYTES} sent and unanswered (the bounds that keep
 * memory flat: when one is reached, the scan waits for Redis rather than buffering more keys), the
 * {@link Throttle} that may hold a batch back, counting each reply under its flush pattern, and the
 * keys whose replies did not come, kept to be sent again after a reconnect (UNLINK of a key already
 * gone is harmless), and handing the acknowledged keys to the {@link AuditTrail}: a batch's place in
 * flight is given back once the audit has them, so the audit's keys count against the same bounds.
 *
 * <p>A batch is full at {@code batchSize} keys or {@link #BATCH_BYTES}, whichever comes first: a
 * key name may be up to 512 MB, so a count of keys alone does not bound what a batch holds.
 */
abstract class PipelinedDeleter implements Deleter {
  /** Bytes of key names that make a batch full, at most; a longer key goes alone. */
  static final long BATCH_BYTES = 1 << 20;

  /** Bytes of key names sent and unanswered, at most; a batch larger than this goes alone. */
  static final int IN_FLIGHT_BYTES = 4 << 20;

  /** What a key costs beyond its name, in a batch and on the wire: the array's header and RESP framing. */
  static final int KEY_OVERHEAD = 32;

  /**
   * Keys as they are sent: one UNLINK per group, all written at once, the keys of {@code groups[i]}
   * counted under flush pattern {@code patterns[i]}.
   *
   * @param size the keys in all the groups
   * @param bytes what the keys weigh, {@link #bytesOf} each
   */
  @SuppressWarnings("ArrayRecordComponent") // never compared: a batch is sent once and counted
  record Batch(int[] patterns, byte[][][] groups, int size, long bytes) {}

  private final int batchSize;

  /** The keys buffered for the next batch, and the flush pattern of each. */
  private final byte[][] keys;

  private final int[] keyPatterns;
  private int filled;
  private long filledBytes;
  private final int maxInFlight;
  private final long settleMillis;
  private final Semaphore inFlight;
  private final Semaphore inFlightBytes = new Semaphore(IN_FLIGHT_BYTES);
  private final Throttle throttle;
  private final Tally tally;
  private final AuditTrail audit;
  private final Queue<Batch> failed = new ConcurrentLinkedQueue<>();
  private volatile Throwable lastFailure;

  /**
   * @param settleMillis how long to wait for the replies of the batches in flight; a reply not
   *     back by then counts as lost and its batch is sent again
   */
  PipelinedDeleter(
      Tally tally,
      AuditTrail audit,
      int batchSize,
      int maxInFlight,
      long settleMillis,
      Throttle throttle) {
    this.tally = tally;
    this.audit = audit;
    this.batchSize = batchSize;
    this.keys = new byte[batchSize][];
    this.keyPatterns = new int[batchSize];
    this.maxInFlight = maxInFlight;
    this.settleMillis = settleMillis;
    this.inFlight = new Semaphore(maxInFlight);
    this.throttle = throttle;
  }

  /**
   * The batch these buffered keys make, as this deleter writes them.
   *
   * @param patterns the flush pattern of each key
   * @param bytes what the keys weigh, to be kept in the batch
   */
  abstract Batch batch(int[] patterns, byte[][] keys, long bytes);

  /** Writes the batch, and hands its replies to {@link #count}. */
  abstract void write(Batch batch, long sentNanos);

  /** The address of the primary this deleter's keys were scanned on, as the audit lists it. */
  abstract String shard();

  /** What a key weighs in a batch. */
  static long bytesOf(byte[] key) {
    return (long) key.length + KEY_OVERHEAD;
  }

  @Override
  public final void delete(int pattern, byte[] key) throws InterruptedException {
    String auditFailure = audit.failure();
    if (auditFailure != null) {
      // An audited flush lists every key it deletes: one that can no longer list them stops.
      throw new CacheflushException(
          ExitCode.FAILED,
          "Cannot write the audit ("
              + auditFailure
              + "): the flush stopped so that no key is deleted without being listed");
    }
    keys[filled] = key;
    keyPatterns[filled++] = pattern;
    filledBytes += bytesOf(key);
    if (filled == batchSize || filledBytes >= BATCH_BYTES) {
      sendBuffered();
    }
  }

  @Override
  public final void finish() throws InterruptedException {
    if (filled > 0) {
      sendBuffered();
    }
    settle();
  }

  private void sendBuffered() throws InterruptedException {
    Batch batch =
        batch(Arrays.copyOf(keyPatterns, filled), Arrays.copyOf(keys, filled), filledBytes);
    Arrays.fill(keys, 0, filled, null);
    filled = 0;
    filledBytes = 0;
    send(batch);
  }

  /**
   * Sends a batch once the throttle and the in-flight bounds allow it. A batch whose wait for the
   * throttle ended on a stop request or the deadline is not sent: its keys stay, counted as matched
   * and not deleted, as the keys the scan never reached.
   */
  private void send(Batch batch) throws InterruptedException {
    if (!throttle.beforeSend(batch.size())) {
      return;
    }
    inFlight.acquire();
    try {
      inFlightBytes.acquire(permits(batch));
    } catch (InterruptedException e) {
      inFlight.release();
      throw e;
    }
    long sent = System.nanoTime();
    try {
      write(batch, sent);
    } catch (RuntimeException e) {
      lost(batch, e);
      release(batch);
    }
  }

  /** A batch larger than the whole bound takes all of it, and so goes alone. */
  private static int permits(Batch batch) {
    return (int) Math.min(batch.bytes(), IN_FLIGHT_BYTES);
  }

  /** The bytes first, so that a {@link #settle()} that has every batch's slot back has every byte back too. */
  private void release(Batch batch) {
    inFlightBytes.release(permits(batch));
    inFlight.release();
  }

  /**
   * Counts each group's reply (the keys its UNLINK removed) under its pattern; the groups whose
   * reply failed are kept to be sent again. Once all are in, the batch's slot in flight is free.
   *
   * @param replies one per group of the batch, in order
   */
  // The callback on all the replies only records and releases, and cannot fail: its future has
  // nothing to report.
  @SuppressWarnings("FutureReturnValueIgnored")
  final void count(Batch batch, List<CompletableFuture<Long>> replies, long sentNanos) {
    boolean[] lost = new boolean[replies.size()];
    Throwable[] lastError = new Throwable[1];
    CompletableFuture<?>[] outcomes = new CompletableFuture<?>[replies.size()];
    for (int i = 0; i < outcomes.length; i++) {
      int group = i;
      outcomes[i] =
          replies
              .get(i)
              .handle(
                  (removed, error) -> {
                    if (error == null) {
                      tally.addDeleted(batch.patterns()[group], removed);
                    } else {
                      lastError[0] =
                          error instanceof CompletionException && error.getCause() != null
                              ? error.getCause()
                              : error;
                      lost[group] = true;
                    }
                    return null;
                  });
    }
    CompletableFuture.allOf(outcomes)
        .whenComplete(
            (done, error) -> {
              Batch again = groups(batch, lost, true);
              if (again != null) {
                lost(again, lastError[0]);
              } else {
                throttle.observed(System.nanoTime() - sentNanos);
              }
              Batch acknowledged = again == null ? batch : groups(batch, lost, false);
              if (acknowledged == null) {
                release(batch);
              } else {
                audit.deleted(
                    shard(), acknowledged.patterns(), acknowledged.groups(), () -> release(batch));
              }
            });
  }

  /** The groups whose UNLINK failed ({@code lost}) or was acknowledged (not {@code lost}); null when none. */
  private static Batch groups(Batch batch, boolean[] failed, boolean lost) {
    int count = 0;
    for (boolean l : failed) {
      count += l == lost ? 1 : 0;
    }
    if (count == 0) {
      return null;
    }
    int[] patterns = new int[count];
    byte[][][] groups = new byte[count][][];
    int size = 0;
    long bytes = 0;
    for (int i = 0, j = 0; i < failed.length; i++) {
      if (failed[i] == lost) {
        patterns[j] = batch.patterns()[i];
        groups[j++] = batch.groups()[i];
        size += batch.groups()[i].length;
        for (byte[] key : batch.groups()[i]) {
          bytes += bytesOf(key);
        }
      }
    }
    return new Batch(patterns, groups, size, bytes);
  }

  /** These keys' deletion failed: kept, to be sent again by {@link #retryFailed()}. */
  private void lost(Batch batch, Throwable error) {
    lastFailure = error;
    failed.add(batch);
  }

  @Override
  public final Throwable failure() {
    return failed.isEmpty() ? null : lastFailure;
  }

  @Override
  public final void retryFailed() throws InterruptedException {
    settle();
    List<Batch> again = new ArrayList<>();
    for (Batch b = failed.poll(); b != null; b = failed.poll()) {
      again.add(b);
    }
    for (Batch batch : again) {
      send(batch);
    }
    settle();
  }

  /** Waits until no batch is in flight; one still unanswered then is counted as failed when it times out. */
  @Override
  public final void settle() throws InterruptedException {
    if (inFlight.tryAcquire(maxInFlight, settleMillis, TimeUnit.MILLISECONDS)) {
      inFlight.release(maxInFlight);
    }
  }
}
