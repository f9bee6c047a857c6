package dev.cacheflush.report;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;

/**
 * The hit rate interval by interval after a flush, and whether it came back.
 *
 * @param condition {@code for} (observe for limitMs) or {@code until-hit-rate}
 * @param outcome {@code observed} (ran for its time), {@code recovered}, {@code not-recovered} or {@code failed}
 * @param recoveredAfterMs from the start of the watch to the end of the interval that completed the
 *     consecutive run, null unless recovered
 * @param message why the watch failed, or null
 */
@JsonPropertyOrder({
  "condition",
  "limitMs",
  "intervalMs",
  "untilHitRate",
  "consecutive",
  "outcome",
  "recoveredAfterMs",
  "message",
  "intervals"
})
public record WatchReport(
    String condition,
    long limitMs,
    long intervalMs,
    Double untilHitRate,
    Integer consecutive,
    String outcome,
    Long recoveredAfterMs,
    String message,
    List<Interval> intervals) {

  /**
   * One interval.
   *
   * @param hitRate the ratio over the interval, null without lookups
   * @param dbP50Ms the database probe's p50 over the interval, null without a probe or samples
   */
  @JsonPropertyOrder({
    "endedAt",
    "windowMs",
    "hits",
    "misses",
    "hitRate",
    "opsPerSecond",
    "keys",
    "dbP50Ms",
    "dbP99Ms"
  })
  public record Interval(
      String endedAt,
      long windowMs,
      long hits,
      long misses,
      Double hitRate,
      double opsPerSecond,
      long keys,
      Double dbP50Ms,
      Double dbP99Ms) {}
}
