package dev.cacheflush.report;

import java.util.Locale;

/** The lines the text summary of a flush gets for what was observed around it: hit rate, database, watch. */
public final class ObservationText {
  private ObservationText() {}

  public static String render(FlushReport r) {
    StringBuilder out = new StringBuilder();
    HitRateReport h = r.hitRate();
    if (h != null) {
      out.append("Hit rate  ").append(window(h.before())).append(" before, ").append(window(h.after()))
          .append(" after (").append(TextReport.seconds(h.windowMs())).append(" windows)\n");
    }
    DatabaseReport d = r.database();
    if (d != null) {
      out.append("Database  ").append(d.url()).append('\n');
      out.append("          p50 ").append(p(d.baseline(), true)).append(" before, ").append(p(d.during(), true))
          .append(" after");
      if (d.spikeRatio() != null) {
        out.append(String.format(Locale.ROOT, " (x%.2f)", d.spikeRatio()));
      }
      out.append("; p99 ").append(p(d.baseline(), false)).append(" before, ").append(p(d.during(), false))
          .append(" after\n");
      if (d.error() != null) {
        out.append("          probe failed: ").append(d.error()).append('\n');
      }
    }
    WatchReport w = r.watch();
    if (w != null) {
      out.append("Watch     ").append(WatchText.summary(w)).append('\n');
    }
    return out.toString();
  }

  private static String window(HitRateReport.Window w) {
    if (w == null) {
      return "not measured";
    }
    return WatchText.percent(w.ratio()) + " of " + String.format(Locale.ROOT, "%,d", w.hits() + w.misses())
        + " lookups";
  }

  private static String p(LatencyReport l, boolean median) {
    if (l == null) {
      return "n/a";
    }
    return WatchText.ms(median ? l.p50Ms() : l.p99Ms());
  }
}
