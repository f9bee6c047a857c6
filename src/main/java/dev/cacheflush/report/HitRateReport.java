package dev.cacheflush.report;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * The cache's hit rate in a window right before the flush and in one right after it, from the
 * deltas of INFO stats summed over the read nodes.
 *
 * @param windowMs the configured length of each window (--sample-window)
 * @param after null when the flush did not get to delete (failed or declined)
 */
@JsonPropertyOrder({"windowMs", "before", "after"})
public record HitRateReport(long windowMs, Window before, Window after) {

  /**
   * @param windowMs the window as measured
   * @param ratio hits / (hits + misses), null when there were no lookups
   * @param opsPerSecond commands per second, all commands, the tool's own INFO calls included
   * @param keys DBSIZE summed over the primaries at the end of the window
   * @param dbP50Ms the database probe's p50 over the window, null without a probe or samples
   */
  @JsonPropertyOrder({
    "startedAt",
    "windowMs",
    "hits",
    "misses",
    "ratio",
    "opsPerSecond",
    "keys",
    "dbP50Ms",
    "dbP99Ms"
  })
  public record Window(
      String startedAt,
      long windowMs,
      long hits,
      long misses,
      Double ratio,
      double opsPerSecond,
      long keys,
      Double dbP50Ms,
      Double dbP99Ms) {}
}
