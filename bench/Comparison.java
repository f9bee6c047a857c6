package bench;

import static bench.Stats.COUNTER_COLUMNS;
import static bench.Stats.counters;
import static bench.Stats.cpuPerMillion;
import static bench.Stats.fmtMb;
import static bench.Stats.fmtMs;
import static bench.Stats.fmtS;
import static bench.Stats.median;
import static bench.Stats.medianOf;
import static bench.Stats.medianRss;
import static bench.Stats.medianWall;
import static bench.Stats.paired;
import static bench.Stats.pooled;
import static bench.Stats.ratio;
import static bench.Stats.spread;
import static bench.Stats.stat;
import static bench.Stats.trim;
import static bench.Stats.verdict;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The comparison table (bench/run without --sweep): cacheflush against the server ceiling and the
 * redis-cli baselines, with the probe, the memory runs, JVM start and the launcher what-ifs, then
 * the network rows, the cluster row and the profile runs; checked against the targets of issues 5
 * and 15.
 */
final class Comparison {
  private static final String CF = "cacheflush --no-verify";
  private static final String CF_VERIFY = "cacheflush (verify on)";
  private static final String CEIL = "server ceiling";
  private static final String PIPE = "redis-cli pipeline";
  private static final String XARGS = "redis-cli xargs";
  private static final String WHAT_IF = "cacheflush, no JFR + AppCDS";
  private static final String NO_JFR = "-Dio.lettuce.core.jfr=false";

  private final BenchOptions options;
  private final RedisUnderTest redis;
  private final Tools tools;
  private final Runner runner;
  private final PrintStream out;
  private final Workload w1;
  private final Workload w4;

  /** CACHEFLUSH_JAVA_OPTS of the AppCDS what-if; null when it is not measured. */
  private Map<String, String> cdsEnv;

  private final List<Double> starts = new ArrayList<>();
  private final List<Double> fixed = new ArrayList<>();
  private final List<Double> fixedRun = new ArrayList<>();
  private final List<Double> fixedCpu = new ArrayList<>();
  private final List<Double> noJfrFixed = new ArrayList<>();
  private final List<Double> cdsFixed = new ArrayList<>();
  private final List<Double> cdsStarts = new ArrayList<>();
  private Lat baseline;
  private final List<String> compared = new ArrayList<>();
  private final List<String> timedTools = new ArrayList<>();
  private final Map<String, List<Run>> timed = new LinkedHashMap<>();
  private final Map<String, List<Run>> probed = new LinkedHashMap<>();
  private boolean maxRate;
  private final List<Run> rateRuns = new ArrayList<>();
  private final Lat rateBaseline = new Lat();
  private Run w4run;
  private Network network;
  private ClusterRow cluster;

  Comparison(
      BenchOptions options, RedisUnderTest redis, Tools tools, Runner runner, PrintStream out) {
    this.options = options;
    this.redis = redis;
    this.tools = tools;
    this.runner = runner;
    this.out = out;
    this.w1 = Workload.w1(options.scale);
    this.w4 = Workload.w4(options.scale);
  }

  /** Runs everything, prints the tables; 1 if any run was invalid. */
  int run() throws Exception {
    out.println("workload " + w1.describe());
    if (options.w4) {
      out.println("workload " + w4.describe() + " (memory run)");
    }
    out.println();
    launcherWhatIfs();
    startCosts();
    out.println("== probe baseline (no flush running), " + trim(options.baselineSeconds) + " s");
    double fillS = redis.fill(w1);
    baseline = runner.probeAlone();
    out.printf(
        Locale.ROOT, "   fill %.1f s; %s; load %s%n", fillS, baseline.summary(), Machine.loadAvg());
    maxRate =
        runner
            .exec(List.of(options.launcher, "flush", "--help"), null, 600)
            .stdout()
            .contains("--max-rate");
    timedAndProbeRuns();
    if (maxRate) {
      maxRateRuns();
    }
    if (options.w4) {
      out.println("== memory: cacheflush on " + w4.name() + ", no probe");
      w4run =
          runner.measure(
              "cacheflush " + w4.name(),
              1,
              w4,
              tools.cacheflush(Workload.FLUSH, List.of()),
              Map.of(),
              false);
    }
    if (options.profile && Profile.available()) {
      out.println("== profile: " + CF + " on " + w1.name() + ", under JFR");
      new Profile(options, runner, out)
          .run("cacheflush " + w1.name(), redis, w1, tools.cacheflush(Workload.FLUSH, List.of()));
    }
    if (options.net) {
      network = new Network(options, redis, tools, runner, out, w1);
      Bench.closeOnExit(network);
      network.run();
      network.close();
    }
    if (options.cluster) {
      cluster = new ClusterRow(options, tools, runner, out, w1);
      Bench.closeOnExit(cluster);
      try {
        cluster.run();
      } finally {
        cluster.close();
      }
    }
    out.println();
    out.println("== results (" + w1.describe() + "; load average now " + Machine.loadAvg() + ")");
    out.println(
        "   wall: median [min-max] of the timed runs (no probe); vs ceiling: ratio of medians; server CPU:"
            + " redis main thread; cmd s: time the server spent in the tool's commands (INFO commandstats);"
            + " client CPU: user+sys of the tool's processes; latencies pooled over the probe runs");
    out.println();
    details().print(out);
    if (network != null) {
      out.println();
      out.println(
          "   network: cacheflush --no-verify straight to the server and through the delay proxy;"
              + " vs +0 ms: ratio of wall medians to the proxy at +0; PING rtt: measured before the"
              + " runs; SCAN x added rtt: the time the SCAN calls alone would add if each waited one"
              + " added round trip (one cursor chain); relay CPU: the proxy's relay threads");
      out.println();
      network.table().print(out);
    }
    if (cluster != null) {
      out.println();
      out.println(
          "   cluster: server CPU and cmd s summed over the primaries; CPU s / M keys scanned: (client"
              + " CPU - CPU of a flush of the empty cluster) / keysScanned");
      out.println();
      cluster.table().print(out);
    }
    out.println();
    out.println(
        "   targets: issue 5 (the tool against the redis-cli ways and the server) and issue 15 (at"
            + " network distance and cluster scale); PASS/FAIL on this run's medians; read a FAIL"
            + " close to its target with the load average");
    out.println();
    checks().print(out);
    long invalid = invalidRuns();
    if (invalid > 0) {
      out.println();
      out.println(
          invalid
              + " run(s) gave a wrong or failed result and are left out of the figures; see above.");
    }
    return invalid > 0
            || (network != null && network.anyInvalid())
            || (cluster != null && cluster.anyInvalid())
        ? 1
        : 0;
  }

  /**
   * Launcher what-ifs, through CACHEFLUSH_JAVA_OPTS (the launcher itself unchanged): Lettuce's JFR
   * event recorder off, and that plus an AppCDS archive of the classes a real flush loads.
   */
  private void launcherWhatIfs() throws Exception {
    boolean launcherHasCds =
        Files.readString(Path.of(options.launcher)).contains("SharedArchiveFile");
    if (options.appcds && launcherHasCds) {
      // A JVM cannot dump an archive while it runs on another; the what-if only asks what the
      // launcher already does.
      out.println(
          "== launcher what-if: "
              + NO_JFR
              + " (Lettuce's JFR events off); the AppCDS what-if is skipped,"
              + " as the launcher already uses an archive of its own");
    } else if (options.appcds) {
      Path jsa = options.work.resolve("cacheflush-appcds.jsa");
      out.println(
          "== launcher what-ifs: "
              + NO_JFR
              + " (Lettuce's JFR events off), and that plus AppCDS: an archive"
              + " dumped by a training flush (-XX:ArchiveClassesAtExit), used with -XX:SharedArchiveFile");
      redis.fill(Workload.scaled("train", 0.005));
      Runner.Exec train =
          runner.exec(
              tools.cacheflush(Workload.FLUSH, List.of()),
              Map.of("CACHEFLUSH_JAVA_OPTS", NO_JFR + " -XX:ArchiveClassesAtExit=" + jsa),
              600);
      if (train.exit() != 0 || !Files.exists(jsa)) {
        out.println("   training run failed (exit " + train.exit() + "): " + train.stderr().trim());
      } else {
        out.printf(Locale.ROOT, "   archive %d MB%n", Files.size(jsa) >> 20);
        cdsEnv = Map.of("CACHEFLUSH_JAVA_OPTS", NO_JFR + " -XX:SharedArchiveFile=" + jsa);
      }
    }
  }

  /**
   * JVM start (the launcher's --version, after one unmeasured call: the jar is built, files cached),
   * and the fixed cost: a flush of an empty database (JVM start, client set-up, connect, lock, report,
   * exit), which every run pays whatever the key count; the what-ifs in the same rounds, so a change
   * in the machine's load hits them alike.
   */
  private void startCosts() throws Exception {
    out.println(
        "== JVM start ("
            + options.launcher
            + " --version) and fixed cost (cacheflush flush on an empty"
            + " database), "
            + options.startRuns
            + " rounds");
    redis.call("FLUSHALL", "SYNC");
    List<String> version = List.of(options.launcher, "--version");
    List<String> flush = tools.cacheflush(Workload.FLUSH, List.of());
    for (int i = 0; i < options.startRuns; i++) {
      starts.add(runner.timeOnly(version, Map.of()));
      double[] f = runner.fixedCost(flush, Map.of());
      fixed.add(f[0]);
      fixedRun.add(f[1]);
      fixedCpu.add(f[2]);
      if (options.appcds) {
        noJfrFixed.add(runner.fixedCost(flush, Map.of("CACHEFLUSH_JAVA_OPTS", NO_JFR))[0]);
      }
      if (cdsEnv != null) {
        cdsFixed.add(runner.fixedCost(flush, cdsEnv)[0]);
        cdsStarts.add(runner.timeOnly(version, cdsEnv));
      }
    }
    out.printf(Locale.ROOT, "   --version: %s%n", stat(starts, "s"));
    out.printf(
        Locale.ROOT,
        "   fixed cost: wall %s; its durationMs %s; client CPU %s%n",
        stat(fixed, "s"),
        stat(fixedRun, "ms"),
        stat(fixedCpu, "s"));
    if (!noJfrFixed.isEmpty()) {
      out.printf(Locale.ROOT, "   fixed cost, %s: %s%n", NO_JFR, stat(noJfrFixed, "s"));
    }
    if (!cdsFixed.isEmpty()) {
      out.printf(Locale.ROOT, "   fixed cost, %s + AppCDS: %s%n", NO_JFR, stat(cdsFixed, "s"));
      out.printf(Locale.ROOT, "   --version, %s + AppCDS: %s%n", NO_JFR, stat(cdsStarts, "s"));
    }
  }

  /**
   * Timed runs without the probe (a tight GET loop takes a large share of the server's one thread
   * from a client-side flush but none from the ceiling's EVAL, which blocks it), interleaved round by
   * round so that drift in the machine's load hits every tool alike; then the same with the probe.
   */
  private void timedAndProbeRuns() throws Exception {
    compared.addAll(
        options.cli ? List.of(CF, CF_VERIFY, CEIL, PIPE, XARGS) : List.of(CF, CF_VERIFY, CEIL));
    timedTools.addAll(compared);
    if (cdsEnv != null) {
      timedTools.add(WHAT_IF);
    }
    Map<String, List<String>> commands =
        Map.of(
            CF,
            tools.cacheflush(Workload.FLUSH, List.of()),
            CF_VERIFY,
            tools.cacheflush(redis.url(), true, Workload.FLUSH, List.of()),
            CEIL,
            tools.ceiling("pass", options.ceilingCount),
            PIPE,
            tools.pipeline(),
            XARGS,
            tools.xargs(),
            WHAT_IF,
            tools.cacheflush(Workload.FLUSH, List.of()));
    for (String t : timedTools) {
      timed.put(t, new ArrayList<>());
      probed.put(t, new ArrayList<>());
    }
    int rounds = Math.max(options.runs, options.cli ? options.cliRuns : 0);
    out.println(
        "== timed runs on "
            + w1.name()
            + ", each from a fresh fill, no probe: "
            + options.runs
            + " x cacheflush --no-verify, cacheflush with its verification pass (the default) and"
            + " the server ceiling"
            + (options.cli ? ", " + options.cliRuns + " x each redis-cli baseline" : "")
            + (cdsEnv != null ? ", " + options.runs + " x " + WHAT_IF : ""));
    for (int r = 1; r <= rounds; r++) {
      for (String t : timedTools) {
        if (r <= (t.startsWith("redis-cli") ? options.cliRuns : options.runs)) {
          Map<String, String> env = t.equals(WHAT_IF) ? cdsEnv : Map.of();
          timed.get(t).add(runner.measure(t, r, w1, commands.get(t), env, false));
        }
      }
    }
    out.println(
        "== probe runs on "
            + w1.name()
            + ", each from a fresh fill, the probe's GET loop running: "
            + options.probeRuns
            + " x "
            + CF
            + ", 1 x the ceiling"
            + (options.cli && options.cliProbe ? " and each redis-cli baseline" : ""));
    for (int r = 1; r <= options.probeRuns; r++) {
      for (String t : compared) {
        boolean one = t.equals(CEIL) || (t.startsWith("redis-cli") && options.cliProbe);
        if (r == 1 && one || t.equals(CF)) {
          probed.get(t).add(runner.measure(t, r, w1, commands.get(t), Map.of(), true));
        }
      }
    }
  }

  /**
   * Each --max-rate run is compared with a baseline of its own, measured right before it on the same
   * fresh fill: "at baseline" is a comparison, and this machine's own latency drifts over the minutes
   * between the first baseline and these runs.
   */
  private void maxRateRuns() throws Exception {
    int n = options.quick ? 1 : 2;
    out.println(
        "== --max-rate 100000 on "
            + w1.name()
            + ", "
            + n
            + " runs, probe running, each after "
            + trim(options.baselineSeconds)
            + " s of probe with no flush on the same fill");
    for (int r = 1; r <= n; r++) {
      redis.fill(w1);
      Lat before = runner.probeAlone();
      rateBaseline.add(before);
      out.printf(Locale.ROOT, "   baseline before #%d: %s%n", r, before.summary());
      rateRuns.add(
          runner.measure(
              "cacheflush --max-rate 100000",
              r,
              w1,
              tools.cacheflush(Workload.FLUSH, List.of("--max-rate", "100000")),
              Map.of(),
              true,
              false));
    }
  }

  private Table details() {
    List<String> columns =
        new ArrayList<>(List.of("tool", "n", "wall s [min-max]", "vs ceiling", "run ms"));
    columns.addAll(COUNTER_COLUMNS);
    columns.addAll(
        List.of(
            "CPU s / M keys scanned", "wall with probe", "probe p50/p99/p99.9/max ms", "peak RSS"));
    Table details = new Table(columns);
    double ceilMedian = medianWall(timed.get(CEIL));
    for (String tool : compared) {
      details.row(detailRow(tool, timed.get(tool), probed.get(tool), ceilMedian));
    }
    if (!rateRuns.isEmpty()) {
      details.row(detailRow("cacheflush --max-rate 100000", rateRuns, rateRuns, ceilMedian));
    }
    if (cdsEnv != null) {
      details.row(detailRow(WHAT_IF, timed.get(WHAT_IF), List.of(), ceilMedian));
    }
    if (w4run != null) {
      details.row(detailRow("cacheflush " + w4.name(), List.of(w4run), List.of(), Double.NaN));
    }
    List<String> base = new ArrayList<>(List.of("probe baseline (no flush)", "1"));
    while (base.size() < columns.size() - 2) {
      base.add("-");
    }
    base.add(baseline.short4());
    base.add("-");
    details.row(base);
    return details;
  }

  private List<String> detailRow(
      String tool, List<Run> runs, List<Run> probeRuns, double ceilMedian) {
    List<Run> ok = runs.stream().filter(r -> r.ok).toList();
    List<Run> pok = probeRuns.stream().filter(r -> r.ok).toList();
    if (ok.isEmpty()) {
      return List.of(tool, "0/" + runs.size(), "all runs failed");
    }
    double wall = medianWall(ok);
    boolean hasReport = ok.stream().allMatch(r -> !Double.isNaN(r.reportMs));
    List<String> row =
        new ArrayList<>(
            List.of(
                tool,
                ok.size() == runs.size()
                    ? String.valueOf(ok.size())
                    : ok.size() + "/" + runs.size(),
                spread(ok),
                Double.isNaN(ceilMedian) ? "-" : ratio(wall / ceilMedian),
                hasReport
                    ? String.format(Locale.ROOT, "%.0f", medianOf(ok, r -> r.reportMs))
                    : "-"));
    row.addAll(counters(ok));
    double perM = cpuPerMillion(ok, median(fixedCpu));
    row.addAll(
        List.of(
            Double.isNaN(perM) ? "-" : String.format(Locale.ROOT, "%.2f", perM),
            pok.isEmpty() || pok == ok
                ? "-"
                : String.format(Locale.ROOT, "%.2f (n=%d)", medianWall(pok), pok.size()),
            pok.isEmpty() ? "-" : pooled(pok).short4(),
            tool.startsWith("cacheflush") ? fmtMb(medianOf(ok, r -> (double) r.maxRssKb)) : "-"));
    return row;
  }

  /** Each target of issues 5 and 15, measured, with its verdict. */
  private Table checks() {
    Table t = new Table("check", "measured", "target", "issue", "result");
    double cfMedian = medianWall(timed.get(CF));
    speedChecks(t, cfMedian);
    if (network != null) {
      network.checks(t);
    } else {
      t.row("network rows (+1 ms, +10 ms of round trip)", "n/a: --no-net", "", "15", "n/a");
    }
    cpuChecks(t);
    if (cluster != null) {
      cluster.checks(t);
    } else {
      t.row("cluster row", "n/a: --no-cluster", "", "15", "n/a");
    }
    latencyChecks(t);
    memoryChecks(t);
    rateChecks(t);
    startChecks(t, cfMedian);
    return t;
  }

  private void speedChecks(Table t, double cfMedian) {
    double ceilMedian = medianWall(timed.get(CEIL));
    double verifyMedian = medianWall(timed.get(CF_VERIFY));
    t.row(
        "cacheflush --no-verify wall time on " + w1.name() + " (launcher, JVM start included)",
        fmtS(cfMedian),
        "",
        "",
        "info");
    t.row(
        "server ceiling (one EVAL, SCAN COUNT " + options.ceilingCount + ", UNLINK in Lua)",
        fmtS(ceilMedian),
        "",
        "",
        "info");
    t.row(
        "cacheflush --no-verify / server ceiling",
        ratio(cfMedian / ceilMedian) + paired(timed.get(CF), timed.get(CEIL)),
        "<= 1.25x",
        "5, 15",
        verdict(cfMedian / ceilMedian <= 1.25, cfMedian, ceilMedian));
    t.row(
        "cacheflush with verification (the default) / server ceiling",
        ratio(verifyMedian / ceilMedian)
            + paired(timed.get(CF_VERIFY), timed.get(CEIL))
            + " ("
            + fmtS(verifyMedian)
            + ")",
        "<= 1.6x",
        "15",
        verdict(verifyMedian / ceilMedian <= 1.6, verifyMedian, ceilMedian));
    if (options.cli) {
      double pipeMedian = medianWall(timed.get(PIPE));
      double xargsMedian = medianWall(timed.get(XARGS));
      t.row(
          "redis-cli pipeline / cacheflush --no-verify (times faster)",
          ratio(pipeMedian / cfMedian),
          ">= 4x",
          "5",
          verdict(pipeMedian / cfMedian >= 4, cfMedian, pipeMedian));
      t.row(
          "redis-cli xargs / cacheflush --no-verify (times faster)",
          ratio(xargsMedian / cfMedian),
          "",
          "5",
          "info");
    } else {
      t.row("redis-cli pipeline / cacheflush (times faster)", "n/a: --no-cli", ">= 4x", "5", "n/a");
    }
  }

  private void cpuChecks(Table t) {
    double perM = cpuPerMillion(timed.get(CF), median(fixedCpu));
    t.row(
        "client CPU per million keys scanned, "
            + w1.name()
            + " --no-verify (JVM start excluded: the CPU of a flush of an empty database, "
            + fmtS(median(fixedCpu))
            + ", subtracted)",
        String.format(Locale.ROOT, "%.2f s", perM),
        "<= 0.5 s",
        "15",
        verdict(perM <= 0.5, perM));
  }

  private void latencyChecks(Table t) {
    Lat cfLat = pooled(probed.get(CF));
    t.row(
        "probe during cacheflush: p50 / p99",
        fmtMs(cfLat.pct(0.5)) + " / " + fmtMs(cfLat.pct(0.99)),
        "",
        "",
        "info");
    t.row(
        "probe during cacheflush: p99.9 (no-flush baseline in this run: "
            + fmtMs(baseline.pct(0.999))
            + ")",
        fmtMs(cfLat.pct(0.999))
            + " = "
            + ratio(cfLat.pct(0.999) / baseline.pct(0.999))
            + " the baseline",
        "<= 2 ms",
        "5, 15",
        verdict(cfLat.count > 0 && cfLat.pct(0.999) <= 2.0, cfLat.count));
    t.row(
        "probe during cacheflush: max",
        fmtMs(cfLat.max),
        "<= 20 ms",
        "5, 15",
        verdict(cfLat.count > 0 && cfLat.max <= 20.0, cfLat.count));
    t.row(
        "probe baseline, no flush: p50 / p99.9 / max",
        fmtMs(baseline.pct(0.5)) + " / " + fmtMs(baseline.pct(0.999)) + " / " + fmtMs(baseline.max),
        "",
        "",
        "info");
  }

  private void memoryChecks(Table t) {
    double rss1 = medianRss(timed.get(CF));
    t.row(
        "peak RSS of cacheflush, " + w1.name(),
        fmtMb(rss1),
        "< 200 MB",
        "5, 15",
        verdict(rss1 < 200 * 1024, rss1));
    if (w4run != null && w4run.ok) {
      double rss4 = w4run.maxRssKb;
      t.row(
          "peak RSS of cacheflush, " + w4.name(),
          fmtMb(rss4),
          "< 200 MB",
          "5, 15",
          verdict(rss4 < 200 * 1024, rss4));
      t.row(
          "peak RSS " + w4.name() + " / " + w1.name(),
          ratio(rss4 / rss1),
          "<= 1.10x",
          "5, 15",
          verdict(rss4 / rss1 <= 1.10, rss1, rss4));
    } else {
      t.row(
          "peak RSS " + w4.name() + " / " + w1.name(),
          options.w4 ? "run failed" : "n/a: --no-w4",
          "<= 1.10x",
          "5, 15",
          options.w4 ? "FAIL" : "n/a");
    }
  }

  private void rateChecks(Table t) {
    if (!maxRate) {
      t.row(
          "--max-rate 100000: keys deleted per second",
          "n/a: not implemented",
          "90,000-110,000",
          "5",
          "n/a");
      t.row(
          "--max-rate 100000: probe p99.9 vs baseline",
          "n/a: not implemented",
          "at baseline",
          "5",
          "n/a");
      return;
    }
    double rate = medianOf(rateRuns, r -> r.deleted / (r.reportMs / 1000.0));
    Lat rl = pooled(rateRuns);
    double base = rateBaseline.pct(0.999);
    double bound = Math.max(1.5 * base, base + 0.1);
    t.row(
        "--max-rate 100000: keys deleted per second",
        String.format(Locale.ROOT, "%,.0f", rate),
        "90,000-110,000",
        "5",
        verdict(rate >= 90_000 && rate <= 110_000, rate));
    t.row(
        "--max-rate 100000: probe p99.9 vs its baselines",
        fmtMs(rl.pct(0.999)) + " (baselines right before: " + fmtMs(base) + ")",
        "<= " + fmtMs(bound),
        "5",
        verdict(rl.count > 0 && rateBaseline.count > 0 && rl.pct(0.999) <= bound, rl.count));
  }

  private void startChecks(Table t, double cfMedian) {
    double start = median(starts);
    double overhead = medianOf(timed.get(CF), r -> r.wallS - r.reportMs / 1000.0);
    t.row(
        "JVM start (--version) and its share of cacheflush " + w1.name(),
        String.format(Locale.ROOT, "%.2f s = %.0f %%", start, 100 * start / cfMedian),
        "",
        "",
        "info");
    t.row(
        "cacheflush wall minus the report's durationMs",
        String.format(Locale.ROOT, "%.2f s = %.0f %%", overhead, 100 * overhead / cfMedian),
        "",
        "",
        "info");
    t.row(
        "fixed cost: flush of an empty database, and its share of cacheflush " + w1.name(),
        String.format(
            Locale.ROOT,
            "%.2f s = %.0f %% (durationMs %.0f; client CPU %.2f s)",
            median(fixed),
            100 * median(fixed) / cfMedian,
            median(fixedRun),
            median(fixedCpu)),
        "",
        "",
        "info");
    if (!noJfrFixed.isEmpty()) {
      t.row("what-if " + NO_JFR + ": fixed cost", fmtS(median(noJfrFixed)), "", "", "info");
    }
    if (cdsEnv != null) {
      t.row(
          "what-if " + NO_JFR + " + AppCDS: --version / fixed cost",
          fmtS(median(cdsStarts)) + " / " + fmtS(median(cdsFixed)),
          "",
          "",
          "info");
      double cdsMedian = medianWall(timed.get(WHAT_IF));
      double ceilMedian = medianWall(timed.get(CEIL));
      t.row(
          "what-if " + NO_JFR + " + AppCDS: cacheflush " + w1.name() + " / server ceiling",
          fmtS(cdsMedian)
              + " = "
              + ratio(cdsMedian / ceilMedian)
              + paired(timed.get(WHAT_IF), timed.get(CEIL)),
          "<= 1.25x",
          "5",
          "info");
    }
  }

  private long invalidRuns() {
    long invalid = 0;
    for (String tool : timedTools) {
      invalid += timed.get(tool).stream().filter(r -> !r.ok).count();
      invalid += probed.get(tool).stream().filter(r -> !r.ok).count();
    }
    return invalid + rateRuns.stream().filter(r -> !r.ok).count();
  }
}
