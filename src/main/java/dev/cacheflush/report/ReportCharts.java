package dev.cacheflush.report;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Lays a report's measurements on one time line, in seconds since the run started: each window or
 * watch interval is a point at its middle (the value is its average over that stretch), and the
 * flush is a band from the answer at the prompt to the end of the run's deleting.
 */
final class ReportCharts {
  static final String HIT_RATE_COLOUR = "#2563eb";
  static final String P50_COLOUR = "#059669";
  static final String P99_COLOUR = "#d97706";

  private final Instant origin;

  private ReportCharts(Instant origin) {
    this.origin = origin;
  }

  static List<SvgChart.Chart> forFlush(FlushReport r) {
    return new ReportCharts(Instant.parse(r.startedAt())).flush(r);
  }

  /**
   * The time axis starts where the first interval does: connecting and the database's first answer
   * come before it, and on a busy host would push a short watch into a corner of the chart.
   */
  static List<SvgChart.Chart> forWatch(WatchRunReport r) {
    List<WatchReport.Interval> intervals = r.watch().intervals();
    Instant origin =
        intervals.isEmpty()
            ? Instant.parse(r.startedAt())
            : Instant.parse(intervals.get(0).endedAt()).minusMillis(intervals.get(0).windowMs());
    return new ReportCharts(origin).watch(r);
  }

  private List<SvgChart.Chart> flush(FlushReport r) {
    HitRateReport h = r.hitRate();
    WatchReport w = r.watch();
    DatabaseReport d = r.database();
    // The flush's own time: not the wait at the prompt before it, nor the window and watch after
    // it.
    double flushFrom =
        r.flushStartedAt() != null
            ? seconds(Instant.parse(r.flushStartedAt()))
            : h != null && h.before() != null
                ? start(h.before()) + h.before().windowMs() / 1000.0
                : 0;
    double flushTo =
        seconds(Instant.parse(r.flushFinishedAt() != null ? r.flushFinishedAt() : r.finishedAt()));
    List<SvgChart.Band> bands = List.of(new SvgChart.Band("flush", flushFrom, flushTo));

    List<SvgChart.Point> hit = new ArrayList<>();
    List<SvgChart.Point> p50 = new ArrayList<>();
    List<SvgChart.Point> p99 = new ArrayList<>();
    // What was measured before the flush and what after it are two stretches: a line joining them
    // would draw the fall as if it began before the flush, so each series has a gap at the band.
    SvgChart.Point gap = new SvgChart.Point((flushFrom + flushTo) / 2, null);
    boolean windowLatency = false;
    if (h != null) {
      HitRateReport.Window[] windows = {h.before(), h.after()};
      for (int i = 0; i < windows.length; i++) {
        HitRateReport.Window window = windows[i];
        if (window != null) {
          double x = start(window) + window.windowMs() / 2000.0;
          hit.add(new SvgChart.Point(x, percent(window.ratio())));
          if (d != null) {
            p50.add(new SvgChart.Point(x, window.dbP50Ms()));
            p99.add(new SvgChart.Point(x, window.dbP99Ms()));
            windowLatency |= window.dbP50Ms() != null;
          }
        }
        if (i == 0) {
          hit.add(gap);
          p50.add(gap);
          p99.add(gap);
        }
      }
    }
    boolean intervals = w != null && !w.intervals().isEmpty();
    if (d != null && !windowLatency) {
      // Without windows there is only the probe's summary: the queries before the flush, and those
      // after it when no watch shows them interval by interval.
      p50.clear();
      p99.clear();
      if (d.baseline() != null) {
        p50.add(new SvgChart.Point(flushFrom / 2, d.baseline().p50Ms()));
        p99.add(new SvgChart.Point(flushFrom / 2, d.baseline().p99Ms()));
      }
      p50.add(gap);
      p99.add(gap);
      if (!intervals && d.during() != null) {
        p50.add(new SvgChart.Point(flushTo, d.during().p50Ms()));
        p99.add(new SvgChart.Point(flushTo, d.during().p99Ms()));
      }
    }
    if (intervals) {
      addIntervals(w, hit, p50, p99);
    }
    double end = flushTo;
    if (h != null && h.after() != null) {
      end = Math.max(end, start(h.after()) + h.after().windowMs() / 1000.0);
    }
    if (intervals) {
      end =
          Math.max(
              end, seconds(Instant.parse(w.intervals().get(w.intervals().size() - 1).endedAt())));
    }
    return charts(end, hit, p50, p99, bands, w);
  }

  private List<SvgChart.Chart> watch(WatchRunReport r) {
    List<SvgChart.Point> hit = new ArrayList<>();
    List<SvgChart.Point> p50 = new ArrayList<>();
    List<SvgChart.Point> p99 = new ArrayList<>();
    addIntervals(r.watch(), hit, p50, p99);
    return charts(seconds(Instant.parse(r.finishedAt())), hit, p50, p99, List.of(), r.watch());
  }

  private void addIntervals(
      WatchReport w, List<SvgChart.Point> hit, List<SvgChart.Point> p50, List<SvgChart.Point> p99) {
    for (WatchReport.Interval i : w.intervals()) {
      double x = seconds(Instant.parse(i.endedAt())) - i.windowMs() / 2000.0;
      hit.add(new SvgChart.Point(x, percent(i.hitRate())));
      p50.add(new SvgChart.Point(x, i.dbP50Ms()));
      p99.add(new SvgChart.Point(x, i.dbP99Ms()));
    }
  }

  private static List<SvgChart.Chart> charts(
      double end,
      List<SvgChart.Point> hit,
      List<SvgChart.Point> p50,
      List<SvgChart.Point> p99,
      List<SvgChart.Band> bands,
      WatchReport w) {
    List<SvgChart.Chart> charts = new ArrayList<>();
    if (measured(hit)) {
      List<SvgChart.Threshold> gate =
          w != null && w.untilHitRate() != null
              ? List.of(
                  new SvgChart.Threshold(
                      "gate " + exactPercent(w.untilHitRate()), w.untilHitRate() * 100))
              : List.of();
      charts.add(
          new SvgChart.Chart(
              "hit-rate-chart",
              "Cache hit rate",
              end,
              List.of(new SvgChart.Series("hit rate", HIT_RATE_COLOUR, hit)),
              bands,
              gate,
              100.0,
              v -> String.format(Locale.ROOT, "%.0f%%", v)));
    }
    if (measured(p50) || measured(p99)) {
      charts.add(
          new SvgChart.Chart(
              "db-latency-chart",
              "Database query latency (probe)",
              end,
              List.of(
                  new SvgChart.Series("p50", P50_COLOUR, p50),
                  new SvgChart.Series("p99", P99_COLOUR, p99)),
              bands,
              List.of(),
              null,
              ReportCharts::milliseconds));
    }
    return charts;
  }

  /** The section's heading names what its charts show, and nothing they do not. */
  static String heading(List<SvgChart.Chart> charts) {
    boolean hit = charts.stream().anyMatch(c -> c.id().equals("hit-rate-chart"));
    boolean db = charts.stream().anyMatch(c -> c.id().equals("db-latency-chart"));
    return hit && db ? "Hit rate and database latency" : hit ? "Hit rate" : "Database latency";
  }

  /** A ratio as a percentage with every digit it has: a 0.999 gate is 99.9 %, not a rounded 100 %. */
  static String exactPercent(double ratio) {
    return new BigDecimal(Double.toString(ratio))
            .movePointRight(2)
            .stripTrailingZeros()
            .toPlainString()
        + "%";
  }

  private static boolean measured(List<SvgChart.Point> points) {
    return points.stream().anyMatch(p -> p.y() != null);
  }

  private double start(HitRateReport.Window window) {
    return seconds(Instant.parse(window.startedAt()));
  }

  private double seconds(Instant at) {
    return Duration.between(origin, at).toMillis() / 1000.0;
  }

  private static Double percent(Double ratio) {
    return ratio == null ? null : ratio * 100;
  }

  private static String milliseconds(double v) {
    return new BigDecimal(v).setScale(2, RoundingMode.HALF_UP).stripTrailingZeros().toPlainString()
        + " ms";
  }
}
