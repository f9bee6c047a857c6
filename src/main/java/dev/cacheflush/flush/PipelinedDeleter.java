package dev.cacheflush.flush;

import dev.cacheflush.CacheflushException;
import dev.cacheflush.ExitCode;
import dev.cacheflush.audit.AuditTrail;
import dev.cacheflush.redis.RedisNode;
import io.lettuce.core.RedisCommandTimeoutException;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * What every real deleter shares, once its subclass has made a batch of the keys it took: at most {@code
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

  /** Keys in a batch, at most. */
  final int batchSize;

  private final int maxInFlight;
  private final long settleMillis;
  private final Semaphore inFlight;
  private final Semaphore inFlightBytes = new Semaphore(IN_FLIGHT_BYTES);
  private final Throttle throttle;
  private final Tally tally;
  private final AuditTrail audit;
  private final Queue<Batch> failed = new ConcurrentLinkedQueue<>();

  /** The batches in flight, to be expired if their replies do not come. */
  private final Set<Replies> unanswered = ConcurrentHashMap.newKeySet();

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
    this.maxInFlight = maxInFlight;
    this.settleMillis = settleMillis;
    this.inFlight = new Semaphore(maxInFlight);
    this.throttle = throttle;
  }

  /** Takes a key to delete: buffered until it makes a batch with others, which {@link #send} sends. */
  abstract void take(int pattern, byte[] key) throws InterruptedException;

  /** Sends every key taken and not sent yet: the scan is over. */
  abstract void sendTaken() throws InterruptedException;

  /** Writes the batch; each group's reply goes to {@code replies}. */
  abstract void write(Batch batch, Replies replies);

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
    take(pattern, key);
  }

  @Override
  public final void finish() throws InterruptedException {
    sendTaken();
    settle();
  }

  /**
   * Sends a batch once the throttle and the in-flight bounds allow it. A batch whose wait for the
   * throttle ended on a stop request or the deadline is not sent: its keys stay, counted as matched
   * and not deleted, as the keys the scan never reached.
   */
  final void send(Batch batch) throws InterruptedException {
    if (!throttle.beforeSend(batch.size())) {
      return;
    }
    while (!inFlight.tryAcquire(settleMillis, TimeUnit.MILLISECONDS)) {
      expireUnanswered();
    }
    try {
      while (!inFlightBytes.tryAcquire(permits(batch), settleMillis, TimeUnit.MILLISECONDS)) {
        expireUnanswered();
      }
    } catch (InterruptedException e) {
      inFlight.release();
      throw e;
    }
    Replies replies = new Replies(batch, System.nanoTime());
    unanswered.add(replies);
    try {
      write(batch, replies);
    } catch (RuntimeException e) {
      replies.expire(e);
    }
  }

  /**
   * Counts what is unanswered as failed, to be sent again: called once no slot in flight came free
   * for the whole wait for replies, so every batch in flight has been out that long at least.
   */
  private void expireUnanswered() {
    RedisCommandTimeoutException timeout =
        new RedisCommandTimeoutException("UNLINK: no reply within " + settleMillis + " ms");
    for (Replies replies : unanswered) {
      replies.expire(timeout);
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
   * The replies of one batch as they come, on the client's I/O threads: each group's count under
   * its pattern, or the group kept to be sent again if its UNLINK failed. Once every group is
   * answered (or expired), the batch's slot in flight is free; an answer after that is ignored.
   */
  final class Replies implements RedisNode.UnlinkReplies {
    private final Batch batch;
    private final long sentNanos;
    private final boolean[] answered;
    private final boolean[] lost;
    private int pending;
    private Throwable lastError;

    Replies(Batch batch, long sentNanos) {
      this.batch = batch;
      this.sentNanos = sentNanos;
      this.answered = new boolean[batch.groups().length];
      this.lost = new boolean[batch.groups().length];
      this.pending = batch.groups().length;
    }

    /** The keys of one group, for a deleter that follows a failed group's redirect. */
    byte[][] group(int group) {
      return batch.groups()[group];
    }

    @Override
    public void removed(int group, long keys) {
      synchronized (this) {
        if (answered[group]) {
          return;
        }
        answered[group] = true;
        tally.addDeleted(batch.patterns()[group], keys);
      }
      answeredOne();
    }

    @Override
    public void failed(int group, Throwable error) {
      failed(group, 0, error);
    }

    /**
     * Group {@code group} failed after {@code removed} of its keys were removed one by one: those
     * count now, and the group is sent again, where they remove nothing.
     */
    void failed(int group, long removed, Throwable error) {
      synchronized (this) {
        if (answered[group]) {
          return;
        }
        answered[group] = true;
        lost[group] = true;
        if (removed > 0) {
          tally.addDeleted(batch.patterns()[group], removed);
        }
        lastError =
            error instanceof CompletionException && error.getCause() != null
                ? error.getCause()
                : error;
      }
      answeredOne();
    }

    /** Every group not answered yet counts as failed. */
    void expire(Throwable error) {
      for (int g = 0; g < answered.length; g++) {
        failed(g, error);
      }
    }

    private void answeredOne() {
      synchronized (this) {
        if (--pending > 0) {
          return;
        }
      }
      unanswered.remove(this);
      Batch again = groups(batch, lost, true);
      if (again != null) {
        lost(again, lastError);
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
    }
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

  /** Waits until no batch is in flight; one still unanswered then counts as failed, to be sent again. */
  @Override
  public final void settle() throws InterruptedException {
    if (!inFlight.tryAcquire(maxInFlight, settleMillis, TimeUnit.MILLISECONDS)) {
      expireUnanswered();
      inFlight.acquire(maxInFlight);
    }
    inFlight.release(maxInFlight);
  }
}
