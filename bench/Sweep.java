package bench;

import static bench.Stats.COUNTER_COLUMNS;
import static bench.Stats.counters;
import static bench.Stats.fmtMb;
import static bench.Stats.medianOf;
import static bench.Stats.medianWall;
import static bench.Stats.pooled;
import static bench.Stats.spread;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/** bench/run --sweep: one setting varied at a time around the defaults, each point from a fresh fill. */
final class Sweep {
  private final BenchOptions options;
  private final Tools tools;
  private final Runner runner;
  private final PrintStream out;

  /** One setting's value, its command and its runs (without and with the probe). */
  private record Point(
      String axis,
      String value,
      List<String> cmd,
      Map<String, String> env,
      List<Run> runs,
      List<Run> probeRuns) {
    String label() {
      return axis.equals("defaults") ? "defaults" : axis + " " + value;
    }
  }

  Sweep(BenchOptions options, Tools tools, Runner runner, PrintStream out) {
    this.options = options;
    this.tools = tools;
    this.runner = runner;
    this.out = out;
  }

  /** Runs every point, prints the table; 1 if any run was invalid. */
  int run() throws Exception {
    Workload w = Workload.w1(options.scale);
    out.println("workload " + w.describe());
    out.println(
        "sweep: one setting varied at a time around the defaults (--scan-count 500 --batch-size 250"
            + " --max-in-flight 2), "
            + options.sweepRuns
            + " run(s) per point without the probe and one with it, each"
            + " from a fresh fill");
    out.println();
    List<Point> points = points();
    // Round by round over all points, so drift in the machine's load hits every point alike.
    for (int r = 1; r <= options.sweepRuns; r++) {
      for (Point p : points) {
        p.runs().add(runner.measure(p.label(), r, w, p.cmd(), p.env(), false));
      }
    }
    // One more run per point with the probe, for what the setting does to the latency of other
    // clients (not for the ceiling: its EVAL blocks every other client for its whole run).
    for (Point p : points) {
      if (!p.axis().equals("ceiling")) {
        p.probeRuns()
            .add(runner.measure(p.label(), options.sweepRuns + 1, w, p.cmd(), p.env(), true));
      }
    }
    out.println();
    out.println(
        "== sweep results (" + w.describe() + "; load average now " + Machine.loadAvg() + ")");
    out.println(
        "   wall: median [min-max] of the runs without probe; run ms: the report's durationMs (summed over the"
            + " 4 runs for per-pattern), the flush without JVM start; keys/s = flushed keys / run ms; server CPU: redis"
            + " main thread; cmd s: server time in SCAN+UNLINK (commandstats); probe: one more run with the GET loop");
    out.println();
    table(points, w).print(out);
    return points.stream()
            .flatMap(p -> Stream.concat(p.runs().stream(), p.probeRuns().stream()))
            .anyMatch(r -> !r.ok)
        ? 1
        : 0;
  }

  /** The default grid, or the axes given with --axis. */
  private Map<String, List<String>> grid() {
    Map<String, List<String>> grid = new LinkedHashMap<>();
    grid.put("defaults", List.of("-"));
    grid.put("scan-count", List.of("100", "200", "300", "1000", "3000"));
    grid.put("batch-size", List.of("100", "150", "500", "1000", "2000"));
    grid.put("max-in-flight", List.of("1", "4", "8", "16"));
    grid.put("strategy", List.of("single", "per-pattern"));
    grid.put(
        "ceiling", List.of("pass:1000", "pass:10000", "pass:100000", "match:1000", "match:10000"));
    if (!options.axes.isEmpty()) {
      for (String k : options.axes.keySet()) {
        if (!grid.containsKey(k) && !k.equals("args") && !k.equals("java-opts")
            || k.equals("defaults")) {
          throw new IllegalArgumentException(
              "unknown sweep axis " + k + "; one of " + grid.keySet());
        }
      }
      grid.keySet().retainAll(options.axes.keySet());
      grid.putAll(options.axes);
    }
    return grid;
  }

  private List<Point> points() {
    List<Point> points = new ArrayList<>();
    for (Map.Entry<String, List<String>> e : grid().entrySet()) {
      for (String value : e.getValue()) {
        String axis = e.getKey();
        Map<String, String> env =
            axis.equals("java-opts") ? Map.of("CACHEFLUSH_JAVA_OPTS", value.trim()) : Map.of();
        points.add(
            new Point(
                axis, value, command(axis, value), env, new ArrayList<>(), new ArrayList<>()));
      }
    }
    return points;
  }

  private List<String> command(String axis, String value) {
    return switch (axis) {
      case "defaults", "java-opts" -> tools.cacheflush(Workload.FLUSH, List.of());
      case "strategy" -> {
        if (value.equals("single")) {
          yield tools.cacheflush(Workload.FLUSH, List.of());
        } else if (value.equals("per-pattern")) {
          yield tools.perPattern();
        }
        throw new IllegalArgumentException("strategy is single or per-pattern, not " + value);
      }
      case "ceiling" -> {
        String[] mc = value.split(":", -1);
        yield tools.ceiling(mc[0], Integer.parseInt(mc[1]));
      }
      case "args" ->
          tools.cacheflush(
              Workload.FLUSH,
              value.isBlank() ? List.of() : Arrays.asList(value.trim().split("\\s+")));
      default -> tools.cacheflush(Workload.FLUSH, List.of("--" + axis, value));
    };
  }

  private static Table table(List<Point> points, Workload w) {
    List<String> columns =
        new ArrayList<>(List.of("setting", "n", "wall s [min-max]", "run ms", "keys/s"));
    columns.addAll(COUNTER_COLUMNS);
    columns.addAll(List.of("wall with probe", "probe p50/p99/p99.9/max ms", "peak RSS"));
    Table t = new Table(columns);
    for (Point p : points) {
      List<Run> ok = p.runs().stream().filter(r -> r.ok).toList();
      List<Run> pok = p.probeRuns().stream().filter(r -> r.ok).toList();
      String label = p.axis().equals("defaults") ? "defaults (500/250/2)" : p.label();
      if (ok.isEmpty()) {
        t.row(label, "0/" + p.runs().size(), "failed");
        continue;
      }
      boolean hasReport = ok.stream().allMatch(r -> !Double.isNaN(r.reportMs));
      double runMs = hasReport ? medianOf(ok, r -> r.reportMs) : medianOf(ok, r -> r.wallS * 1000);
      List<String> row =
          new ArrayList<>(
              List.of(
                  label,
                  ok.size() == p.runs().size()
                      ? String.valueOf(ok.size())
                      : ok.size() + "/" + p.runs().size(),
                  spread(ok),
                  hasReport ? String.format(Locale.ROOT, "%.0f", runMs) : "-",
                  String.format(Locale.ROOT, "%,.0f", w.flushTotal() / (runMs / 1000))));
      row.addAll(counters(ok));
      row.addAll(
          List.of(
              pok.isEmpty() ? "-" : String.format(Locale.ROOT, "%.2f", medianWall(pok)),
              pok.isEmpty() ? "-" : pooled(pok).short4(),
              p.axis().equals("ceiling") ? "-" : fmtMb(medianOf(ok, r -> (double) r.maxRssKb))));
      t.row(row);
    }
    return t;
  }
}
