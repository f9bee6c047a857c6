package dev.cacheflush.report;

import java.util.Locale;

/**
 * The summary's lines for a paced flush (--spread, --db-max-latency): how long the deletion
 * really took against the spread asked for, and what the latency bound decided.
 */
final class PacingText {
  private PacingText() {}

  /** Empty unless --spread or --db-max-latency paced the flush. */
  static String render(FlushReport r) {
    FlushReport.Pacing p = r.pacing();
    if (p == null || (p.spreadMs() == null && p.dbMaxLatencyMs() == null)) {
      return "";
    }
    StringBuilder out = new StringBuilder();
    String took = "deleted in " + TextReport.seconds(p.deletionMs());
    if (p.spreadMs() != null) {
      out.append(
          TextReport.wrap(
              "Paced     ",
              took
                  + " (spread asked: "
                  + TextReport.seconds(p.spreadMs())
                  + ")"
                  + (p.estimatedKeys() == null
                      ? ""
                      : "; planned on an estimate of "
                          + TextReport.keys(p.estimatedKeys())
                          + (p.firstEstimatedKeys().equals(p.estimatedKeys())
                              ? ""
                              : " (" + TextReport.n(p.firstEstimatedKeys()) + " at first)")
                          + String.format(
                              Locale.ROOT, ", %,.0f keys/s", p.plannedKeysPerSecond()))));
    }
    if (p.dbMaxLatencyMs() != null) {
      out.append(
          TextReport.wrap(
              p.spreadMs() == null ? "Paced     " : "          ",
              (p.spreadMs() == null ? took + "; " : "")
                  + "database p99 bound "
                  + p.dbMaxLatencyMs()
                  + " ms: "
                  + count(p.slowdowns(), "slowdown")
                  + ", "
                  + count(p.speedups(), "speedup")
                  + String.format(Locale.ROOT, ", lowest %,.0f keys/s", p.lowestKeysPerSecond())
                  + (p.database() == null
                      ? ""
                      : "; p99 " + WatchText.ms(p.database().p99Ms()) + " while deleting")));
    }
    return out.toString();
  }

  private static String count(int n, String what) {
    return n + " " + what + (n == 1 ? "" : "s");
  }
}
