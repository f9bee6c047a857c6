package dev.cacheflush.flush;

import dev.cacheflush.audit.AuditTrail;
import dev.cacheflush.config.RedisUrl.HostPort;
import dev.cacheflush.redis.ClusterRedirects;
import dev.cacheflush.redis.RedisNode;
import dev.cacheflush.redis.SlotWatch;
import java.util.Arrays;

/**
 * Deletes on one cluster primary with one UNLINK per hash slot and flush pattern: the keys are
 * gathered by slot ({@link SlotGroups}) over many SCAN pages, up to {@link #GATHER_KEYS} keys and
 * {@link #GATHER_BYTES} over the whole cluster (and {@link #GATHER_BATCHES} batches per primary),
 * then sent as batches of {@code batchSize} keys (or {@link PipelinedDeleter#BATCH_BYTES}), at
 * most {@code maxInFlight} batches unanswered (the bounds of {@link UnlinkDeleter}).
 *
 * <p>Why gather: a command per key made the client's cost per command the cluster flush's cost per
 * key, and the tool, not the shards, the limit of a cluster flush (docs/benchmarks.md). A SCAN page
 * holds about one key per slot, so keys must be held over many pages to share a command. With the
 * bounds above a primary holds about 16 keys per slot whatever the number of primaries (its share
 * of the bound shrinks as its share of the slots does); they go one flush pattern to a command, so
 * 4 keys per UNLINK on the benchmark's four patterns.
 *
 * <p>During a slot's migration an UNLINK of several of its keys may be refused with TRYAGAIN (some
 * have left, some not) or redirected; that group alone is then settled key by key ({@link
 * ClusterRedirects#followEach}), each key sent where its own reply says.
 */
public final class ClusterUnlinkDeleter extends PipelinedDeleter {
  /** Keys held by slot, over the cluster's primaries: about 16 per slot when full. */
  static final int GATHER_KEYS = 1 << 18;

  /** Bytes held by slot ({@link #bytesOf} each), over the cluster's primaries: 12 MB of the 64 MB heap. */
  static final long GATHER_BYTES = 12L << 20;

  /**
   * Batches' worth of keys held by one primary, at most: a smaller {@code --batch-size} asks for
   * smaller steps, and deletion then starts sooner after the scan does.
   */
  static final int GATHER_BATCHES = 1024;

  private final RedisNode node;
  private final ClusterRedirects redirects;
  private final SlotWatch watch;
  private final SlotGroups gathered;

  /** The batch being made of groups: their patterns and keys, how many keys and bytes in all. */
  private final int[] batchPatterns;

  private final byte[][][] batchGroups;
  private int groups;
  private int batchKeys;
  private long batchBytes;

  /**
   * @param primaries the cluster's primaries, which share the bounds on keys held
   * @param watch told of every slot a MOVED or ASK names, so that the slot is scanned again
   * @param settleMillis how long to wait for the replies (redirects included) of the batches in flight
   */
  public ClusterUnlinkDeleter(
      RedisNode node,
      int primaries,
      ClusterRedirects redirects,
      SlotWatch watch,
      Tally tally,
      AuditTrail audit,
      int batchSize,
      int maxInFlight,
      long settleMillis,
      Throttle throttle) {
    super(tally, audit, batchSize, maxInFlight, settleMillis, throttle);
    this.node = node;
    this.redirects = redirects;
    this.watch = watch;
    this.gathered =
        new SlotGroups(
            Math.max(batchSize, Math.min(GATHER_KEYS / primaries, GATHER_BATCHES * batchSize)),
            Math.max(BATCH_BYTES, GATHER_BYTES / primaries),
            batchSize,
            BATCH_BYTES);
    this.batchPatterns = new int[batchSize];
    this.batchGroups = new byte[batchSize][][];
  }

  @Override
  void take(int pattern, byte[] key) throws InterruptedException {
    if (gathered.add(pattern, key)) {
      sendTaken();
    }
  }

  @Override
  void sendTaken() throws InterruptedException {
    gathered.drain(this::addGroup);
    sendBatch();
  }

  /** A group joins the batch being made; a batch that it would take past its bounds goes first. */
  private void addGroup(int pattern, byte[][] keys, long bytes) throws InterruptedException {
    if (groups > 0 && (batchKeys + keys.length > batchSize || batchBytes + bytes > BATCH_BYTES)) {
      sendBatch();
    }
    batchPatterns[groups] = pattern;
    batchGroups[groups++] = keys;
    batchKeys += keys.length;
    batchBytes += bytes;
  }

  private void sendBatch() throws InterruptedException {
    if (groups == 0) {
      return;
    }
    Batch batch =
        new Batch(
            Arrays.copyOf(batchPatterns, groups),
            Arrays.copyOf(batchGroups, groups),
            batchKeys,
            batchBytes);
    Arrays.fill(batchGroups, 0, groups, null);
    groups = 0;
    batchKeys = 0;
    batchBytes = 0;
    send(batch);
  }

  @Override
  String shard() {
    return node.address();
  }

  @Override
  void write(Batch batch, Replies replies) {
    HostPort from = node.hostPort();
    node.unlink(
        batch.groups(),
        new RedisNode.UnlinkReplies() {
          @Override
          public void removed(int group, long keys) {
            replies.removed(group, keys);
          }

          // A redirect (or a failure) is rare: only then do a group's keys cost a future each.
          @Override
          @SuppressWarnings("FutureReturnValueIgnored")
          public void failed(int group, Throwable error) {
            redirects
                .followEach(replies.group(group), error, from, watch)
                .thenAccept(
                    settled -> {
                      if (settled.failure() == null) {
                        replies.removed(group, settled.removed());
                      } else {
                        replies.failed(group, settled.removed(), settled.failure());
                      }
                    });
          }
        });
  }
}
