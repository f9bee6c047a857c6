package bench;

import static bench.Stats.cpuPerMillion;
import static bench.Stats.median;
import static bench.Stats.medianOf;
import static bench.Stats.medianWall;
import static bench.Stats.ratio;
import static bench.Stats.spread;
import static bench.Stats.verdict;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The cluster row (issue 15): cacheflush on a local cluster of 3 primaries against the three
 * per-shard server ceilings run at once, in interleaved rounds, each from a fresh fill of the same
 * workload spread over the shards by slot; and cacheflush's client CPU per million keys scanned,
 * JVM start excluded (the CPU of a flush of the empty cluster subtracted).
 */
final class ClusterRow implements AutoCloseable {
  static final String CF = "cacheflush, cluster";
  static final String CEILS = "per-shard ceilings at once";
  static final String CF_TWICE = "cacheflush, cluster, twice the keys";

  private final BenchOptions options;
  private final Tools tools;
  private final Runner runner;
  private final PrintStream out;
  private final Workload w;
  private ClusterUnderTest cluster;
  private final List<Run> cf = new ArrayList<>();
  private final List<Run> ceilings = new ArrayList<>();

  /**
   * Runs on twice the keys, for the CPU a million more keys cost: the figure per million of one
   * workload also carries what grows neither with the keys nor is paid by a flush of the empty
   * cluster (the JIT compiling the data path, the first pages).
   */
  private final List<Run> cfTwice = new ArrayList<>();

  private final Workload twice;

  private final List<Double> emptyCpu = new ArrayList<>();
  private final List<Double> emptyWall = new ArrayList<>();

  ClusterRow(BenchOptions options, Tools tools, Runner runner, PrintStream out, Workload w) {
    this.options = options;
    this.tools = tools;
    this.runner = runner;
    this.out = out;
    this.w = w;
    this.twice = w.times("2x" + w.name(), 2);
  }

  void run() throws Exception {
    cluster = ClusterUnderTest.start(options.work, options.clusterPrimaries);
    out.println(
        "== cluster: "
            + cluster.describe()
            + "; "
            + w.describe()
            + ", each key on the primary of its slot; "
            + options.clusterRuns
            + " interleaved rounds of: cacheflush --no-verify (one URL, finds the shards itself),"
            + " then ceiling.lua pass-each on every primary at once (UNLINK key by key: a script may"
            + " not UNLINK keys of several slots in one call); each from a fresh fill, no probe");
    List<String> flush = tools.cacheflush(cluster.url(), false, Workload.FLUSH, List.of());
    cluster.fill(Workload.scaled("empty", 0));
    for (int i = 0; i < 3; i++) {
      double[] f = runner.fixedCost(flush, Map.of());
      emptyWall.add(f[0]);
      emptyCpu.add(f[2]);
    }
    out.printf(
        Locale.ROOT,
        "   flush of the empty cluster (JVM start, topology, connections, report): wall %s, client CPU %s%n",
        Stats.stat(emptyWall, "s"),
        Stats.stat(emptyCpu, "s"));
    List<String> ceil = tools.clusterCeilings(cluster.ports, options.ceilingCount);
    for (int r = 1; r <= options.clusterRuns; r++) {
      cf.add(runner.measure(new Run(), cluster, CF, r, w, flush, Map.of(), false, true));
      Run c = new Run();
      c.serverSide = true;
      ceilings.add(runner.measure(c, cluster, CEILS, r, w, ceil, Map.of(), false, true));
    }
    out.println(
        "== cluster: cacheflush --no-verify on "
            + twice.describe()
            + ", for the CPU a million more keys cost");
    for (int r = 1; r <= options.clusterRuns; r++) {
      cfTwice.add(
          runner.measure(new Run(), cluster, CF_TWICE, r, twice, flush, Map.of(), false, true));
    }
    if (options.profile && Profile.available()) {
      out.println("== profile: cacheflush --no-verify on the cluster, " + w.name() + ", under JFR");
      new Profile(options, runner, out).run("cacheflush cluster", cluster, w, flush);
    }
  }

  Table table() {
    Table t =
        new Table(
            "cluster row",
            "n",
            "wall s [min-max]",
            "vs ceilings",
            "run ms",
            "server CPU s (3 shards)",
            "cmd s",
            "client CPU s",
            "CPU s / M keys scanned",
            "SCAN",
            "UNLINK",
            "cmds >1ms (worst)");
    double ceil = medianWall(ok(ceilings));
    for (List<Run> runs : List.of(cf, cfTwice, ceilings)) {
      List<Run> ok = ok(runs);
      String name = runs == cf ? CF : runs == cfTwice ? CF_TWICE : CEILS;
      if (ok.isEmpty()) {
        t.row(name, "0/" + runs.size(), "all runs failed");
        continue;
      }
      List<String> c = Stats.counters(ok);
      t.row(
          name,
          ok.size() == runs.size() ? String.valueOf(ok.size()) : ok.size() + "/" + runs.size(),
          spread(ok),
          runs == cfTwice ? "-" : ratio(medianWall(ok) / ceil),
          runs == ceilings
              ? "-"
              : String.format(Locale.ROOT, "%.0f", medianOf(ok, r -> r.reportMs)),
          c.get(0),
          c.get(1),
          c.get(3),
          runs == ceilings
              ? "-"
              : String.format(Locale.ROOT, "%.2f", cpuPerMillion(ok, median(emptyCpu))),
          c.get(4),
          c.get(5),
          c.get(6));
    }
    return t;
  }

  void checks(Table t) {
    double m = medianWall(ok(cf));
    double c = medianWall(ok(ceilings));
    t.row(
        "cluster ("
            + options.clusterPrimaries
            + " primaries, "
            + w.name()
            + "): cacheflush / per-shard ceilings at once",
        ratio(m / c)
            + Stats.paired(cf, ceilings)
            + " ("
            + Stats.fmtS(m)
            + " / "
            + Stats.fmtS(c)
            + ")",
        "<= 1.3x",
        "15",
        verdict(m / c <= 1.3, m, c));
    double cpu = cpuPerMillion(ok(cf), median(emptyCpu));
    t.row(
        "client CPU per million keys scanned, cluster (JVM start excluded)",
        String.format(Locale.ROOT, "%.2f s", cpu),
        "<= 0.5 s",
        "15",
        verdict(cpu <= 0.5, cpu));
    double more = cpuPerMillionMore(ok(cf), ok(cfTwice));
    t.row(
        "client CPU per million keys scanned, cluster, the keys beyond "
            + w.name()
            + ": (CPU at "
            + twice.name()
            + " - CPU at "
            + w.name()
            + ") / keys scanned more",
        String.format(Locale.ROOT, "%.2f s", more),
        "",
        "15",
        "info");
  }

  /**
   * The client CPU (user + sys, medians) that the keys of {@code more} beyond those of {@code base}
   * cost, per million scanned.
   */
  private static double cpuPerMillionMore(List<Run> base, List<Run> more) {
    double cpu = medianOf(more, r -> r.userS + r.sysS) - medianOf(base, r -> r.userS + r.sysS);
    double keys = medianOf(more, r -> r.scanned) - medianOf(base, r -> r.scanned);
    return keys > 0 ? cpu / (keys / 1e6) : Double.NaN;
  }

  private static List<Run> ok(List<Run> runs) {
    return runs.stream().filter(r -> r.ok).toList();
  }

  boolean anyInvalid() {
    return cf.stream().anyMatch(r -> !r.ok)
        || cfTwice.stream().anyMatch(r -> !r.ok)
        || ceilings.stream().anyMatch(r -> !r.ok);
  }

  @Override
  public void close() {
    if (cluster != null) {
      cluster.shutdown();
      cluster = null;
    }
  }
}
