package dev.cacheflush.flush;

import dev.cacheflush.audit.AuditTrail;
import dev.cacheflush.config.Settings;
import dev.cacheflush.redis.ConnectOptions;
import dev.cacheflush.redis.Deadline;
import dev.cacheflush.redis.Deployment;
import dev.cacheflush.redis.RedisTarget;
import dev.cacheflush.redis.TargetIdentity;
import dev.cacheflush.report.FlushReport;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The flush's steps on a real Redis or Valkey: standalone, cluster or Sentinel. */
public final class RedisFlushTarget implements FlushTarget {
  private static final Logger log = LoggerFactory.getLogger(RedisFlushTarget.class);

  private final Settings settings;
  private final RedisTarget redis;
  private final StopSignal stop;
  private final Clock clock;
  private KeyspacePass flushPass;

  private RedisFlushTarget(Settings settings, RedisTarget redis, StopSignal stop, Clock clock) {
    this.settings = settings;
    this.redis = redis;
    this.stop = stop;
    this.clock = clock;
  }

  public static Connector connector(Settings settings, StopSignal stop, Clock clock) {
    return connector(settings, stop, clock, false);
  }

  /** @param replicaAllowed whether a replica's URL is read from rather than refused: for plan only */
  public static Connector connector(
      Settings settings, StopSignal stop, Clock clock, boolean replicaAllowed) {
    return deadline ->
        new RedisFlushTarget(
            settings,
            RedisTarget.connect(
                settings.redisUrl(), ConnectOptions.of(settings), deadline, replicaAllowed),
            stop,
            clock);
  }

  @Override
  public Deployment mode() {
    return Deployment.of(redis.mode());
  }

  @Override
  public int shards() {
    return redis.primaries().size();
  }

  @Override
  public TargetIdentity identity() {
    return redis.identity();
  }

  @Override
  public long dbSize() {
    return FlushLock.cacheKeys(redis);
  }

  @Override
  public void retryWithin(Deadline deadline) {
    redis.retryWithin(deadline);
  }

  @Override
  public HeldLock lock() {
    return FlushLock.acquire(redis, lockTtl(), clock)::close;
  }

  /** Longer than the run can take, so only a holder that died leaves it to expire. */
  private Duration lockTtl() {
    return settings.timeout().plus(settings.commandTimeout().multipliedBy(2)).plusSeconds(30);
  }

  @Override
  public Outcome pass(
      boolean delete,
      Tally tally,
      AuditTrail audit,
      Progress progress,
      Deadline deadline,
      long totalKeys,
      Pacing pacing)
      throws InterruptedException {
    flushPass = new KeyspacePass(settings, delete, tally, audit, progress, deadline, stop, pacing);
    return flushPass.run(redis, totalKeys);
  }

  @Override
  public FlushReport.Verification verify(Tally flushed, Deadline deadline)
      throws InterruptedException {
    Tally after = new Tally(settings.flushPatterns().size());
    Outcome outcome =
        new KeyspacePass(
                settings, false, after, AuditTrail.NONE, Progress.NONE, deadline, stop, null)
            .run(redis, 0);
    List<String> samples = new ArrayList<>();
    for (int i = 0; i < settings.flushPatterns().size() && samples.size() < Tally.SAMPLES; i++) {
      after.samples(i).stream().limit(Tally.SAMPLES - samples.size()).forEach(samples::add);
    }
    if (after.matched() > 0) {
      log.info(
          "Verification: {} {} a flush pattern again (live traffic re-creates hot keys)",
          after.matched(),
          after.matched() == 1 ? "key matches" : "keys match");
    }
    return new FlushReport.Verification(
        outcome == Outcome.COMPLETED,
        after.scanned(),
        after.matched(),
        samples,
        flushed.preserved(),
        after.preserved());
  }

  @Override
  public List<FlushReport.Recovery> recoveries() {
    return flushPass == null ? List.of() : flushPass.recoveries();
  }

  @Override
  public List<FlushReport.Shard> shardCounts() {
    if (flushPass == null) {
      return List.of();
    }
    return flushPass.shards().stream()
        .map(
            s ->
                new FlushReport.Shard(
                    s.node().nodeId(),
                    s.node().address(),
                    s.tally().scanned(),
                    s.tally().matched(),
                    s.tally().deleted(),
                    s.walk() == null ? null : Math.round(s.walk().roundTripNanos() / 1e3) / 1e3,
                    s.walk() == null ? null : s.walk().chains(),
                    s.walk() == null ? null : s.walk().inFlight()))
        .toList();
  }

  @Override
  public void close() {
    redis.close();
  }
}
