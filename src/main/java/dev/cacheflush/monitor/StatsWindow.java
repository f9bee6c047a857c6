package dev.cacheflush.monitor;

import dev.cacheflush.report.HitRateReport;
import java.time.Instant;
import java.util.Map;

/** What happened between two snapshots: the hit rate from the counters' deltas, ops/s, and the keys at its end. */
public record StatsWindow(
    Instant startedAt,
    Instant endedAt,
    long windowMs,
    HitRate hitRate,
    double opsPerSecond,
    long keys) {

  public static StatsWindow between(StatsSnapshot from, StatsSnapshot to) {
    long hits = 0;
    long misses = 0;
    long commands = 0;
    for (Map.Entry<String, NodeCounters> entry : to.nodes().entrySet()) {
      NodeCounters before = from.nodes().get(entry.getKey());
      // A node that was not there at the start has no baseline; counting its lifetime totals would
      // swamp the window, so it joins at the next window.
      if (before == null) {
        continue;
      }
      NodeCounters after = entry.getValue();
      hits += delta(before.hits(), after.hits());
      misses += delta(before.misses(), after.misses());
      commands += delta(before.commands(), after.commands());
    }
    long nanos = Math.max(1, to.nanos() - from.nanos());
    return new StatsWindow(
        from.at(),
        to.at(),
        Math.round(nanos / 1e6),
        new HitRate(hits, misses),
        commands * 1e9 / nanos,
        to.keys());
  }

  /**
   * A counter that went down was reset (a restart, CONFIG RESETSTAT); what it counts now is what
   * happened since, the best the window can know.
   */
  private static long delta(long before, long after) {
    return after >= before ? after - before : after;
  }

  public HitRateReport.Window report() {
    return report(null);
  }

  /** @param db the database probe's latencies over the same window, or null without a probe */
  public HitRateReport.Window report(LatencySummary db) {
    return new HitRateReport.Window(
        startedAt.toString(),
        windowMs,
        hitRate.hits(),
        hitRate.misses(),
        hitRate.ratio(),
        Math.round(opsPerSecond * 10) / 10.0,
        keys,
        db == null ? null : db.p50Ms(),
        db == null ? null : db.p99Ms());
  }
}
