package dev.cacheflush.report;

import java.util.Locale;

/** The lines the text summary of a flush gets for what was observed around it: hit rate, database, watch. */
public final class ObservationText {
  private ObservationText() {}

  public static String render(FlushReport r) {
    StringBuilder out = new StringBuilder();
    HitRateReport h = r.hitRate();
    if (h != null) {
      out.append(
          TextReport.wrap(
              "Hit rate  ",
              window(h.before())
                  + " before, "
                  + window(h.after())
                  + " after ("
                  + TextReport.seconds(h.windowMs())
                  + " windows)"));
    }
    DatabaseReport d = r.database();
    if (d != null) {
      out.append("Database  ").append(d.url()).append('\n');
      out.append(
          TextReport.wrap(
              "          ",
              "p50 "
                  + p(d.baseline(), true)
                  + " before, "
                  + p(d.during(), true)
                  + " after"
                  + (d.spikeRatio() == null
                      ? ""
                      : String.format(Locale.ROOT, " (x%.2f)", d.spikeRatio()))
                  + "; p99 "
                  + p(d.baseline(), false)
                  + " before, "
                  + p(d.during(), false)
                  + " after"));
      if (d.error() != null) {
        out.append(TextReport.wrap("          ", "probe failed: " + d.error()));
      }
    }
    WatchReport w = r.watch();
    if (w != null) {
      out.append(TextReport.wrap("Watch     ", WatchText.summary(w)));
    }
    return out.toString();
  }

  private static String window(HitRateReport.Window w) {
    if (w == null) {
      return "not measured";
    }
    return WatchText.percent(w.ratio())
        + " of "
        + String.format(Locale.ROOT, "%,d", w.hits() + w.misses())
        + " lookups";
  }

  private static String p(LatencyReport l, boolean median) {
    if (l == null) {
      return "n/a";
    }
    return WatchText.ms(median ? l.p50Ms() : l.p99Ms());
  }
}
