package dev.cacheflush.gate;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cacheflush.report.WatchText;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The runbook's gates, checked on the JSON reports: the hit rate of the last intervals of a watch,
 * and the database latency in them against the p50 measured before the flush. A number that is
 * missing (no interval, no lookups, no probe, a probe that failed, no baseline) fails its check
 * with a line saying which: a gate that cannot see passes nothing.
 */
public final class Gate {
  /** One check and its verdict, with the numbers it was decided on. */
  public record Check(String name, boolean passed, String detail) {
    public String line() {
      return (passed ? "passed  " : "FAILED  ") + name + ": " + detail;
    }
  }

  /**
   * @param minHitRate the hit rate each of the last intervals needs (0-1), or null for no hit-rate check
   * @param maxDbSpike how many times the baseline p50 the median of the last intervals' p50s may be, or null
   *     for no database check
   * @param dbSlackMs what the database's p50 may exceed the baseline by whatever the ratio (a fast
   *     database's p50 doubles with a millisecond of noise)
   * @param last how many of the last intervals the checks look at
   */
  public record Thresholds(Double minHitRate, Double maxDbSpike, double dbSlackMs, int last) {}

  private final JsonNode report;
  private final String reportName;
  private final JsonNode baseline;
  private final String baselineName;
  private final Thresholds thresholds;

  private Gate(
      JsonNode report,
      String reportName,
      JsonNode baseline,
      String baselineName,
      Thresholds thresholds) {
    this.report = report;
    this.reportName = reportName;
    this.baseline = baseline;
    this.baselineName = baselineName;
    this.thresholds = thresholds;
  }

  /**
   * @param report a watch report, or a flush report with a watch
   * @param baseline the flush report whose database baseline counts (may be the report itself)
   */
  public static List<Check> check(
      JsonNode report,
      String reportName,
      JsonNode baseline,
      String baselineName,
      Thresholds thresholds) {
    return new Gate(report, reportName, baseline, baselineName, thresholds).checks();
  }

  private List<Check> checks() {
    List<Check> checks = new ArrayList<>();
    JsonNode watch = report.path("watch");
    List<JsonNode> intervals = new ArrayList<>();
    watch.path("intervals").forEach(intervals::add);
    if ("failed".equals(watch.path("outcome").asText())) {
      checks.add(
          new Check(
              "watch",
              false,
              "the watch in "
                  + reportName
                  + " failed: "
                  + watch.path("message").asText("no reason given")));
    }
    int last = thresholds.last();
    boolean enough = intervals.size() >= last;
    List<JsonNode> lastIntervals =
        intervals.subList(Math.max(0, intervals.size() - last), intervals.size());
    String noData =
        "no data: "
            + reportName
            + " has "
            + intervals.size()
            + (intervals.size() == 1 ? " watch interval" : " watch intervals")
            + ", the gate needs the last "
            + last;
    if (thresholds.minHitRate() != null) {
      checks.add(enough ? hitRate(lastIntervals) : new Check("hit rate", false, noData));
    }
    if (thresholds.maxDbSpike() != null) {
      checks.add(enough ? database(lastIntervals) : new Check("database", false, noData));
    }
    return checks;
  }

  private Check hitRate(List<JsonNode> intervals) {
    double min = thresholds.minHitRate();
    List<String> rates = new ArrayList<>();
    boolean passed = true;
    for (JsonNode interval : intervals) {
      JsonNode rate = interval.path("hitRate");
      passed &= rate.isNumber() && rate.asDouble() >= min;
      rates.add(rate.isNumber() ? WatchText.percent(rate.asDouble()) : "n/a (no lookups)");
    }
    return new Check(
        "hit rate",
        passed,
        String.join(", ", rates)
            + " in the last "
            + intervals.size()
            + " intervals; the gate needs "
            + WatchText.percent(min)
            + " or more in each"
            + (passed ? "" : ": not recovered"));
  }

  private Check database(List<JsonNode> intervals) {
    JsonNode database = report.path("database");
    if (!database.isObject()) {
      return new Check(
          "database",
          false,
          "no data: " + reportName + " has no database probe (watched without " + "--db-url)");
    }
    if (database.hasNonNull("error")) {
      return new Check(
          "database",
          false,
          "the probe failed in " + reportName + ": " + database.get("error").asText());
    }
    if (!report.path("target").asText().equals(baseline.path("target").asText())) {
      return new Check(
          "database",
          false,
          reportName
              + " and "
              + baselineName
              + " are of different caches ("
              + report.path("target").asText()
              + ", "
              + baseline.path("target").asText()
              + ")");
    }
    JsonNode before = baseline.path("database");
    if (!before.isObject()) {
      return new Check(
          "database",
          false,
          "no baseline: "
              + baselineName
              + " has no database section (flushed "
              + "without --db-url)");
    }
    JsonNode p50 = before.path("baseline").path("p50Ms");
    if (!p50.isNumber()) {
      return new Check(
          "database",
          false,
          "no baseline: the probe measured nothing before the flush in "
              + baselineName
              + (before.hasNonNull("error") ? " (" + before.get("error").asText() + ")" : ""));
    }
    List<Double> p50s = new ArrayList<>();
    List<String> values = new ArrayList<>();
    for (JsonNode interval : intervals) {
      JsonNode value = interval.path("dbP50Ms");
      if (!value.isNumber()) {
        return new Check(
            "database",
            false,
            "no data: an interval of the last "
                + intervals.size()
                + " in "
                + reportName
                + " has no probe latency");
      }
      p50s.add(value.asDouble());
      values.add(WatchText.ms(value.asDouble()));
    }
    // The median of the intervals' p50s: one interval in which the probe shared a busy host is
    // noise,
    // a database still loaded by the refill is slow in most of them.
    p50s.sort(null);
    double median = p50s.get((p50s.size() + 1) / 2 - 1);
    double base = p50.asDouble();
    double limit = Math.max(thresholds.maxDbSpike() * base, base + thresholds.dbSlackMs());
    boolean passed = median <= limit;
    return new Check(
        "database",
        passed,
        "p50 "
            + String.join(", ", values)
            + " in the last "
            + intervals.size()
            + " intervals, median "
            + WatchText.ms(median)
            + "; the gate allows "
            + WatchText.ms(limit)
            + String.format(
                Locale.ROOT,
                " (%.2f x or +%s of the baseline %s)",
                thresholds.maxDbSpike(),
                WatchText.ms(thresholds.dbSlackMs()),
                WatchText.ms(base))
            + (passed ? "" : ": not settled"));
  }
}
