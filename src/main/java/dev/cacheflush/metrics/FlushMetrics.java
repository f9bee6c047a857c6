package dev.cacheflush.metrics;

import dev.cacheflush.config.RedisUrl;
import dev.cacheflush.report.DatabaseReport;
import dev.cacheflush.report.HitRateReport;
import dev.cacheflush.report.LatencyReport;
import dev.cacheflush.report.WatchReport;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The metrics a run publishes, every one with the dimensions {@code Target} (host:port[/db] of the
 * cache, never its credentials) and {@code Stage} (--stage). Names and units are documented in
 * docs/metrics.md. Hit rates are percentages, as ElastiCache's CacheHitRate is, so both share an axis.
 */
public final class FlushMetrics {
  public static final String TARGET = "Target";
  public static final String STAGE = "Stage";

  public static final String KEYS_SCANNED = "KeysScanned";
  public static final String KEYS_MATCHED = "KeysMatched";
  public static final String KEYS_DELETED = "KeysDeleted";
  public static final String KEYS_PRESERVED = "KeysPreserved";
  public static final String FLUSH_DURATION = "FlushDuration";
  public static final String HIT_RATE_BEFORE = "HitRateBefore";
  public static final String HIT_RATE_AFTER = "HitRateAfter";
  public static final String HIT_RATE = "HitRate";
  public static final String OPS = "OpsPerSecond";
  public static final String KEYS = "Keys";
  public static final String DB_LATENCY_P50 = "DbLatencyP50";
  public static final String DB_LATENCY_P99 = "DbLatencyP99";
  public static final String DB_BASELINE_P50 = "DbLatencyBaselineP50";
  public static final String DB_BASELINE_P99 = "DbLatencyBaselineP99";
  public static final String DB_DURING_P50 = "DbLatencyDuringP50";
  public static final String DB_DURING_P99 = "DbLatencyDuringP99";
  public static final String DB_SPIKE_RATIO = "DbLatencySpikeRatio";

  private final Map<String, String> dimensions;

  public FlushMetrics(RedisUrl target, String stage) {
    Map<String, String> d = new LinkedHashMap<>();
    d.put(TARGET, targetName(target));
    d.put(STAGE, stage);
    this.dimensions = d;
  }

  /** Where the cache is, without credentials: the primary's name for Sentinel, else host:port, and the db if not 0. */
  static String targetName(RedisUrl url) {
    String where = url.sentinelMaster().orElse(url.firstHost().toString());
    return url.database() == 0 ? where : where + "/" + url.database();
  }

  /** The flush's counts and duration, at the time it finished. */
  public List<Metric> flushed(
      long scanned, long matched, long deleted, long preserved, long durationMs, Instant at) {
    return List.of(
        metric(KEYS_SCANNED, Unit.COUNT, (double) scanned, at, false),
        metric(KEYS_MATCHED, Unit.COUNT, (double) matched, at, false),
        metric(KEYS_DELETED, Unit.COUNT, (double) deleted, at, false),
        metric(KEYS_PRESERVED, Unit.COUNT, (double) preserved, at, false),
        metric(FLUSH_DURATION, Unit.MILLISECONDS, (double) durationMs, at, false));
  }

  /** HitRateBefore or HitRateAfter, at the end of its window; nothing when the window saw no lookups. */
  public List<Metric> hitRate(String name, HitRateReport.Window window) {
    if (window == null || window.ratio() == null) {
      return List.of();
    }
    Instant end = Instant.parse(window.startedAt()).plusMillis(window.windowMs());
    return List.of(metric(name, Unit.PERCENT, window.ratio() * 100, end, false));
  }

  /** One interval of a watch, stored per second so a two-minute watch is more than two points. */
  public List<Metric> interval(WatchReport.Interval interval) {
    Instant at = Instant.parse(interval.endedAt());
    List<Metric> metrics = new ArrayList<>();
    if (interval.hitRate() != null) {
      metrics.add(metric(HIT_RATE, Unit.PERCENT, interval.hitRate() * 100, at, true));
    }
    metrics.add(metric(OPS, Unit.COUNT_PER_SECOND, interval.opsPerSecond(), at, true));
    metrics.add(metric(KEYS, Unit.COUNT, (double) interval.keys(), at, true));
    addIfKnown(metrics, DB_LATENCY_P50, interval.dbP50Ms(), at, true);
    addIfKnown(metrics, DB_LATENCY_P99, interval.dbP99Ms(), at, true);
    return metrics;
  }

  /** The probe's baseline, the time after the flush, and the spike ratio. */
  public List<Metric> database(DatabaseReport database, Instant at) {
    List<Metric> metrics = new ArrayList<>();
    if (database == null) {
      return metrics;
    }
    LatencyReport baseline = database.baseline();
    LatencyReport during = database.during();
    if (baseline != null) {
      addIfKnown(metrics, DB_BASELINE_P50, baseline.p50Ms(), at, false);
      addIfKnown(metrics, DB_BASELINE_P99, baseline.p99Ms(), at, false);
    }
    if (during != null) {
      addIfKnown(metrics, DB_DURING_P50, during.p50Ms(), at, false);
      addIfKnown(metrics, DB_DURING_P99, during.p99Ms(), at, false);
    }
    if (database.spikeRatio() != null) {
      metrics.add(metric(DB_SPIKE_RATIO, Unit.NONE, database.spikeRatio(), at, false));
    }
    return metrics;
  }

  private void addIfKnown(
      List<Metric> metrics, String name, Double value, Instant at, boolean highResolution) {
    if (value != null) {
      metrics.add(metric(name, Unit.MILLISECONDS, value, at, highResolution));
    }
  }

  private Metric metric(String name, Unit unit, double value, Instant at, boolean highResolution) {
    return new Metric(name, unit, value, at, dimensions, highResolution);
  }
}
