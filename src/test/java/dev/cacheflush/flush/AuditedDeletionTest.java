package dev.cacheflush.flush;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.cacheflush.CacheflushException;
import dev.cacheflush.audit.AuditHeader;
import dev.cacheflush.audit.AuditTrail;
import dev.cacheflush.report.FlushReport;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * What bounds the audit's memory: a batch's place in flight comes back only once the audit has its
 * keys, so an audit that falls behind holds the scan back instead of queueing keys without end; and
 * only acknowledged keys reach it.
 */
class AuditedDeletionTest {
  /** An audit that keeps what it is handed, and gives batches back only when told to. */
  static final class HeldAudit implements AuditTrail {
    final Queue<Runnable> held = new ConcurrentLinkedQueue<>();
    final List<String> keys = new ArrayList<>();
    volatile String failure;

    @Override
    public void open(AuditHeader header) {}

    @Override
    public synchronized void deleted(
        String shard, int[] patterns, byte[][][] groups, Runnable then) {
      for (byte[][] group : groups) {
        for (byte[] key : group) {
          keys.add(new String(key, StandardCharsets.UTF_8) + "@" + shard);
        }
      }
      held.add(then);
    }

    @Override
    public String failure() {
      return failure;
    }

    @Override
    public FlushReport.Audit close(
        boolean complete, String outcome, long keysDeleted, Instant finishedAt) {
      return null;
    }

    void releaseAll() {
      for (Runnable r = held.poll(); r != null; r = held.poll()) {
        r.run();
      }
    }
  }

  /**
   * Batches of {@code batchSize} keys, each key its own UNLINK, answered at once: 1 for keys
   * starting "ok", a failure for the others.
   */
  static final class Answering extends PipelinedDeleter {
    final AtomicInteger batches = new AtomicInteger();
    private final List<byte[]> taken = new ArrayList<>();

    Answering(Tally tally, AuditTrail audit, int batchSize, int maxInFlight) {
      super(tally, audit, batchSize, maxInFlight, 60_000, Throttle.of(0, null));
    }

    @Override
    void take(int pattern, byte[] key) throws InterruptedException {
      taken.add(key);
      if (taken.size() == batchSize) {
        sendTaken();
      }
    }

    @Override
    void sendTaken() throws InterruptedException {
      if (taken.isEmpty()) {
        return;
      }
      byte[][][] groups = new byte[taken.size()][][];
      long bytes = 0;
      for (int i = 0; i < groups.length; i++) {
        groups[i] = new byte[][] {taken.get(i)};
        bytes += bytesOf(taken.get(i));
      }
      taken.clear();
      send(new Batch(new int[groups.length], groups, groups.length, bytes));
    }

    @Override
    void write(Batch batch, Replies replies) {
      batches.incrementAndGet();
      byte[][][] groups = batch.groups();
      for (int g = 0; g < groups.length; g++) {
        if (new String(groups[g][0], StandardCharsets.UTF_8).startsWith("ok")) {
          replies.removed(g, 1);
        } else {
          replies.failed(g, new IllegalStateException("connection reset"));
        }
      }
    }

    @Override
    String shard() {
      return "10.0.0.5:6379";
    }
  }

  static byte[] key(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void anAuditThatFallsBehindShouldHoldTheScanBackAtTheInFlightBound() throws Exception {
    HeldAudit audit = new HeldAudit();
    Tally tally = new Tally(1);
    Answering deleter = new Answering(tally, audit, 2, 2);
    Thread scan =
        new Thread(
            () -> {
              try {
                for (int i = 0; i < 10; i++) {
                  deleter.delete(0, key("ok:" + i));
                }
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            });
    scan.start();

    // Two batches answered but not yet written: the third waits for a place in flight.
    // A timed wait: the deleter looks at its unanswered batches whenever its wait for replies ends.
    await().until(() -> scan.getState() == Thread.State.TIMED_WAITING);
    assertThat(deleter.batches).hasValue(2);
    assertThat(tally.deleted()).isEqualTo(4);
    assertThat(audit.keys).hasSize(4);

    for (int written = 2; written < 5; written++) {
      audit.releaseAll();
      int expected = written + 1;
      await().until(() -> deleter.batches.get() >= expected);
    }
    audit.releaseAll();
    scan.join();
    deleter.settle();
    assertThat(deleter.batches).hasValue(5);
    assertThat(audit.keys).hasSize(10).first().isEqualTo("ok:0@10.0.0.5:6379");
  }

  @Test
  void onlyKeysWhoseUnlinkWasAnsweredShouldReachTheAudit() throws Exception {
    HeldAudit audit = new HeldAudit();
    Tally tally = new Tally(1);
    Answering deleter = new Answering(tally, audit, 3, 2);
    deleter.delete(0, key("ok:1"));
    deleter.delete(0, key("lost:2"));
    deleter.delete(0, key("ok:3"));
    audit.releaseAll();
    deleter.settle();

    assertThat(audit.keys).containsExactly("ok:1@10.0.0.5:6379", "ok:3@10.0.0.5:6379");
    assertThat(deleter.failure()).hasMessage("connection reset");
  }

  @Test
  void aDeletionShouldStopOnceTheAuditCannotBeWritten() throws Exception {
    HeldAudit audit = new HeldAudit();
    Answering deleter = new Answering(new Tally(1), audit, 10, 2);
    deleter.delete(0, key("ok:1"));
    audit.failure = "No space left on device";

    assertThatThrownBy(() -> deleter.delete(0, key("ok:2")))
        .isInstanceOf(CacheflushException.class)
        .hasMessageContaining("No space left on device")
        .hasMessageContaining("no key is deleted without being listed");
    assertThat(deleter.batches).hasValue(0);
  }
}
