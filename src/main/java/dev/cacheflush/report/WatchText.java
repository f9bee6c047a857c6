package dev.cacheflush.report;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;

/** The watch for people: a header, one line per interval as it ends, and a closing summary. */
public final class WatchText {
  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneOffset.UTC);
  private static final String COLUMNS = "%-8s  %8s  %9s  %9s  %9s  %10s";
  private static final String DB_COLUMNS = "  %9s  %9s";

  private WatchText() {}

  public static String header(boolean db) {
    return String.format(Locale.ROOT, COLUMNS, "UTC", "hit rate", "hits", "misses", "ops/s", "keys")
        + (db ? String.format(Locale.ROOT, DB_COLUMNS, "db p50", "db p99") : "");
  }

  public static String line(WatchReport.Interval i, boolean db) {
    return String.format(
            Locale.ROOT,
            COLUMNS,
            TIME.format(Instant.parse(i.endedAt())),
            percent(i.hitRate()),
            n(i.hits()),
            n(i.misses()),
            n(Math.round(i.opsPerSecond())),
            n(i.keys()))
        + (db ? String.format(Locale.ROOT, DB_COLUMNS, ms(i.dbP50Ms()), ms(i.dbP99Ms())) : "");
  }

  /** One line: how the watch ended. */
  public static String summary(WatchReport w) {
    List<WatchReport.Interval> intervals = w.intervals();
    String last =
        intervals.isEmpty() ? "n/a" : percent(intervals.get(intervals.size() - 1).hitRate());
    String first = intervals.isEmpty() ? "n/a" : percent(intervals.get(0).hitRate());
    return switch (w.outcome()) {
      case "recovered" ->
          String.format(
              Locale.ROOT,
              "recovered: hit rate %s or more in %d consecutive intervals, %.1f s after the watch started",
              percent(w.untilHitRate()),
              w.consecutive(),
              w.recoveredAfterMs() / 1000.0);
      case "not-recovered" ->
          String.format(
              Locale.ROOT,
              "NOT recovered: hit rate did not stay at %s or more for %d consecutive intervals within %.0f s (last %s)",
              percent(w.untilHitRate()),
              w.consecutive(),
              w.limitMs() / 1000.0,
              last);
      case "failed" -> "failed after " + intervals.size() + " intervals: " + w.message();
      case "interrupted" ->
          String.format(
              Locale.ROOT,
              "stopped on request after %d intervals: hit rate %s in the first interval, %s in the last",
              intervals.size(),
              first,
              last);
      default ->
          String.format(
              Locale.ROOT,
              "observed for %.0f s: hit rate %s in the first interval, %s in the last",
              w.limitMs() / 1000.0,
              first,
              last);
    };
  }

  public static String percent(Double ratio) {
    return ratio == null ? "n/a" : String.format(Locale.ROOT, "%.1f%%", ratio * 100);
  }

  public static String ms(Double millis) {
    return millis == null ? "n/a" : String.format(Locale.ROOT, "%.1f ms", millis);
  }

  private static String n(long value) {
    return String.format(Locale.ROOT, "%,d", value);
  }
}
