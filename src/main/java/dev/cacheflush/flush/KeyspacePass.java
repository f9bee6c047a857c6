package dev.cacheflush.flush;

import dev.cacheflush.CacheflushException;
import dev.cacheflush.ExitCode;
import dev.cacheflush.audit.AuditTrail;
import dev.cacheflush.config.Settings;
import dev.cacheflush.redis.ClusterNodes;
import dev.cacheflush.redis.ConnectOptions;
import dev.cacheflush.redis.Deadline;
import dev.cacheflush.redis.KeyScanner;
import dev.cacheflush.redis.RedisFailures;
import dev.cacheflush.redis.RedisNode;
import dev.cacheflush.redis.RedisTarget;
import dev.cacheflush.redis.Retry;
import dev.cacheflush.redis.ScanSplit;
import dev.cacheflush.redis.SlotWatch;
import dev.cacheflush.report.FlushReport;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One pass over the keyspace: every primary's keys stream from SCAN through the classifier to the
 * deleter, one page at a time. The flush deletes; the dry run and the verification after a flush
 * make the same pass with a deleter that only counts. One pass over the keyspace serves all patterns at once (docs/benchmarks.md
 * has the measurement that chose it over a SCAN MATCH per pattern).
 *
 * <p>A standalone server's keyspace may be walked by several SCAN cursor chains at once ({@link
 * ScanSplit} decides, {@link KeyScanner} walks), so that at network distance pages are on their way
 * while the worker sorts the last one; each chain resumes from its own cursor after a reconnect,
 * and all start again on a restarted server. The UNLINK batches kept in flight grow with the round
 * trip too ({@link #inFlight}).
 *
 * <p>The primaries of a cluster are scanned in parallel, one worker per primary and at most
 * {@link #MAX_PARALLEL_SHARDS} at once; each keeps its own bound on UNLINKs in flight, so no shard
 * carries more than a few SCAN pages and {@code maxInFlight} batches. A scan that reaches the end of its
 * primary has covered its shard; the run is complete when every shard's scan is.
 *
 * <p>A fault (a reset connection, a timeout, a restarted server) is met by a new connection and
 * the same step again; the run gives up after {@code retries} failures in a row. In a cluster the
 * new connection goes to whichever node serves the shard now, so a primary lost to a failover is
 * replaced by its promoted replica, whose scan starts again from the beginning (a cursor means
 * nothing to another server). Slots that moved between shards during the scan are scanned again
 * where they went (see {@link SlotWatch}), until a round finds none moving.
 */
public final class KeyspacePass {
  private static final Logger log = LoggerFactory.getLogger(KeyspacePass.class);

  /** Workers at once: all the shards of usual ElastiCache clusters, few threads for one command. */
  static final int MAX_PARALLEL_SHARDS = 16;

  /** How often a worker asks its node which slots are where, to notice resharding. */
  private static final long LOOK_EVERY_NANOS = TimeUnit.MILLISECONDS.toNanos(250);

  /** Rounds of scanning moved slots again; a slot still moving after these is reported, not chased. */
  static final int MAX_RESCANS = 5;

  /** One shard's share of the run: the primary it was scanned on last, its counts, and how it was walked. */
  public record ShardTally(RedisNode node, Tally tally, Walk walk) {}

  /**
   * What the pass chose for a node from the round trip it measured there ({@link RedisNode#roundTripNanos}):
   * the SCAN cursor chains side by side ({@link ScanSplit}, 1 where the scan was not split) and the
   * UNLINK batches kept in flight ({@link #inFlight}; null for a pass that deletes nothing).
   */
  public record Walk(long roundTripNanos, int chains, Integer inFlight) {}

  /** What one worker scans: a primary, and only these slots of it when not null. */
  private record Job(RedisNode node, Tally tally, BitSet slots) {}

  private final Settings settings;
  private final boolean delete;
  private final Classifier classifier;
  private final Tally tally;
  private final Progress progress;
  private final Deadline deadline;
  private final StopSignal stop;
  private final Retry retry;
  private final Throttle throttle;
  private final AuditTrail audit;
  private final List<FlushReport.Recovery> recoveries =
      Collections.synchronizedList(new ArrayList<>());
  private final Map<RedisNode, Tally> shards = Collections.synchronizedMap(new LinkedHashMap<>());

  /** How each node was last walked. */
  private final Map<RedisNode, Walk> walks = Collections.synchronizedMap(new LinkedHashMap<>());

  /** Set when one worker failed for good, so the others stop instead of working on in vain. */
  private final AtomicBoolean aborted = new AtomicBoolean();

  /** Keys handed to a deleter, over every shard: what --max-keys caps. */
  private final AtomicLong toDelete = new AtomicLong();

  /**
   * @param delete false for the dry run and the verification pass, which only count
   * @param audit where the deleters list the keys they deleted
   * @param pacing the deletion pass's pacing (its throttle), or null for the fixed cap and guard alone
   */
  public KeyspacePass(
      Settings settings,
      boolean delete,
      Tally tally,
      AuditTrail audit,
      Progress progress,
      Deadline deadline,
      StopSignal stop,
      Pacing pacing) {
    this.settings = settings;
    this.audit = audit;
    this.delete = delete;
    this.classifier = new Classifier(settings.flushPatterns(), settings.preservePatterns());
    this.tally = tally;
    this.progress = progress;
    this.deadline = deadline;
    this.stop = stop;
    this.retry = new Retry(ConnectOptions.of(settings).backoff(), deadline);
    // One throttle for all shards: the cap is on the whole flush. A batch waiting its turn is not
    // sent once the run is to stop.
    this.throttle =
        pacing == null
            ? Throttle.of(settings.maxRate(), settings.maxLatency())
            : pacing.throttle(() -> stop.requested() || deadline.passed() || aborted.get());
  }

  /** Runs until every shard is scanned, the deadline passes or a stop is asked for. */
  public Outcome run(RedisTarget target, long totalKeys) throws InterruptedException {
    SlotWatch watch = target.cluster() ? new SlotWatch(target.refreshTopology()) : null;
    List<Job> jobs = new ArrayList<>();
    for (RedisNode node : target.primaries()) {
      jobs.add(new Job(node, shardTally(node), null));
    }
    Outcome outcome = runAll(jobs, target, watch, totalKeys);
    for (int round = 1; outcome == Outcome.COMPLETED && watch != null; round++) {
      lookAtAll(target, watch);
      List<SlotWatch.Rescan> moved = watch.take();
      if (moved.isEmpty()) {
        break;
      }
      BitSet slots = new BitSet();
      moved.forEach(m -> slots.or(m.slots()));
      if (round > MAX_RESCANS) {
        recoveries.add(
            new FlushReport.Recovery(
                describe(moved),
                "slots "
                    + slotList(slots)
                    + " were still moving after "
                    + MAX_RESCANS
                    + " scans of them; keys moving then may remain (the verification pass counts them)",
                false));
        break;
      }
      log.warn(
          "Slots {} moved between shards during the scan (resharding); scanning them again on {}",
          slotList(slots),
          describe(moved));
      jobs = new ArrayList<>();
      for (SlotWatch.Rescan rescan : moved) {
        RedisNode node = target.primary(rescan.nodeId(), rescan.address());
        jobs.add(new Job(node, shardTally(node), rescan.slots()));
        recoveries.add(
            new FlushReport.Recovery(
                rescan.address().toString(),
                "slots "
                    + slotList(rescan.slots())
                    + " moved to this shard during the scan (resharding)",
                true));
      }
      outcome = runAll(jobs, target, watch, totalKeys);
    }
    return outcome;
  }

  public List<FlushReport.Recovery> recoveries() {
    synchronized (recoveries) {
      return List.copyOf(recoveries);
    }
  }

  /** Every shard scanned, in the order first scanned, with its counts. */
  public List<ShardTally> shards() {
    synchronized (shards) {
      return shards.entrySet().stream()
          .map(e -> new ShardTally(e.getKey(), e.getValue(), walks.get(e.getKey())))
          .toList();
    }
  }

  private Tally shardTally(RedisNode node) {
    return shards.computeIfAbsent(node, n -> tally.child());
  }

  /** Runs the jobs in parallel; the first failure stops the others and is thrown once they have. */
  private Outcome runAll(List<Job> jobs, RedisTarget target, SlotWatch watch, long totalKeys)
      throws InterruptedException {
    AtomicInteger number = new AtomicInteger();
    ExecutorService workers =
        Executors.newFixedThreadPool(
            Math.min(jobs.size(), MAX_PARALLEL_SHARDS),
            r -> {
              Thread t = new Thread(r, "cacheflush-shard-" + number.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    try {
      List<Future<Outcome>> running = new ArrayList<>();
      for (Job job : jobs) {
        running.add(workers.submit(() -> runNode(job, target, watch, totalKeys)));
      }
      Outcome outcome = Outcome.COMPLETED;
      RuntimeException failure = null;
      for (Future<Outcome> worker : running) {
        try {
          Outcome o = worker.get();
          if (o != Outcome.COMPLETED && outcome == Outcome.COMPLETED) {
            outcome = o;
          }
        } catch (ExecutionException e) {
          aborted.set(true);
          if (failure == null) {
            failure =
                e.getCause() instanceof RuntimeException r
                    ? r
                    : new IllegalStateException(e.getCause());
          }
        }
      }
      if (failure != null) {
        throw failure;
      }
      return outcome;
    } catch (InterruptedException e) {
      aborted.set(true);
      throw e;
    } finally {
      workers.shutdownNow();
    }
  }

  private Outcome runNode(Job job, RedisTarget target, SlotWatch watch, long totalKeys)
      throws InterruptedException {
    RedisNode node = job.node();
    long roundTrip = node.roundTripNanos();
    int chains = 1;
    if (watch == null && job.slots() == null) {
      ScanSplit split =
          ScanSplit.decide(node.info("server"), target.cluster(), node.dbSize(), roundTrip);
      chains = split.chains();
      log.debug("Scanning {} with {} cursor chains ({})", node.address(), chains, split.why());
    }
    int inFlight = inFlight(roundTrip);
    walks.put(node, new Walk(roundTrip, chains, delete ? inFlight : null));
    KeyScanner scanner =
        new KeyScanner(
            node,
            settings.scanCount(),
            settings.commandTimeout().plusSeconds(1),
            chains,
            key -> !delete || classifier.classify(key).kind() != Classifier.Kind.FLUSH);
    Deleter deleter =
        !delete
            ? new DryRunDeleter()
            : watch != null
                ? new ClusterUnlinkDeleter(
                    node,
                    target.primaries().size(),
                    target.redirects(),
                    watch,
                    job.tally(),
                    audit,
                    settings.batchSize(),
                    inFlight,
                    redirectSettleMillis(),
                    throttle)
                : new UnlinkDeleter(
                    node,
                    job.tally(),
                    audit,
                    classifier.flushPatternCount(),
                    settings.batchSize(),
                    inFlight,
                    settings.commandTimeout().toMillis() + 1_000,
                    throttle);
    Tally.Page page = job.tally().page();
    int failuresInARow = 0;
    boolean reconnect = false;
    String lastCause = null;
    long lastLook = 0;
    while (true) {
      if (stop.requested() || aborted.get()) {
        deleter.settle();
        return Outcome.INTERRUPTED;
      }
      if (deadline.passed()) {
        deleter.settle();
        return Outcome.TIMEOUT;
      }
      try {
        if (reconnect) {
          String before = node.address();
          node.reconnect();
          boolean resumed = scanner.resumeAfterReconnect();
          deleter.retryFailed();
          raise(deleter.failure());
          reconnect = false;
          String where =
              before.equals(node.address()) ? node.address() : before + " -> " + node.address();
          recoveries.add(new FlushReport.Recovery(where, lastCause, !resumed));
          log.warn(
              "Reconnected to {}; {}",
              where,
              resumed
                  ? "the scan goes on from its cursor"
                  : "the server restarted or was replaced (new run_id), so the scan starts again from the beginning");
        }
        if (watch != null && System.nanoTime() - lastLook >= LOOK_EVERY_NANOS) {
          look(node, watch);
          lastLook = System.nanoTime();
        }
        if (scanner.finished()) {
          deleter.finish();
          raise(deleter.failure());
          if (watch != null) {
            look(node, watch);
          }
          return Outcome.COMPLETED;
        }
        try {
          for (byte[] key : scanner.nextPage()) {
            if ((job.slots() == null || job.slots().get(ClusterNodes.slotOf(key)))
                && !classify(key, deleter, page)) {
              // The keys already handed over are within the cap: they go; nothing after them does.
              deleter.finish();
              raise(deleter.failure());
              return Outcome.CAP_REACHED;
            }
          }
        } finally {
          page.commit();
        }
        synchronized (progress) {
          progress.update(tally, totalKeys);
        }
        raise(deleter.failure());
        failuresInARow = 0;
      } catch (RuntimeException e) {
        if (!RedisFailures.isRetryable(e)) {
          throw RedisFailures.explain(node.address(), e);
        }
        failuresInARow++;
        lastCause = RedisFailures.hint(e);
        // Past the deadline the loop's next turn reports a timeout, so only the count ends it here.
        if (failuresInARow > retry.retries()) {
          throw new CacheflushException(
              ExitCode.FAILED,
              "Gave up on Redis at "
                  + node.address()
                  + " after "
                  + failuresInARow
                  + " failed attempts in a row; last: "
                  + lastCause,
              e);
        }
        log.warn(
            "Redis at {} failed ({}); reconnecting (attempt {} of {})",
            node.address(),
            lastCause,
            failuresInARow,
            retry.retries());
        retry.pause(failuresInARow);
        reconnect = true;
      }
    }
  }

  /**
   * UNLINK batches kept on their way: {@code --max-in-flight}, or more when the round trip needs
   * more to keep the server busy (bandwidth times delay), up to {@link Settings#MAX_IN_FLIGHT}. A
   * paced flush keeps the setting: it has time to spare and asks for gentleness.
   */
  int inFlight(long roundTripNanos) {
    if (settings.maxRate() > 0 || settings.maxLatency() != null) {
      return settings.maxInFlight();
    }
    return Math.max(
        settings.maxInFlight(),
        Math.min(Settings.MAX_IN_FLIGHT, ScanSplit.depthFor(roundTripNanos)));
  }

  /**
   * A redirected key may need a new connection and a second command: the wait for replies allows for
   * both, so that a batch is not given up while its redirect is on its way.
   */
  private long redirectSettleMillis() {
    return settings.connectTimeout().toMillis() + 2 * settings.commandTimeout().toMillis() + 1_000;
  }

  /** Tells the watch what this node sees; a node that does not answer is the scan's problem, not this. */
  private static void look(RedisNode node, SlotWatch watch) {
    try {
      watch.observe(node.clusterNodes());
    } catch (RuntimeException e) {
      log.debug("CLUSTER NODES on {} failed: {}", node.address(), e.getMessage());
    }
  }

  /** A last look at every primary, whose own lines are the only ones that show a slot half-way through a move. */
  private static void lookAtAll(RedisTarget target, SlotWatch watch) {
    for (RedisNode node : target.primaries()) {
      look(node, watch);
    }
  }

  private static String describe(List<SlotWatch.Rescan> rescans) {
    return String.join(", ", rescans.stream().map(r -> r.address().toString()).toList());
  }

  /** Slots as ranges, e.g. {@code 42, 100-120}. */
  static String slotList(BitSet slots) {
    StringBuilder sb = new StringBuilder();
    for (int first = slots.nextSetBit(0); first >= 0; first = slots.nextSetBit(first + 1)) {
      int last = slots.nextClearBit(first) - 1;
      sb.append(sb.length() == 0 ? "" : ", ").append(first).append(last > first ? "-" + last : "");
      first = last;
    }
    return sb.toString();
  }

  private static void raise(Throwable failure) {
    if (failure instanceof RuntimeException e) {
      throw e;
    }
    if (failure != null) {
      throw new IllegalStateException(failure);
    }
  }

  /** Counts the key under its class and hands it to the deleter if it goes; false when that would pass --max-keys. */
  private boolean classify(byte[] key, Deleter deleter, Tally.Page counts)
      throws InterruptedException {
    Classifier.Decision decision = classifier.classify(key);
    switch (decision.kind()) {
      case LOCK -> {
        // the tool's own key, not the cache's: left alone and not counted
      }
      case FLUSH -> {
        counts.matched(decision.flushPattern(), key);
        if (delete
            && settings.maxKeys() != null
            && toDelete.incrementAndGet() > settings.maxKeys()) {
          return false;
        }
        deleter.delete(decision.flushPattern(), key);
      }
      case CONFLICT -> counts.conflict(key, decision.flushPattern(), decision.preservePattern());
      case PRESERVE -> counts.preserved(decision.preservePattern(), key);
      case UNTOUCHED -> counts.untouched();
    }
    return true;
  }
}
