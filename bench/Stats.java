package bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

/** Figures over runs (medians, pooled latencies, verdicts) and how the tables write them. */
final class Stats {
  private Stats() {}

  static double medianOf(List<Run> runs, ToDoubleFunction<Run> f) {
    List<Double> v = new ArrayList<>();
    for (Run r : runs) {
      if (r.ok) {
        v.add(f.applyAsDouble(r));
      }
    }
    return median(v);
  }

  static double medianWall(List<Run> runs) {
    return medianOf(runs, r -> r.wallS);
  }

  static double medianRss(List<Run> runs) {
    return medianOf(runs, r -> (double) r.maxRssKb);
  }

  static double median(List<Double> v) {
    if (v.isEmpty()) {
      return Double.NaN;
    }
    double[] a = v.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    return a.length % 2 == 1 ? a[a.length / 2] : (a[a.length / 2 - 1] + a[a.length / 2]) / 2;
  }

  static String stat(List<Double> v, String unit) {
    double min = v.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN);
    double max = v.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
    return String.format(
        Locale.ROOT, "median %.3f %s [%.3f-%.3f], n=%d", median(v), unit, min, max, v.size());
  }

  /**
   * Client CPU (user + sys of the tool's processes) per million keys scanned (the flush's pass and,
   * when on, the verification's: keysScanned of the report and of its verification), JVM start
   * excluded: {@code fixedCpuS}, the CPU of a flush of an empty database (JVM start, client set-up,
   * connect, lock, report, exit), is subtracted from each run; the median over the valid runs.
   */
  static double cpuPerMillion(List<Run> runs, double fixedCpuS) {
    List<Double> v = new ArrayList<>();
    for (Run r : runs) {
      if (r.ok && r.scanned > 0) {
        v.add((r.userS + r.sysS - fixedCpuS) / ((r.scanned + r.verifyScanned) / 1e6));
      }
    }
    return median(v);
  }

  /** The probe's histograms of the valid runs, pooled. */
  static Lat pooled(List<Run> runs) {
    Lat l = new Lat();
    for (Run r : runs) {
      if (r.ok && r.lat != null) {
        l.add(r.lat);
      }
    }
    return l;
  }

  /** The columns of {@link #counters}, in both tables. */
  static final List<String> COUNTER_COLUMNS =
      List.of(
          "server CPU s", "cmd s", "busy", "client CPU s", "SCAN", "UNLINK", "cmds >1ms (worst)");

  /** The server's and the client's counters over the valid runs: their medians, and the slow log. */
  static List<String> counters(List<Run> ok) {
    return List.of(
        String.format(Locale.ROOT, "%.2f", medianOf(ok, r -> r.serverMainCpuS)),
        String.format(Locale.ROOT, "%.2f", medianOf(ok, Run::commandSeconds)),
        String.format(Locale.ROOT, "%.0f%%", 100 * medianOf(ok, r -> r.serverMainCpuS / r.wallS)),
        String.format(Locale.ROOT, "%.2f", medianOf(ok, r -> r.userS + r.sysS)),
        String.format(Locale.ROOT, "%.0f", medianOf(ok, r -> r.calls("scan"))),
        String.format(Locale.ROOT, "%.0f", medianOf(ok, r -> r.calls("unlink"))),
        slow(ok));
  }

  /** SLOWLOG entries over 1 ms, summed over the runs, and the worst one. */
  private static String slow(List<Run> runs) {
    long n = runs.stream().mapToLong(r -> r.slowCount).sum();
    double worst = runs.stream().mapToDouble(r -> r.slowWorstMs).max().orElse(0);
    return n == 0 ? "0" : String.format(Locale.ROOT, "%d (%s)", n, Lat.fmt(worst));
  }

  /** The median of the per-round ratios a/b (runs of the same round ran back to back), as a cross-check. */
  static String paired(List<Run> a, List<Run> b) {
    List<Double> r = new ArrayList<>();
    for (Run x : a) {
      for (Run y : b) {
        if (x.index == y.index && x.ok && y.ok) {
          r.add(x.wallS / y.wallS);
        }
      }
    }
    return r.isEmpty() ? "" : String.format(Locale.ROOT, " (per round: median %.2fx)", median(r));
  }

  static String spread(List<Run> ok) {
    return String.format(
        Locale.ROOT,
        "%.2f [%.2f-%.2f]",
        medianWall(ok),
        ok.stream().mapToDouble(r -> r.wallS).min().orElse(0),
        ok.stream().mapToDouble(r -> r.wallS).max().orElse(0));
  }

  /** PASS/FAIL, or FAIL (no data) when a figure it depends on is missing. */
  static String verdict(boolean pass, double... inputs) {
    for (double d : inputs) {
      if (Double.isNaN(d) || d == 0) {
        return "FAIL (no data)";
      }
    }
    return pass ? "PASS" : "FAIL";
  }

  static String fmtS(double s) {
    return Double.isNaN(s) ? "n/a" : String.format(Locale.ROOT, "%.2f s", s);
  }

  static String fmtMs(double ms) {
    return Double.isNaN(ms) ? "n/a" : Lat.fmt(ms) + " ms";
  }

  static String fmtMb(double kb) {
    return Double.isNaN(kb) || kb <= 0 ? "-" : String.format(Locale.ROOT, "%.0f MB", kb / 1024);
  }

  static String ratio(double r) {
    return Double.isNaN(r) || Double.isInfinite(r) ? "n/a" : String.format(Locale.ROOT, "%.2fx", r);
  }

  static String trim(double d) {
    return d == Math.rint(d) ? String.valueOf((long) d) : String.valueOf(d);
  }
}
