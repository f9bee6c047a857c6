package dev.cacheflush.report;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Reports as a real run writes them, built by hand so that page tests know every number: a flush
 * of a three-shard cluster with a 10 s window before and after it, a watch of twelve 10 s intervals in which the hit rate
 * climbs back from 42 %, and a database probe whose latency rises and settles.
 */
final class SampleReports {
  static final Instant START = Instant.parse("2025-11-26T02:00:00Z");

  /** The hit rate of each watch interval; one interval saw no lookups at all. */
  static final Double[] WATCH_HIT_RATES = {
    0.48, 0.55, null, 0.66, 0.71, 0.76, 0.79, 0.81, 0.83, 0.84, 0.85, 0.86
  };

  static final String EVIL_KEY = "mocs:<script>alert('x')</script>&";

  private SampleReports() {}

  static FlushReport flush() {
    HitRateReport hitRate =
        new HitRateReport(
            10_000,
            new HitRateReport.Window(at(200), 10_000, 9_300, 700, 0.93, 1_040.5, 220_000, 1.1, 1.9),
            new HitRateReport.Window(
                at(12_400), 10_000, 4_200, 5_800, 0.42, 1_030.0, 121_000, 11.5, 38.0));
    DatabaseReport database =
        new DatabaseReport(
            "jdbc:postgresql://db.internal:5432/shop?user=app&password=****",
            "SELECT 1",
            500,
            new LatencyReport(20, 0, 1.2, 2.0, 2.4),
            new LatencyReport(260, 0, 3.8, 21.5, 30.1),
            3.17,
            null);
    List<WatchReport.Interval> intervals = new ArrayList<>();
    for (int i = 0; i < WATCH_HIT_RATES.length; i++) {
      Double rate = WATCH_HIT_RATES[i];
      long lookups = rate == null ? 0 : 10_000;
      long hits = rate == null ? 0 : Math.round(lookups * rate);
      intervals.add(
          new WatchReport.Interval(
              at(22_400 + 10_000L * (i + 1)),
              10_000,
              hits,
              lookups - hits,
              rate,
              1_000.0,
              121_000 + 3_000L * i,
              9.0 - 0.6 * i,
              24.0 - 1.5 * i));
    }
    WatchReport watch =
        new WatchReport(
            "until-hit-rate", 600_000, 10_000, 0.8, 3, "recovered", 110_000L, null, intervals);
    return new FlushReport(
        1,
        "flush",
        false,
        "redis://cacheflush:****@cache.internal:6379",
        "cluster",
        null,
        "completed",
        0,
        null,
        at(0),
        at(142_500),
        12_100,
        at(10_300),
        at(12_300),
        220_000,
        220_000,
        100_000,
        99_998,
        100_000,
        20_000,
        List.of(
            new FlushReport.PatternCount(
                "mocs:*", 40_000, 39_999, List.of("mocs:1", "mocs:2", EVIL_KEY)),
            new FlushReport.PatternCount("gallery:*", 30_000, 29_999, List.of("gallery:page:7")),
            new FlushReport.PatternCount("wishlist:*", 20_000, 20_000, List.of("wishlist:user:3")),
            new FlushReport.PatternCount("albums:*", 10_000, 10_000, List.of())),
        List.of("sessions:*", "ratelimit:*", "user-profiles:*", "mocs:*:pinned"),
        new FlushReport.Conflicts(
            2,
            List.of(
                new FlushReport.ConflictSample("mocs:7:pinned", "mocs:*", "mocs:*:pinned"),
                new FlushReport.ConflictSample(EVIL_KEY + ":pinned", "mocs:*", "mocs:*:pinned"))),
        List.of(new FlushReport.Recovery("127.0.0.1:6379", "connection reset", false)),
        new FlushReport.Verification(
            true, 120_500, 480, List.of("mocs:1", "gallery:page:7"), 100_000, 100_000),
        null,
        new FlushReport.Tuning(1000, 500, 8, 60_000, 3, 5_000, true, true, 0, null),
        List.of(
            new FlushReport.Shard(
                "a1b2c3d4e5f60718293a4b5c6d7e8f9012345678",
                "10.0.1.11:6379",
                73_400,
                33_400,
                33_399,
                0.412,
                1,
                8),
            new FlushReport.Shard(
                "b2c3d4e5f60718293a4b5c6d7e8f901234567890",
                "10.0.1.12:6379",
                73_300,
                33_300,
                33_300,
                0.398,
                1,
                8),
            new FlushReport.Shard(
                "c3d4e5f60718293a4b5c6d7e8f90123456789012",
                "10.0.1.13:6379",
                73_300,
                33_300,
                33_299,
                0.405,
                1,
                8)),
        hitRate,
        database,
        watch,
        new FlushReport.Pacing(
            120_000L,
            12L,
            1_000L,
            124_300,
            98_700L,
            100_000L,
            833.3,
            1_180,
            118_900,
            3,
            41,
            412.5,
            14.2,
            new LatencyReport(1_190, 0, 8.1, 11.9, 14.2)),
        new FlushReport.Audit("/var/log/cacheflush/canary-10.audit.gz", 99_998, true));
  }

  static FlushReport dryRun() {
    FlushReport f = flush();
    return new FlushReport(
        1,
        "plan",
        true,
        f.target(),
        f.mode(),
        null,
        "completed",
        0,
        null,
        f.startedAt(),
        at(1_800),
        1_800,
        at(0),
        at(1_800),
        f.dbSize(),
        f.keysScanned(),
        f.keysMatched(),
        0,
        f.keysPreserved(),
        f.keysUntouched(),
        f.patterns().stream()
            .map(p -> new FlushReport.PatternCount(p.pattern(), p.matched(), 0, p.samples()))
            .toList(),
        f.preservePatterns(),
        f.conflicts(),
        List.of(),
        null,
        new FlushReport.DeadlineEstimate(150_000, 95_000, 60_000, false),
        f.tuning(),
        f.shards().stream()
            .map(
                h ->
                    new FlushReport.Shard(
                        h.nodeId(),
                        h.address(),
                        h.scanned(),
                        h.matched(),
                        0,
                        h.roundTripMs(),
                        h.scanChains(),
                        null))
            .toList(),
        null,
        null,
        null,
        null,
        null);
  }

  /** A flush that never reached Redis: no mode, nothing counted, the reason in the message. */
  static FlushReport failed() {
    FlushReport f = flush();
    return new FlushReport(
        1,
        "flush",
        false,
        "redis://cache.internal:6379",
        null,
        null,
        "failed",
        1,
        "Cannot connect to Redis at redis://cache.internal:6379 after 4 attempts: connection refused",
        f.startedAt(),
        at(9_000),
        9_000,
        null,
        null,
        0,
        0,
        0,
        0,
        0,
        0,
        f.patterns().stream()
            .map(p -> new FlushReport.PatternCount(p.pattern(), 0, 0, List.of()))
            .toList(),
        f.preservePatterns(),
        new FlushReport.Conflicts(0, List.of()),
        List.of(),
        null,
        null,
        f.tuning(),
        List.of(),
        null,
        null,
        null,
        null,
        null);
  }

  static WatchRunReport watch() {
    WatchReport w = flush().watch();
    WatchReport notRecovered =
        new WatchReport(
            "until-hit-rate", 120_000, 10_000, 0.9, 3, "not-recovered", null, null, w.intervals());
    return new WatchRunReport(
        1,
        "watch",
        "redis://cache.internal:6379",
        "standalone",
        "not-recovered",
        3,
        "the hit rate did not reach 90.0% in 3 consecutive intervals within 2m",
        at(22_400),
        at(142_500),
        120_100,
        notRecovered,
        new DatabaseReport(
            "jdbc:postgresql://db.internal:5432/shop",
            "SELECT 1",
            500,
            null,
            new LatencyReport(240, 0, 4.0, 20.0, 25.0),
            null,
            null));
  }

  /** A flush declined at the prompt: connected, counted nothing, deleted nothing. */
  static FlushReport declined() {
    FlushReport f = failed();
    return new FlushReport(
        1,
        "flush",
        false,
        f.target(),
        "standalone",
        null,
        "declined",
        2,
        "Flush declined at the prompt: nothing was deleted",
        f.startedAt(),
        at(4_000),
        4_000,
        null,
        null,
        220_000,
        0,
        0,
        0,
        0,
        0,
        f.patterns(),
        f.preservePatterns(),
        f.conflicts(),
        List.of(),
        null,
        null,
        f.tuning(),
        List.of(),
        null,
        null,
        null,
        null,
        null);
  }

  /** The flush cut short by its deadline: keys matched but not yet sent were not deleted. */
  static FlushReport timeout() {
    FlushReport f = flush();
    return new FlushReport(
        1,
        "flush",
        false,
        f.target(),
        f.mode(),
        null,
        "timeout",
        3,
        "The deadline of 60.0 s was reached: 61,000 of 100,000 matched keys deleted; run it again",
        f.startedAt(),
        at(60_100),
        60_100,
        at(200),
        at(60_000),
        f.dbSize(),
        150_000,
        70_000,
        61_000,
        80_000,
        0,
        f.patterns(),
        f.preservePatterns(),
        f.conflicts(),
        List.of(),
        null,
        null,
        f.tuning(),
        f.shards(),
        new HitRateReport(
            10_000,
            f.hitRate().before(),
            new HitRateReport.Window(
                at(60_200), 10_000, 4_200, 5_800, 0.42, 1_030.0, 121_000, 11.5, 38.0)),
        f.database(),
        null,
        null,
        null);
  }

  /**
   * A watch whose 99.9 % gate failed by a hair: the hit rate sits at 99.5 to 100 %, and no probe
   * ran, so there is no database chart.
   */
  static WatchRunReport failedGate() {
    List<WatchReport.Interval> intervals = new ArrayList<>();
    double[] rates = {0.995, 1.0, 0.998, 1.0, 0.997, 1.0};
    for (int i = 0; i < rates.length; i++) {
      long hits = Math.round(10_000 * rates[i]);
      intervals.add(
          new WatchReport.Interval(
              at(10_000L * (i + 1)),
              10_000,
              hits,
              10_000 - hits,
              rates[i],
              1_000.0,
              120_000,
              null,
              null));
    }
    return new WatchRunReport(
        1,
        "watch",
        "redis://cache.internal:6379",
        "standalone",
        "not-recovered",
        3,
        "the hit rate did not reach 99.9% in 3 consecutive intervals within 1m",
        at(0),
        at(60_100),
        60_100,
        new WatchReport(
            "until-hit-rate", 60_000, 10_000, 0.999, 3, "not-recovered", null, null, intervals),
        null);
  }

  /** The flush without --db-url: hit-rate windows and a watch, no database section. */
  static FlushReport withoutDatabase() {
    FlushReport f = flush();
    HitRateReport.Window before = f.hitRate().before();
    HitRateReport.Window after = f.hitRate().after();
    HitRateReport hitRate =
        new HitRateReport(
            10_000,
            new HitRateReport.Window(
                before.startedAt(),
                before.windowMs(),
                before.hits(),
                before.misses(),
                before.ratio(),
                before.opsPerSecond(),
                before.keys(),
                null,
                null),
            new HitRateReport.Window(
                after.startedAt(),
                after.windowMs(),
                after.hits(),
                after.misses(),
                after.ratio(),
                after.opsPerSecond(),
                after.keys(),
                null,
                null));
    WatchReport w = f.watch();
    WatchReport watch =
        new WatchReport(
            w.condition(),
            w.limitMs(),
            w.intervalMs(),
            w.untilHitRate(),
            w.consecutive(),
            w.outcome(),
            w.recoveredAfterMs(),
            w.message(),
            w.intervals().stream()
                .map(
                    i ->
                        new WatchReport.Interval(
                            i.endedAt(),
                            i.windowMs(),
                            i.hits(),
                            i.misses(),
                            i.hitRate(),
                            i.opsPerSecond(),
                            i.keys(),
                            null,
                            null))
                .toList());
    return new FlushReport(
        f.schemaVersion(),
        f.command(),
        f.dryRun(),
        f.target(),
        f.mode(),
        null,
        f.outcome(),
        f.exitCode(),
        f.message(),
        f.startedAt(),
        f.finishedAt(),
        f.durationMs(),
        f.flushStartedAt(),
        f.flushFinishedAt(),
        f.dbSize(),
        f.keysScanned(),
        f.keysMatched(),
        f.keysDeleted(),
        f.keysPreserved(),
        f.keysUntouched(),
        f.patterns(),
        f.preservePatterns(),
        f.conflicts(),
        f.recoveries(),
        f.verification(),
        f.deadlineEstimate(),
        f.tuning(),
        f.shards(),
        hitRate,
        null,
        watch,
        null,
        null);
  }

  /** A flush of a cache that held one key of each kind. */
  static FlushReport oneKeyEach() {
    FlushReport f = failed();
    return new FlushReport(
        1,
        "flush",
        false,
        f.target(),
        "standalone",
        null,
        "completed",
        0,
        null,
        f.startedAt(),
        at(900),
        900,
        at(0),
        at(900),
        3,
        3,
        1,
        1,
        1,
        1,
        List.of(new FlushReport.PatternCount("mocs:*", 1, 1, List.of("mocs:1"))),
        List.of("sessions:*"),
        new FlushReport.Conflicts(0, List.of()),
        List.of(),
        new FlushReport.Verification(true, 1, 0, List.of(), 1, 1),
        null,
        f.tuning(),
        List.of(new FlushReport.Shard(null, "127.0.0.1:6379", 3, 1, 1, 0.05, 1, 2)),
        null,
        null,
        null,
        null,
        null);
  }

  static String at(long millisAfterStart) {
    return START.plusMillis(millisAfterStart).toString();
  }
}
