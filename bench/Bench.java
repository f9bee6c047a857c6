import java.io.BufferedInputStream;
import java.io.BufferedReader;
import java.io.Closeable;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.Writer;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The cacheflush benchmark (issue 5). Run it through bench/run, which checks the prerequisites,
 * builds the jar and cleans up; see bench/README.md for what it measures and how.
 *
 * <p>A single source file (Java 17 source-file mode): no build step, no dependency.
 */
public final class Bench {
  // ---------------------------------------------------------------- the workload

  static final List<String> FLUSH = List.of("mocs:*", "gallery:*", "wishlist:*", "albums:*");
  static final List<String> PRESERVE = List.of("sessions:*", "ratelimit:*", "user-profiles:*");

  record Family(String prefix, long count, boolean flush) {}

  /** W1: 2,000,000 keys, 100-byte values; 1,000,000 to flush, 1,000,000 to keep. */
  static final Family[] W1 = {
    new Family("mocs", 400_000, true),
    new Family("gallery", 300_000, true),
    new Family("wishlist", 200_000, true),
    new Family("albums", 100_000, true),
    new Family("sessions", 400_000, false),
    new Family("ratelimit", 300_000, false),
    new Family("user-profiles", 300_000, false),
  };

  record Workload(String name, Family[] families) {
    static Workload scaled(String name, double factor) {
      Family[] f = new Family[W1.length];
      for (int i = 0; i < W1.length; i++) {
        f[i] = new Family(W1[i].prefix(), Math.round(W1[i].count() * factor), W1[i].flush());
      }
      return new Workload(name, f);
    }

    long total() {
      return Arrays.stream(families).mapToLong(Family::count).sum();
    }

    long flushTotal() {
      return Arrays.stream(families).filter(Family::flush).mapToLong(Family::count).sum();
    }

    long keepTotal() {
      return total() - flushTotal();
    }

    String describe() {
      return String.format(Locale.ROOT, "%s = %,d keys (%,d to flush, %,d to keep), 100-byte values", name, total(),
          flushTotal(), keepTotal());
    }
  }

  // ---------------------------------------------------------------- options

  Path root;
  Path work;
  boolean quick;
  boolean sweep;
  boolean cli = true;
  boolean appcds = true;
  boolean w4 = true;
  double scale = 1.0;
  int runs = 5;
  int cliRuns = 3;
  int sweepRuns = 2;
  int probeRuns = 3;
  int startRuns = 5;
  double baselineSeconds = 5;
  int ceilingCount = 1_000;
  String launcher;
  List<String> cacheflushArgs = new ArrayList<>();
  /** CACHEFLUSH_JAVA_OPTS for every cacheflush run (the launcher appends it to its own JVM flags). */
  String javaOpts = System.getenv().getOrDefault("CACHEFLUSH_JAVA_OPTS", "");
  Map<String, List<String>> axes = new LinkedHashMap<>();
  long runTimeoutSeconds = 1800;

  // ---------------------------------------------------------------- state

  PrintStream out;
  Process redis;
  int port;
  Resp admin;
  Probe probe;
  volatile Process current;
  volatile boolean stopping;
  volatile boolean finished;
  String probeKey = "sessions:1";
  final List<String> loads = new ArrayList<>();

  public static void main(String[] args) throws Exception {
    Bench b = new Bench();
    try {
      b.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println("bench: " + e.getMessage());
      System.err.println(USAGE);
      System.exit(2);
    }
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      b.stopping = true;
      if (!b.finished) {
        System.err.println("bench: stopped; shutting down its redis-server and the probe");
      }
      b.cleanup();
    }, "cleanup"));
    int code;
    try {
      code = b.run();
    } catch (Exception e) {
      // Ctrl-C reaches the tool being measured too, so its failure may come first: wait for the hook.
      Thread.sleep(300);
      if (b.stopping) {
        return;
      }
      System.err.println("bench: failed: " + e);
      e.printStackTrace();
      code = 1;
    }
    b.finished = true;
    b.cleanup();
    System.exit(code);
  }

  static final String USAGE = """
      usage: bench/run [--quick] [--sweep] [options]
        --quick               W1/10 (200,000 keys), fewer runs: a fast look (about 2-3 minutes)
        --sweep               sweep --scan-count, --batch-size, --max-in-flight and the scan strategy
                              instead of the comparison table
        --scale F             W1 multiplied by F (W4 is 4x that); --quick means --scale 0.1
        --runs N              runs of cacheflush and of the server ceiling (default 5; quick 3)
        --cli-runs N          runs of each redis-cli baseline (default 3; quick 2)
        --probe-runs N        runs of cacheflush with the latency probe (default 3; quick 2); the
                              other tools get one probe run each
        --no-cli              skip the redis-cli baselines (their target rows then read n/a)
        --no-w4               skip the W4 memory run
        --no-appcds           skip the launcher what-ifs (Lettuce JFR off, AppCDS)
        --sweep-runs N        runs per sweep point (default 2; quick 1)
        --axis NAME=V1,V2,..  sweep only these values of NAME (scan-count, batch-size, max-in-flight,
                              strategy=single|per-pattern, ceiling=pass:COUNT|match:COUNT), or
                              args=FLAGS;FLAGS;.. (cacheflush flags per point) or
                              java-opts=FLAGS;FLAGS;.. (CACHEFLUSH_JAVA_OPTS per point); repeatable
        --ceiling-count N     SCAN COUNT of the server-ceiling script (default 1000: the fastest in
                              the sweep; Lua pays for large pages)
        --cacheflush PATH     the launcher to measure (default: bin/cacheflush of this checkout)
        --cacheflush-args S   extra arguments for every cacheflush run, e.g. "--batch-size 1000"
        --java-opts S         JVM flags for every cacheflush run, appended to the launcher's own (they
                              win): CACHEFLUSH_JAVA_OPTS, e.g. "-Xmx64m" or "-XX:TieredStopAtLevel=4"
      """;

  void parse(String[] args) {
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      String v = i + 1 < args.length ? args[i + 1] : null;
      switch (a) {
        case "--root" -> root = Path.of(need(a, v)).toAbsolutePath();
        case "--work" -> work = Path.of(need(a, v)).toAbsolutePath();
        case "--quick" -> quick = true;
        case "--sweep" -> sweep = true;
        case "--no-cli" -> cli = false;
        case "--no-w4" -> w4 = false;
        case "--no-appcds" -> appcds = false;
        case "--scale" -> scale = Double.parseDouble(need(a, v));
        case "--runs" -> runs = Integer.parseInt(need(a, v));
        case "--cli-runs" -> cliRuns = Integer.parseInt(need(a, v));
        case "--sweep-runs" -> sweepRuns = Integer.parseInt(need(a, v));
        case "--probe-runs" -> probeRuns = Integer.parseInt(need(a, v));
        case "--ceiling-count" -> ceilingCount = Integer.parseInt(need(a, v));
        case "--cacheflush" -> launcher = Path.of(need(a, v)).toAbsolutePath().toString();
        case "--cacheflush-args" -> cacheflushArgs.addAll(Arrays.asList(need(a, v).trim().split("\\s+")));
        case "--java-opts" -> javaOpts = need(a, v).trim();
        case "--axis" -> {
          String[] kv = need(a, v).split("=", 2);
          if (kv.length != 2) {
            throw new IllegalArgumentException("--axis wants NAME=V1,V2,...");
          }
          // Free-form values (flags that may hold commas) are separated by ';'.
          axes.put(kv[0], Arrays.asList(kv[1].split(kv[0].equals("args") || kv[0].equals("java-opts") ? ";" : ",")));
        }
        case "-h", "--help" -> {
          System.out.println(USAGE);
          System.exit(0);
        }
        default -> throw new IllegalArgumentException("unknown option " + a);
      }
      if (Set.of("--root", "--work", "--scale", "--runs", "--cli-runs", "--sweep-runs", "--probe-runs", "--ceiling-count",
          "--cacheflush", "--cacheflush-args", "--java-opts", "--axis").contains(a)) {
        i++;
      }
    }
    cacheflushArgs.removeIf(String::isEmpty);
    if (root == null || work == null) {
      throw new IllegalArgumentException("--root and --work are set by bench/run");
    }
    if (quick) {
      boolean scaleGiven = Arrays.asList(args).contains("--scale");
      if (!scaleGiven) {
        scale = 0.1;
      }
      if (!Arrays.asList(args).contains("--runs")) {
        runs = 3;
      }
      if (!Arrays.asList(args).contains("--cli-runs")) {
        cliRuns = 2;
      }
      if (!Arrays.asList(args).contains("--sweep-runs")) {
        sweepRuns = 1;
      }
      startRuns = 3;
      if (!Arrays.asList(args).contains("--probe-runs")) {
        probeRuns = 2;
      }
      baselineSeconds = 3;
    }
    if (launcher == null) {
      launcher = root.resolve("bin/cacheflush").toString();
    }
  }

  static String need(String option, String value) {
    if (value == null) {
      throw new IllegalArgumentException(option + " needs a value");
    }
    return value;
  }

  // ---------------------------------------------------------------- main flow

  int run() throws Exception {
    Files.createDirectories(root.resolve("target/bench"));
    String stamp = ZonedDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
    Path log = root.resolve("target/bench/" + (sweep ? "sweep-" : "bench-") + stamp + ".txt");
    out = new PrintStream(new Tee(System.out, new FileOutputStream(log.toFile())), true, StandardCharsets.UTF_8);

    startRedis();
    header();
    probeKey = "sessions:1";
    probe = new Probe(port, probeKey);
    int code = sweep ? sweepMain() : benchMain();
    out.println();
    out.println("load average at the end: " + loadAvg());
    out.println("output saved in " + root.relativize(log));
    return code;
  }

  void header() throws Exception {
    Map<String, String> server = info("server");
    out.println("cacheflush benchmark" + (sweep ? " sweep" : "") + (quick ? " (--quick)" : "") + ", "
        + ZonedDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'")));
    out.println("machine: " + Runtime.getRuntime().availableProcessors() + " CPUs (" + cpuModel() + "), "
        + memTotal() + " RAM, Linux " + read("/proc/sys/kernel/osrelease").trim());
    out.println("redis " + server.get("redis_version") + " (" + info("memory").get("mem_allocator") + "), java "
        + System.getProperty("java.version") + " (" + System.getProperty("java.vm.name") + ")");
    out.println("cacheflush: " + launcher + (cacheflushArgs.isEmpty() ? "" : " + " + String.join(" ", cacheflushArgs))
        + (javaOpts.isEmpty() ? "" : " with CACHEFLUSH_JAVA_OPTS=\"" + javaOpts + "\"") + "  (" + cacheflushVersion()
        + ")");
    out.println("load average at the start: " + loadAvg() + "   (2 busy cores = 2.00; above that, numbers are noisy)");
    out.println("redis-server on 127.0.0.1:" + port + ", no persistence; probe: GET " + probeKey
        + " in a tight loop, one connection, one request outstanding");
  }

  String cacheflushVersion() throws Exception {
    Exec e = exec(List.of(launcher, "--version"), null, 600);
    return e.exit == 0 ? e.stdout.trim().replace('\n', ' ') : "--version failed: " + e.stderr.trim();
  }

  // ---------------------------------------------------------------- the comparison table

  int benchMain() throws Exception {
    Workload w1 = Workload.scaled(scale == 1.0 ? "W1" : String.format(Locale.ROOT, "W1x%s", trim(scale)), scale);
    Workload w4w = Workload.scaled(scale == 1.0 ? "W4" : String.format(Locale.ROOT, "W4x%s", trim(scale)), 4 * scale);
    out.println("workload " + w1.describe());
    if (w4) {
      out.println("workload " + w4w.describe() + " (memory run)");
    }
    out.println();

    // JVM start: the launcher's --version, after one unmeasured call (the jar is built, files cached).
    // Launcher what-ifs, through CACHEFLUSH_JAVA_OPTS (the launcher itself unchanged): Lettuce's JFR
    // event recorder off, and that plus an AppCDS archive of the classes a real flush loads. Measured
    // in the same rounds as the launcher as it is, so a change in the machine's load hits both.
    String noJfr = "-Dio.lettuce.core.jfr=false";
    Map<String, String> jfrEnv = Map.of("CACHEFLUSH_JAVA_OPTS", noJfr);
    Map<String, String> cdsEnv = null;
    boolean launcherHasCds = Files.readString(Path.of(launcher)).contains("SharedArchiveFile");
    if (appcds && launcherHasCds) {
      // A JVM cannot dump an archive while it runs on another; the what-if only asks what the
      // launcher already does.
      out.println("== launcher what-if: " + noJfr + " (Lettuce's JFR events off); the AppCDS what-if is skipped,"
          + " as the launcher already uses an archive of its own");
    } else if (appcds) {
      Path jsa = work.resolve("cacheflush-appcds.jsa");
      out.println("== launcher what-ifs: " + noJfr + " (Lettuce's JFR events off), and that plus AppCDS: an archive"
          + " dumped by a training flush (-XX:ArchiveClassesAtExit), used with -XX:SharedArchiveFile");
      fill(Workload.scaled("train", 0.005));
      Exec train = exec(cacheflushCommand(FLUSH, List.of()), Map.of("CACHEFLUSH_JAVA_OPTS",
          noJfr + " -XX:ArchiveClassesAtExit=" + jsa), 600);
      if (train.exit != 0 || !Files.exists(jsa)) {
        out.println("   training run failed (exit " + train.exit + "): " + train.stderr.trim());
      } else {
        out.printf(Locale.ROOT, "   archive %d MB%n", Files.size(jsa) >> 20);
        cdsEnv = Map.of("CACHEFLUSH_JAVA_OPTS", noJfr + " -XX:SharedArchiveFile=" + jsa);
      }
    }

    // JVM start, and the fixed cost: a flush of an empty database (JVM start, client set-up,
    // connect, lock, report, exit), which every run pays whatever the key count.
    out.println("== JVM start (" + launcher + " --version) and fixed cost (cacheflush flush on an empty database), "
        + startRuns + " rounds");
    admin.call("FLUSHALL", "SYNC");
    List<Double> starts = new ArrayList<>();
    List<Double> fixed = new ArrayList<>();
    List<Double> fixedRun = new ArrayList<>();
    List<Double> noJfrFixed = new ArrayList<>();
    List<Double> cdsFixed = new ArrayList<>();
    List<Double> cdsStarts = new ArrayList<>();
    for (int i = 0; i < startRuns; i++) {
      starts.add(timeOnly(List.of(launcher, "--version"), Map.of()));
      double[] f = fixedCost(Map.of());
      fixed.add(f[0]);
      fixedRun.add(f[1]);
      if (appcds) {
        noJfrFixed.add(fixedCost(jfrEnv)[0]);
      }
      if (cdsEnv != null) {
        cdsFixed.add(fixedCost(cdsEnv)[0]);
        cdsStarts.add(timeOnly(List.of(launcher, "--version"), cdsEnv));
      }
    }
    out.printf(Locale.ROOT, "   --version: %s%n", stat(starts, "s"));
    out.printf(Locale.ROOT, "   fixed cost: wall %s; its durationMs %s%n", stat(fixed, "s"), stat(fixedRun, "ms"));
    if (!noJfrFixed.isEmpty()) {
      out.printf(Locale.ROOT, "   fixed cost, %s: %s%n", noJfr, stat(noJfrFixed, "s"));
    }
    if (!cdsFixed.isEmpty()) {
      out.printf(Locale.ROOT, "   fixed cost, %s + AppCDS: %s%n", noJfr, stat(cdsFixed, "s"));
      out.printf(Locale.ROOT, "   --version, %s + AppCDS: %s%n", noJfr, stat(cdsStarts, "s"));
    }

    // Probe baseline: W1 filled, no flush running.
    out.println("== probe baseline (no flush running), " + trim(baselineSeconds) + " s");
    double fillS = fill(w1);
    Lat baseline = probeAlone();
    out.printf(Locale.ROOT, "   fill %.1f s; %s; load %s%n", fillS, baseline.summary(), loadAvg());

    boolean maxRate = exec(List.of(launcher, "flush", "--help"), null, 600).stdout.contains("--max-rate");

    // Timed runs without the probe (a tight GET loop takes a large share of the server's one thread
    // from a client-side flush but none from the ceiling's EVAL, which blocks it), interleaved round
    // by round so that drift in the machine's load hits every tool alike; then the same with the probe.
    String cf = "cacheflush";
    String ceil = "server ceiling";
    String pipe = "redis-cli pipeline";
    String xargs = "redis-cli xargs";
    String whatIf = "cacheflush, no JFR + AppCDS";
    List<String> tools = new ArrayList<>(cli ? List.of(cf, ceil, pipe, xargs) : List.of(cf, ceil));
    List<String> timedTools = new ArrayList<>(tools);
    if (cdsEnv != null) {
      timedTools.add(whatIf);
    }
    Map<String, Map<String, String>> envs = new LinkedHashMap<>();
    for (String t : timedTools) {
      envs.put(t, t.equals(whatIf) ? cdsEnv : Map.of());
    }
    Map<String, List<String>> commands = Map.of(cf, cacheflushCommand(FLUSH, List.of()),
        ceil, ceilingCommand("pass", ceilingCount), pipe, pipelineCommand(), xargs, xargsCommand(),
        whatIf, cacheflushCommand(FLUSH, List.of()));
    Map<String, List<Run>> timed = new LinkedHashMap<>();
    Map<String, List<Run>> probed = new LinkedHashMap<>();
    for (String t : timedTools) {
      timed.put(t, new ArrayList<>());
      probed.put(t, new ArrayList<>());
    }
    int rounds = Math.max(runs, cli ? cliRuns : 0);
    out.println("== timed runs on " + w1.name() + ", each from a fresh fill, no probe: " + runs
        + " x cacheflush and server ceiling" + (cli ? ", " + cliRuns + " x each redis-cli baseline" : "")
        + (cdsEnv != null ? ", " + runs + " x " + whatIf : ""));
    for (int r = 1; r <= rounds; r++) {
      for (String t : timedTools) {
        if (r <= (t.startsWith("redis-cli") ? cliRuns : runs)) {
          timed.get(t).add(measure(t, r, w1, commands.get(t), envs.get(t), false));
        }
      }
    }
    out.println("== probe runs on " + w1.name() + ", each from a fresh fill, the probe's GET loop running: "
        + probeRuns + " x cacheflush, 1 x each other");
    for (int r = 1; r <= probeRuns; r++) {
      for (String t : tools) {
        if (r == 1 || t.equals(cf)) {
          probed.get(t).add(measure(t, r, w1, commands.get(t), Map.of(), true));
        }
      }
    }

    // Each --max-rate run is compared with a baseline of its own, measured right before it on the
    // same fresh fill: "at baseline" is a comparison, and this machine's own latency drifts over
    // the minutes between the first baseline and these runs.
    List<Run> rateRuns = new ArrayList<>();
    Lat rateBaseline = new Lat();
    if (maxRate) {
      int n = quick ? 1 : 2;
      out.println("== --max-rate 100000 on " + w1.name() + ", " + n + " runs, probe running, each after "
          + trim(baselineSeconds) + " s of probe with no flush on the same fill");
      for (int r = 1; r <= n; r++) {
        fill(w1);
        Lat before = probeAlone();
        rateBaseline.add(before);
        out.printf(Locale.ROOT, "   baseline before #%d: %s%n", r, before.summary());
        rateRuns.add(measure("cacheflush --max-rate 100000", r, w1,
            cacheflushCommand(FLUSH, List.of("--max-rate", "100000")), Map.of(), true, false));
      }
    }

    Run w4run = null;
    if (w4) {
      out.println("== memory: cacheflush on " + w4w.name() + ", no probe");
      w4run = measure("cacheflush " + w4w.name(), 1, w4w, cacheflushCommand(FLUSH, List.of()), Map.of(), false);
    }

    // ---------------------------------------------------------------- the table
    out.println();
    out.println("== results (" + w1.describe() + "; load average now " + loadAvg() + ")");
    out.println("   wall: median [min-max] of the timed runs (no probe); vs ceiling: ratio of medians; server CPU:"
        + " redis main thread; cmd s: time the server spent in the tool's commands (INFO commandstats);"
        + " client CPU: user+sys of the tool's processes; latencies pooled over the probe runs");
    out.println();
    Table details = new Table("tool", "n", "wall s [min-max]", "vs ceiling", "run ms", "server CPU s", "cmd s",
        "busy", "client CPU s", "SCAN", "UNLINK", "cmds >1ms (worst)", "wall with probe", "probe p50/p99/p99.9/max ms",
        "peak RSS");
    double ceilMedian = medianWall(timed.get(ceil));
    for (String tool : tools) {
      details.row(detailRow(tool, timed.get(tool), probed.get(tool), ceilMedian));
    }
    if (!rateRuns.isEmpty()) {
      details.row(detailRow("cacheflush --max-rate 100000", rateRuns, rateRuns, ceilMedian));
    }
    if (cdsEnv != null) {
      details.row(detailRow(whatIf, timed.get(whatIf), List.of(), ceilMedian));
    }
    if (w4run != null) {
      details.row(detailRow("cacheflush " + w4w.name(), List.of(w4run), List.of(), Double.NaN));
    }
    details.row("probe baseline (no flush)", "1", "-", "-", "-", "-", "-", "-", "-", "-", "-", "-", "-",
        baseline.short4(), "-");
    details.print(out);
    out.println();

    Table t = new Table("check", "measured", "target", "result");
    double cfMedian = medianWall(timed.get(cf));
    t.row("cacheflush wall time on " + w1.name() + " (launcher, JVM start included)", fmtS(cfMedian), "", "info");
    t.row("server ceiling (one EVAL, SCAN COUNT " + ceilingCount + ", UNLINK in Lua)", fmtS(ceilMedian), "", "info");
    t.row("cacheflush / server ceiling", ratio(cfMedian / ceilMedian) + paired(timed.get(cf), timed.get(ceil)),
        "<= 1.25x",
        verdict(cfMedian / ceilMedian <= 1.25, cfMedian, ceilMedian));
    if (cli) {
      double pipeMedian = medianWall(timed.get(pipe));
      double xargsMedian = medianWall(timed.get(xargs));
      t.row("redis-cli pipeline / cacheflush (times faster)", ratio(pipeMedian / cfMedian), ">= 4x",
          verdict(pipeMedian / cfMedian >= 4, cfMedian, pipeMedian));
      t.row("redis-cli xargs / cacheflush (times faster)", ratio(xargsMedian / cfMedian), "", "info");
    } else {
      t.row("redis-cli pipeline / cacheflush (times faster)", "n/a: --no-cli", ">= 4x", "n/a");
    }
    Lat cfLat = pooled(probed.get(cf));
    t.row("probe during cacheflush: p50 / p99", fmtMs(cfLat.pct(0.5)) + " / " + fmtMs(cfLat.pct(0.99)), "", "info");
    t.row("probe during cacheflush: p99.9", fmtMs(cfLat.pct(0.999)), "<= 2 ms",
        verdict(cfLat.count > 0 && cfLat.pct(0.999) <= 2.0, cfLat.count));
    t.row("probe during cacheflush: max", fmtMs(cfLat.max), "<= 20 ms", verdict(cfLat.count > 0 && cfLat.max <= 20.0,
        cfLat.count));
    t.row("probe baseline, no flush: p50 / p99.9 / max",
        fmtMs(baseline.pct(0.5)) + " / " + fmtMs(baseline.pct(0.999)) + " / " + fmtMs(baseline.max), "", "info");
    double rss1 = medianRss(timed.get(cf));
    t.row("peak RSS of cacheflush, " + w1.name(), fmtMb(rss1), "< 200 MB", verdict(rss1 < 200 * 1024, rss1));
    if (w4run != null && w4run.ok) {
      double rss4 = w4run.maxRssKb;
      t.row("peak RSS of cacheflush, " + w4w.name(), fmtMb(rss4), "< 200 MB", verdict(rss4 < 200 * 1024, rss4));
      t.row("peak RSS " + w4w.name() + " / " + w1.name(), ratio(rss4 / rss1), "<= 1.10x",
          verdict(rss4 / rss1 <= 1.10, rss1, rss4));
    } else {
      t.row("peak RSS " + w4w.name() + " / " + w1.name(), w4 ? "run failed" : "n/a: --no-w4", "<= 1.10x",
          w4 ? "FAIL" : "n/a");
    }
    if (maxRate) {
      double rate = medianOf(rateRuns, r -> r.deleted / (r.reportMs / 1000.0));
      Lat rl = pooled(rateRuns);
      double base = rateBaseline.pct(0.999);
      double bound = Math.max(1.5 * base, base + 0.1);
      t.row("--max-rate 100000: keys deleted per second", String.format(Locale.ROOT, "%,.0f", rate),
          "90,000-110,000", verdict(rate >= 90_000 && rate <= 110_000, rate));
      t.row("--max-rate 100000: probe p99.9 vs its baselines", fmtMs(rl.pct(0.999)) + " (baselines right before: "
          + fmtMs(base) + ")", "<= " + fmtMs(bound), verdict(rl.count > 0 && rateBaseline.count > 0
          && rl.pct(0.999) <= bound, rl.count));
    } else {
      t.row("--max-rate 100000: keys deleted per second", "n/a: not implemented", "90,000-110,000", "n/a");
      t.row("--max-rate 100000: probe p99.9 vs baseline", "n/a: not implemented", "at baseline", "n/a");
    }
    double start = median(starts);
    double overhead = medianOf(timed.get(cf), r -> r.wallS - r.reportMs / 1000.0);
    t.row("JVM start (--version) and its share of cacheflush " + w1.name(),
        String.format(Locale.ROOT, "%.2f s = %.0f %%", start, 100 * start / cfMedian), "", "info");
    t.row("cacheflush wall minus the report's durationMs", String.format(Locale.ROOT, "%.2f s = %.0f %%", overhead,
        100 * overhead / cfMedian), "", "info");
    t.row("fixed cost: flush of an empty database, and its share of cacheflush " + w1.name(),
        String.format(Locale.ROOT, "%.2f s = %.0f %% (durationMs %.0f)", median(fixed), 100 * median(fixed) / cfMedian,
            median(fixedRun)), "", "info");
    if (!noJfrFixed.isEmpty()) {
      t.row("what-if " + noJfr + ": fixed cost", fmtS(median(noJfrFixed)), "", "info");
    }
    if (cdsEnv != null) {
      t.row("what-if " + noJfr + " + AppCDS: --version / fixed cost", fmtS(median(cdsStarts)) + " / "
          + fmtS(median(cdsFixed)), "", "info");
      double cdsMedian = medianWall(timed.get(whatIf));
      t.row("what-if " + noJfr + " + AppCDS: cacheflush " + w1.name() + " / server ceiling",
          fmtS(cdsMedian) + " = " + ratio(cdsMedian / ceilMedian) + paired(timed.get(whatIf), timed.get(ceil)),
          "<= 1.25x", "info");
    }
    t.print(out);

    long invalid = 0;
    for (String tool : timedTools) {
      invalid += timed.get(tool).stream().filter(r -> !r.ok).count();
      invalid += probed.get(tool).stream().filter(r -> !r.ok).count();
    }
    invalid += rateRuns.stream().filter(r -> !r.ok).count();
    if (invalid > 0) {
      out.println();
      out.println(invalid + " run(s) gave a wrong or failed result and are left out of the figures; see above.");
    }
    return invalid > 0 ? 1 : 0;
  }

  String[] detailRow(String tool, List<Run> runs, List<Run> probeRuns, double ceilMedian) {
    List<Run> ok = runs.stream().filter(r -> r.ok).toList();
    List<Run> pok = probeRuns.stream().filter(r -> r.ok).toList();
    if (ok.isEmpty()) {
      return new String[] {tool, "0/" + runs.size(), "all runs failed"};
    }
    double wall = medianWall(ok);
    boolean hasReport = ok.stream().allMatch(r -> !Double.isNaN(r.reportMs));
    return new String[] {
      tool,
      ok.size() == runs.size() ? String.valueOf(ok.size()) : ok.size() + "/" + runs.size(),
      spread(ok),
      Double.isNaN(ceilMedian) ? "-" : ratio(wall / ceilMedian),
      hasReport ? String.format(Locale.ROOT, "%.0f", medianOf(ok, r -> r.reportMs)) : "-",
      String.format(Locale.ROOT, "%.2f", medianOf(ok, r -> r.serverMainCpuS)),
      String.format(Locale.ROOT, "%.2f", medianOf(ok, Run::commandSeconds)),
      String.format(Locale.ROOT, "%.0f%%", 100 * medianOf(ok, r -> r.serverMainCpuS / r.wallS)),
      String.format(Locale.ROOT, "%.2f", medianOf(ok, r -> r.userS + r.sysS)),
      String.format(Locale.ROOT, "%.0f", medianOf(ok, r -> r.calls("scan"))),
      String.format(Locale.ROOT, "%.0f", medianOf(ok, r -> r.calls("unlink"))),
      slow(ok),
      pok.isEmpty() || pok == ok ? "-" : String.format(Locale.ROOT, "%.2f (n=%d)", medianWall(pok), pok.size()),
      pok.isEmpty() ? "-" : pooled(pok).short4(),
      tool.startsWith("cacheflush") ? fmtMb(medianOf(ok, r -> (double) r.maxRssKb)) : "-",
    };
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
    return String.format(Locale.ROOT, "%.2f [%.2f-%.2f]", medianWall(ok),
        ok.stream().mapToDouble(r -> r.wallS).min().orElse(0), ok.stream().mapToDouble(r -> r.wallS).max().orElse(0));
  }

  // ---------------------------------------------------------------- the sweep

  int sweepMain() throws Exception {
    Workload w = Workload.scaled(scale == 1.0 ? "W1" : String.format(Locale.ROOT, "W1x%s", trim(scale)), scale);
    out.println("workload " + w.describe());
    out.println("sweep: one setting varied at a time around the defaults (--scan-count 500 --batch-size 250"
        + " --max-in-flight 2), " + sweepRuns + " run(s) per point without the probe and one with it, each from a"
        + " fresh fill");
    out.println();
    Map<String, List<String>> grid = new LinkedHashMap<>();
    grid.put("defaults", List.of("-"));
    grid.put("scan-count", List.of("100", "200", "300", "1000", "3000"));
    grid.put("batch-size", List.of("100", "150", "500", "1000", "2000"));
    grid.put("max-in-flight", List.of("1", "4", "8", "16"));
    grid.put("strategy", List.of("single", "per-pattern"));
    grid.put("ceiling", List.of("pass:1000", "pass:10000", "pass:100000", "match:1000", "match:10000"));
    if (!axes.isEmpty()) {
      for (String k : axes.keySet()) {
        if (!grid.containsKey(k) && !k.equals("args") && !k.equals("java-opts") || k.equals("defaults")) {
          throw new IllegalArgumentException("unknown sweep axis " + k + "; one of " + grid.keySet());
        }
      }
      grid.keySet().retainAll(axes.keySet());
      grid.putAll(axes);
    }
    record Point(String axis, String value, String label, List<String> cmd, Map<String, String> env, List<Run> runs,
        List<Run> probeRuns) {}
    List<Point> points = new ArrayList<>();
    for (Map.Entry<String, List<String>> e : grid.entrySet()) {
      for (String value : e.getValue()) {
        String axis = e.getKey();
        String label = axis.equals("defaults") ? "defaults" : axis + " " + value;
        List<String> cmd;
        Map<String, String> env = Map.of();
        switch (axis) {
          case "defaults" -> cmd = cacheflushCommand(FLUSH, List.of());
          case "strategy" -> {
            if (value.equals("single")) {
              cmd = cacheflushCommand(FLUSH, List.of());
            } else if (value.equals("per-pattern")) {
              cmd = perPatternCommand();
            } else {
              throw new IllegalArgumentException("strategy is single or per-pattern, not " + value);
            }
          }
          case "ceiling" -> {
            String[] mc = value.split(":");
            cmd = ceilingCommand(mc[0], Integer.parseInt(mc[1]));
          }
          case "args" -> cmd = cacheflushCommand(FLUSH, value.isBlank() ? List.of()
              : Arrays.asList(value.trim().split("\\s+")));
          case "java-opts" -> {
            cmd = cacheflushCommand(FLUSH, List.of());
            env = Map.of("CACHEFLUSH_JAVA_OPTS", value.trim());
          }
          default -> cmd = cacheflushCommand(FLUSH, List.of("--" + axis, value));
        }
        points.add(new Point(axis, value, label, cmd, env, new ArrayList<>(), new ArrayList<>()));
      }
    }
    // Round by round over all points, so drift in the machine's load hits every point alike.
    for (int r = 1; r <= sweepRuns; r++) {
      for (Point p : points) {
        p.runs().add(measure(p.label(), r, w, p.cmd(), p.env(), false));
      }
    }
    // One more run per point with the probe, for what the setting does to the latency of other
    // clients (not for the ceiling: its EVAL blocks every other client for its whole run).
    for (Point p : points) {
      if (!p.axis().equals("ceiling")) {
        p.probeRuns().add(measure(p.label(), sweepRuns + 1, w, p.cmd(), p.env(), true));
      }
    }
    out.println();
    out.println("== sweep results (" + w.describe() + "; load average now " + loadAvg() + ")");
    out.println("   wall: median [min-max] of the runs without probe; run ms: the report's durationMs (summed over the"
        + " 4 runs for per-pattern), the flush without JVM start; keys/s = flushed keys / run ms; server CPU: redis"
        + " main thread; cmd s: server time in SCAN+UNLINK (commandstats); probe: one more run with the GET loop");
    out.println();
    Table t = new Table("setting", "n", "wall s [min-max]", "run ms", "keys/s", "server CPU s", "cmd s", "busy",
        "client CPU s", "SCAN", "UNLINK", "cmds >1ms (worst)", "wall with probe", "probe p50/p99/p99.9/max ms",
        "peak RSS");
    for (Point p : points) {
      List<Run> ok = p.runs().stream().filter(r -> r.ok).toList();
      List<Run> pok = p.probeRuns().stream().filter(r -> r.ok).toList();
      String label = p.axis().equals("defaults") ? "defaults (500/250/2)" : p.axis() + " " + p.value();
      if (ok.isEmpty()) {
        t.row(label, "0/" + p.runs().size(), "failed");
        continue;
      }
      boolean hasReport = ok.stream().allMatch(r -> !Double.isNaN(r.reportMs));
      double runMs = hasReport ? medianOf(ok, r -> r.reportMs) : medianOf(ok, r -> r.wallS * 1000);
      t.row(label,
          ok.size() == p.runs().size() ? String.valueOf(ok.size()) : ok.size() + "/" + p.runs().size(),
          spread(ok),
          hasReport ? String.format(Locale.ROOT, "%.0f", runMs) : "-",
          String.format(Locale.ROOT, "%,.0f", w.flushTotal() / (runMs / 1000)),
          String.format(Locale.ROOT, "%.2f", medianOf(ok, r -> r.serverMainCpuS)),
          String.format(Locale.ROOT, "%.2f", medianOf(ok, Run::commandSeconds)),
          String.format(Locale.ROOT, "%.0f%%", 100 * medianOf(ok, r -> r.serverMainCpuS / r.wallS)),
          String.format(Locale.ROOT, "%.2f", medianOf(ok, r -> r.userS + r.sysS)),
          String.format(Locale.ROOT, "%.0f", medianOf(ok, r -> r.calls("scan"))),
          String.format(Locale.ROOT, "%.0f", medianOf(ok, r -> r.calls("unlink"))),
          slow(ok),
          pok.isEmpty() ? "-" : String.format(Locale.ROOT, "%.2f", medianWall(pok)),
          pok.isEmpty() ? "-" : pooled(pok).short4(),
          p.axis().equals("ceiling") ? "-" : fmtMb(medianOf(ok, r -> (double) r.maxRssKb)));
    }
    t.print(out);
    return points.stream().flatMap(p -> java.util.stream.Stream.concat(p.runs().stream(), p.probeRuns().stream()))
        .anyMatch(r -> !r.ok) ? 1 : 0;
  }

  // ---------------------------------------------------------------- the tools' command lines

  String url() {
    return "redis://127.0.0.1:" + port;
  }

  List<String> cacheflushCommand(List<String> flush, List<String> extra) {
    // The hit-rate windows around a flush are observation, not the flush: left out of what is timed.
    List<String> c = new ArrayList<>(List.of(launcher, "flush", "--yes", "--redis-url", url(), "--no-verify", "-q",
        "--sample-window", "0", "--format", "json", "--timeout", "30m"));
    for (String f : flush) {
      c.add("--flush=" + f);
    }
    for (String p : PRESERVE) {
      c.add("--preserve=" + p);
    }
    c.addAll(cacheflushArgs);
    c.addAll(extra);
    return c;
  }

  /** The per-pattern strategy: one cacheflush run per flush pattern, one after the other. */
  List<String> perPatternCommand() {
    List<String> c = new ArrayList<>(List.of("bash", "-c",
        "set -e; for p in \"${@:2}\"; do \"$1\" flush --yes --redis-url " + url() + " --no-verify -q --sample-window 0"
            + " --format json"
            + " --timeout 30m --flush=\"$p\" " + String.join(" ", PRESERVE.stream().map(p -> "--preserve='" + p + "'")
                .toList()) + " " + String.join(" ", cacheflushArgs) + "; done", "per-pattern", launcher));
    c.addAll(FLUSH);
    return c;
  }

  List<String> ceilingCommand(String mode, int count) {
    List<String> c = new ArrayList<>(List.of("redis-cli", "-p", String.valueOf(port), "--eval",
        root.resolve("bench/ceiling.lua").toString(), ",", mode, String.valueOf(count),
        String.valueOf(FLUSH.size())));
    c.addAll(FLUSH);
    c.addAll(PRESERVE);
    return c;
  }

  /** The issue's redis-cli pipeline, per flush pattern; redis-cli --scan's SCAN has no COUNT (so 10). */
  List<String> pipelineCommand() {
    List<String> c = new ArrayList<>(List.of("bash", "-c", "set -eo pipefail; for p in \"$@\"; do"
        + " redis-cli -p " + port + " --scan --pattern \"$p\" | awk '{print \"UNLINK \" $0}'"
        + " | redis-cli -p " + port + " --pipe; done", "pipeline"));
    c.addAll(FLUSH);
    return c;
  }

  List<String> xargsCommand() {
    List<String> c = new ArrayList<>(List.of("bash", "-c", "set -eo pipefail; for p in \"$@\"; do"
        + " redis-cli -p " + port + " --scan --pattern \"$p\" | xargs -n 1000 redis-cli -p " + port
        + " unlink >/dev/null; done", "xargs"));
    c.addAll(FLUSH);
    return c;
  }

  // ---------------------------------------------------------------- one measured run

  static final class Run {
    String tool;
    int index;
    /** The tool runs inside the server (the ceiling's EVAL). */
    boolean serverSide;
    boolean ok = true;
    String problem = "";
    double wallS;
    double reportMs = Double.NaN;
    long deleted = -1;
    double userS;
    double sysS;
    long maxRssKb;
    int exit;
    double serverCpuS;
    double serverMainCpuS;
    Map<String, long[]> cmdstats = new TreeMap<>();
    Lat lat;
    long slowCount;
    double slowWorstMs;
    String slowWorstCmd = "";

    /** Server time in the tool's own commands: the EVAL if there is one (it contains the rest), else SCAN + UNLINK. */
    double commandSeconds() {
      long[] eval = cmdstats.get("eval");
      if (serverSide) {
        return eval == null ? 0 : eval[1] / 1e6;
      }
      long us = 0;
      for (String c : List.of("scan", "unlink")) {
        long[] v = cmdstats.get(c);
        us += v == null ? 0 : v[1];
      }
      return us / 1e6;
    }

    double calls(String cmd) {
      long[] v = cmdstats.get(cmd);
      return v == null ? 0 : v[0];
    }
  }

  static final Pattern DURATION = Pattern.compile("\"durationMs\"\\s*:\\s*(\\d+)");
  static final Pattern DELETED = Pattern.compile("\"keysDeleted\"\\s*:\\s*(\\d+)");
  static final Pattern OUTCOME = Pattern.compile("\"outcome\"\\s*:\\s*\"(\\w+)\"");

  /** The probe for the baseline's length, with no flush running. */
  Lat probeAlone() throws Exception {
    probe.begin();
    Thread.sleep((long) (baselineSeconds * 1000));
    return probe.end();
  }

  Run measure(String tool, int index, Workload w, List<String> cmd, Map<String, String> env, boolean withProbe)
      throws Exception {
    return measure(tool, index, w, cmd, env, withProbe, true);
  }

  /** @param refill false when {@code w} was filled just before and nothing has changed it since */
  Run measure(String tool, int index, Workload w, List<String> cmd, Map<String, String> env, boolean withProbe,
      boolean refill) throws Exception {
    Run run = new Run();
    run.tool = tool;
    run.index = index;
    run.serverSide = cmd.contains("--eval");
    double fillS = refill ? fill(w) : 0;
    String load = loadAvg();
    loads.add(load);
    if (withProbe) {
      probe.begin();
    }
    admin.call("CONFIG", "RESETSTAT");
    admin.call("SLOWLOG", "RESET");
    Map<String, String> cpu0 = info("cpu");

    Path timeFile = work.resolve("time.txt");
    Path stdout = work.resolve("stdout.txt");
    Path stderr = work.resolve("stderr.txt");
    List<String> full = new ArrayList<>(List.of("/usr/bin/time", "-o", timeFile.toString(), "-f",
        "%e %U %S %M %x"));
    full.addAll(cmd);
    ProcessBuilder pb = new ProcessBuilder(full).directory(work.toFile())
        .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
        .redirectOutput(stdout.toFile()).redirectError(stderr.toFile());
    pb.environment().put("CACHEFLUSH_JAVA_OPTS", javaOpts);
    env.forEach((k, val) -> pb.environment().merge(k, val, (a, b) -> (a + " " + b).trim()));
    long t0 = System.nanoTime();
    Process p = pb.start();
    current = p;
    boolean done = p.waitFor(runTimeoutSeconds, TimeUnit.SECONDS);
    long t1 = System.nanoTime();
    if (!done) {
      kill(p);
      run.ok = false;
      run.problem = "did not finish in " + runTimeoutSeconds + " s";
    }
    current = null;
    run.wallS = (t1 - t0) / 1e9;
    run.lat = withProbe ? probe.end() : null;
    Map<String, String> cpu1 = info("cpu");
    run.serverCpuS = cpuDelta(cpu0, cpu1, "used_cpu_user", "used_cpu_sys");
    run.serverMainCpuS = cpuDelta(cpu0, cpu1, "used_cpu_user_main_thread", "used_cpu_sys_main_thread");
    for (Map.Entry<String, String> e : info("commandstats").entrySet()) {
      Matcher m = Pattern.compile("calls=(\\d+),usec=(\\d+)").matcher(e.getValue());
      if (m.find()) {
        run.cmdstats.put(e.getKey().replace("cmdstat_", ""), new long[] {Long.parseLong(m.group(1)),
            Long.parseLong(m.group(2))});
      }
    }
    slowlog(run);
    String[] time = Files.exists(timeFile) ? lastLine(Files.readString(timeFile)).trim().split("\\s+") : new String[0];
    if (time.length >= 5) {
      run.userS = Double.parseDouble(time[1]);
      run.sysS = Double.parseDouble(time[2]);
      run.maxRssKb = Long.parseLong(time[3]);
      run.exit = Integer.parseInt(time[4]);
    } else if (done) {
      run.exit = p.exitValue();
    }
    String so = Files.readString(stdout);
    String se = Files.readString(stderr);
    if (so.contains("\"durationMs\"")) {
      Matcher d = DURATION.matcher(so);
      double sum = 0;
      int n = 0;
      while (d.find()) {
        sum += Double.parseDouble(d.group(1));
        n++;
      }
      run.reportMs = n > 0 ? sum : Double.NaN;
      Matcher k = DELETED.matcher(so);
      long del = 0;
      while (k.find()) {
        del += Long.parseLong(k.group(1));
      }
      run.deleted = n > 0 ? del : -1;
      Matcher o = OUTCOME.matcher(so);
      while (o.find()) {
        if (!o.group(1).equals("completed")) {
          run.ok = false;
          run.problem += " outcome " + o.group(1) + ";";
        }
      }
    } else if (run.serverSide) {
      String s = so.trim().replaceAll("^\\(integer\\)\\s*", "");
      run.deleted = s.matches("\\d+") ? Long.parseLong(s) : -1;
    }
    if (run.exit != 0 && run.ok) {
      run.ok = false;
      run.problem += " exit " + run.exit + ": " + lastLine(se.isBlank() ? so : se).trim() + ";";
    }
    String wrong = verify(w);
    if (wrong != null) {
      run.ok = false;
      run.problem += " WRONG RESULT: " + wrong + ";";
    }
    if (run.deleted >= 0 && run.deleted != w.flushTotal() && run.ok) {
      run.ok = false;
      run.problem += " reported " + run.deleted + " keys deleted, expected " + w.flushTotal() + ";";
    }
    if (run.lat != null && run.lat.missing > 0) {
      run.ok = false;
      run.problem += " the probe's preserved key went missing " + run.lat.missing + " times;";
    }
    out.printf(Locale.ROOT, "   %-28s #%d  fill %4.1f s | wall %6.2f s%s | server CPU %5.2f s | client CPU %5.2f s"
            + " RSS %s | SCAN %.0f UNLINK %.0f | slowlog>1ms %d%s | %s%s%s | load %s | %s%n",
        tool, index, fillS, run.wallS, Double.isNaN(run.reportMs) ? "" : String.format(Locale.ROOT, " (run %5.0f ms)",
            run.reportMs), run.serverMainCpuS, run.userS + run.sysS, fmtMb(run.maxRssKb), run.calls("scan"),
        run.calls("unlink"), run.slowCount, run.slowCount == 0 ? "" : String.format(Locale.ROOT, " (worst %.1f ms %s)",
            run.slowWorstMs, run.slowWorstCmd), run.lat == null ? "no probe" : String.format(Locale.ROOT,
            "probe %,d GETs %s", run.lat.count, run.lat.short4()),
        run.lat != null && run.lat.max > 2 ? String.format(Locale.ROOT, " (max at %.2f s)", run.lat.maxAt) : "",
        run.lat != null && run.lat.errors > 0 ? " (" + run.lat.errors + " errors)" : "", load,
        run.ok ? "OK" : "INVALID:" + run.problem);
    return run;
  }

  /** Commands the server itself took over 1 ms to run during the tool's run (SLOWLOG). */
  void slowlog(Run run) throws IOException {
    for (Object o : (List<?>) admin.call("SLOWLOG", "GET", "-1")) {
      List<?> e = (List<?>) o;
      List<?> argv = (List<?>) e.get(3);
      String cmd = String.valueOf(argv.get(0)).toUpperCase(Locale.ROOT);
      if (cmd.equals("INFO") || cmd.equals("CONFIG") || cmd.equals("SLOWLOG")) {
        continue;
      }
      run.slowCount++;
      double ms = (Long) e.get(2) / 1000.0;
      if (ms > run.slowWorstMs) {
        run.slowWorstMs = ms;
        // SLOWLOG keeps 32 arguments at most; the last then says how many more there were.
        int args = argv.size() - 1;
        Matcher more = Pattern.compile("\\((\\d+) more arguments\\)").matcher(String.valueOf(argv.get(argv.size() - 1)));
        if (more.find()) {
          args = argv.size() - 2 + Integer.parseInt(more.group(1));
        }
        run.slowWorstCmd = cmd + (args > 0 ? " (" + args + " args)" : "");
      }
    }
  }

  static double cpuDelta(Map<String, String> a, Map<String, String> b, String... keys) {
    double d = 0;
    for (String k : keys) {
      d += Double.parseDouble(b.getOrDefault(k, "0")) - Double.parseDouble(a.getOrDefault(k, "0"));
    }
    return d;
  }

  /** Wall time and the report's durationMs of a flush of the (empty) database. */
  double[] fixedCost(Map<String, String> env) throws Exception {
    long t0 = System.nanoTime();
    Exec e = exec(cacheflushCommand(FLUSH, List.of()), env, 600);
    long t1 = System.nanoTime();
    Matcher d = DURATION.matcher(e.stdout);
    if (e.exit != 0 || !d.find()) {
      throw new IllegalStateException("cacheflush on an empty database failed (exit " + e.exit + "): " + e.stderr);
    }
    return new double[] {(t1 - t0) / 1e9, Double.parseDouble(d.group(1))};
  }

  /** Wall time of a command, nothing else (for the JVM start). */
  double timeOnly(List<String> cmd, Map<String, String> env) throws Exception {
    long t0 = System.nanoTime();
    Exec e = exec(cmd, env, 600);
    long t1 = System.nanoTime();
    if (e.exit != 0) {
      throw new IllegalStateException(String.join(" ", cmd) + " failed: " + e.stderr);
    }
    return (t1 - t0) / 1e9;
  }

  record Exec(int exit, String stdout, String stderr) {}

  Exec exec(List<String> cmd, Map<String, String> env, long timeoutS) throws Exception {
    Path o = Files.createTempFile(work, "out", ".txt");
    Path e = Files.createTempFile(work, "err", ".txt");
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(work.toFile())
        .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
        .redirectOutput(o.toFile()).redirectError(e.toFile());
    pb.environment().put("CACHEFLUSH_JAVA_OPTS", javaOpts);
    if (env != null) {
      env.forEach((k, val) -> pb.environment().merge(k, val, (a, b) -> (a + " " + b).trim()));
    }
    Process p = pb.start();
    current = p;
    if (!p.waitFor(timeoutS, TimeUnit.SECONDS)) {
      kill(p);
    }
    current = null;
    Exec r = new Exec(p.waitFor(), Files.readString(o), Files.readString(e));
    Files.delete(o);
    Files.delete(e);
    return r;
  }

  static void kill(Process p) {
    p.descendants().forEach(ProcessHandle::destroyForcibly);
    p.destroyForcibly();
  }

  // ---------------------------------------------------------------- Redis: start, fill, verify

  void startRedis() throws Exception {
    startRedisProcess();
    admin.call("CONFIG", "SET", "slowlog-log-slower-than", "1000");
    admin.call("CONFIG", "SET", "slowlog-max-len", "100000");
  }

  void startRedisProcess() throws Exception {
    for (int attempt = 0; attempt < 5 && redis == null; attempt++) {
      port = freePort();
      Process p = new ProcessBuilder("redis-server", "--port", String.valueOf(port), "--bind", "127.0.0.1",
          "--save", "", "--appendonly", "no", "--enable-debug-command", "local", "--dir", work.toString(),
          "--logfile", work.resolve("redis.log").toString(), "--pidfile", work.resolve("redis.pid").toString(),
          "--daemonize", "no", "--busy-reply-threshold", "0")
          .redirectErrorStream(true).redirectOutput(work.resolve("redis.out").toFile()).start();
      long deadline = System.nanoTime() + 10_000_000_000L;
      while (System.nanoTime() < deadline && p.isAlive()) {
        try {
          admin = new Resp(port);
          admin.call("PING");
          redis = p;
          break;
        } catch (IOException e) {
          Thread.sleep(50);
        }
      }
      if (redis == null) {
        p.destroyForcibly();
      }
    }
    if (redis == null) {
      throw new IllegalStateException("redis-server did not start; see " + work.resolve("redis.log"));
    }
  }

  static int freePort() throws IOException {
    Set<Integer> never = Set.of(6379, 5432, 3306);
    while (true) {
      int p = 20_000 + (int) (Math.random() * 30_000);
      if (never.contains(p)) {
        continue;
      }
      try (ServerSocket s = new ServerSocket()) {
        s.bind(new InetSocketAddress("127.0.0.1", p));
        return p;
      } catch (IOException taken) {
        // try another
      }
    }
  }

  /** FLUSHALL, then DEBUG POPULATE per family, then wait for the hash table's rehash to end. */
  double fill(Workload w) throws Exception {
    long t0 = System.nanoTime();
    admin.call("FLUSHALL", "SYNC");
    for (Family f : w.families()) {
      admin.call("DEBUG", "POPULATE", String.valueOf(f.count()), f.prefix(), "100");
    }
    long deadline = System.nanoTime() + 120_000_000_000L;
    while (String.valueOf(admin.call("DEBUG", "HTSTATS", "0")).contains("rehashing target")
        && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    long size = (Long) admin.call("DBSIZE");
    if (size != w.total()) {
      throw new IllegalStateException("fill: DBSIZE " + size + ", expected " + w.total());
    }
    return (System.nanoTime() - t0) / 1e9;
  }

  static final String COUNT_SCRIPT = """
      local cursor, counts = '0', {}
      repeat
        local r = redis.call('SCAN', cursor, 'COUNT', 10000)
        cursor = r[1]
        for _, k in ipairs(r[2]) do
          local p = string.match(k, '^([^:]*):') or k
          counts[p] = (counts[p] or 0) + 1
        end
      until cursor == '0'
      local out = {}
      for p, n in pairs(counts) do out[#out + 1] = p; out[#out + 1] = n end
      return out
      """;

  /** Null if exactly the flushable keys are gone and every kept key is there; else what is wrong. */
  String verify(Workload w) throws IOException {
    Map<String, Long> counts = new TreeMap<>();
    List<?> flat = (List<?>) admin.call("EVAL", COUNT_SCRIPT, "0");
    for (int i = 0; i + 1 < flat.size(); i += 2) {
      counts.put((String) flat.get(i), (Long) flat.get(i + 1));
    }
    List<String> wrong = new ArrayList<>();
    for (Family f : w.families()) {
      long have = counts.getOrDefault(f.prefix(), 0L);
      long want = f.flush() ? 0 : f.count();
      if (have != want) {
        wrong.add(f.prefix() + ":* " + have + " keys, expected " + want);
      }
      counts.remove(f.prefix());
    }
    counts.forEach((p, n) -> wrong.add(n + " unexpected keys " + p + ":*"));
    long size = (Long) admin.call("DBSIZE");
    if (size != w.keepTotal()) {
      wrong.add("DBSIZE " + size + ", expected " + w.keepTotal());
    }
    return wrong.isEmpty() ? null : String.join(", ", wrong);
  }

  Map<String, String> info(String section) throws IOException {
    Map<String, String> m = new LinkedHashMap<>();
    for (String line : String.valueOf(admin.call("INFO", section)).split("\r?\n")) {
      int c = line.indexOf(':');
      if (c > 0 && !line.startsWith("#")) {
        m.put(line.substring(0, c), line.substring(c + 1));
      }
    }
    return m;
  }

  void cleanup() {
    Process c = current;
    if (c != null) {
      kill(c);
    }
    if (probe != null) {
      probe.quit();
      probe = null;
    }
    if (redis != null) {
      try {
        admin.call("SHUTDOWN", "NOSAVE");
      } catch (Exception gone) {
        // the connection drops as the server goes: expected
      }
      try {
        if (!redis.waitFor(5, TimeUnit.SECONDS)) {
          redis.destroyForcibly();
        }
      } catch (InterruptedException e) {
        redis.destroyForcibly();
      }
      redis = null;
    }
  }

  // ---------------------------------------------------------------- the probe process

  final class Probe {
    final Process p;
    final BufferedReader r;
    final Writer w;

    Probe(int port, String key) throws Exception {
      p = new ProcessBuilder("java", "-XX:+UseSerialGC", "-Xms32m", "-Xmx32m", "-XX:+AlwaysPreTouch",
          "-XX:-UsePerfData", root.resolve("bench/LatencyProbe.java").toString(), "--port", String.valueOf(port),
          "--key", key).redirectError(work.resolve("probe.err").toFile()).start();
      r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
      w = new OutputStreamWriter(p.getOutputStream(), StandardCharsets.UTF_8);
      expect("READY");
    }

    void begin() throws IOException {
      w.write("start\n");
      w.flush();
      expect("STARTED");
    }

    Lat end() throws IOException {
      w.write("stop\n");
      w.flush();
      String line = r.readLine();
      if (line == null || !line.startsWith("{")) {
        throw new IOException("latency probe: unexpected " + line + "; see " + work.resolve("probe.err"));
      }
      return Lat.parse(line);
    }

    void expect(String what) throws IOException {
      String line = r.readLine();
      if (!what.equals(line)) {
        throw new IOException("latency probe: expected " + what + ", got " + line + "; see "
            + work.resolve("probe.err"));
      }
    }

    void quit() {
      try {
        w.write("quit\n");
        w.flush();
        p.waitFor(3, TimeUnit.SECONDS);
      } catch (Exception e) {
        // gone already
      }
      p.destroyForcibly();
    }
  }

  /** A latency histogram as the probe reports it (1 us buckets up to 100 ms, exact max), poolable. */
  static final class Lat {
    static final int BUCKETS = 100_000;
    final long[] hist = new long[BUCKETS + 1];
    long count;
    double max;
    long missing;
    long errors;
    /** When the slowest round trip started, in seconds after the probe's start (listed stalls only). */
    double maxAt = Double.NaN;

    static Lat parse(String json) {
      Lat l = new Lat();
      Matcher st = Pattern.compile("\\[([0-9.]+),([0-9.]+)\\]").matcher(json.substring(json.indexOf("\"stalls\"")));
      double worst = -1;
      while (st.find()) {
        double ms = Double.parseDouble(st.group(2));
        if (ms > worst) {
          worst = ms;
          l.maxAt = Double.parseDouble(st.group(1));
        }
      }
      l.max = Double.parseDouble(field(json, "maxMs"));
      l.missing = Long.parseLong(field(json, "missing"));
      l.errors = Long.parseLong(field(json, "errors"));
      Matcher m = Pattern.compile("\"hist\":\"([^\"]*)\"").matcher(json);
      if (m.find() && !m.group(1).isEmpty()) {
        for (String kv : m.group(1).split(",")) {
          String[] p = kv.split(":");
          int i = Math.min(Integer.parseInt(p[0]), BUCKETS);
          long n = Long.parseLong(p[1]);
          l.hist[i] += n;
          l.count += n;
        }
      }
      return l;
    }

    static String field(String json, String name) {
      Matcher m = Pattern.compile("\"" + name + "\":([-0-9.]+)").matcher(json);
      if (!m.find()) {
        throw new IllegalArgumentException("probe output without " + name + ": " + json);
      }
      return m.group(1);
    }

    void add(Lat o) {
      for (int i = 0; i <= BUCKETS; i++) {
        hist[i] += o.hist[i];
      }
      count += o.count;
      max = Math.max(max, o.max);
      missing += o.missing;
      errors += o.errors;
    }

    double pct(double q) {
      if (count == 0) {
        return Double.NaN;
      }
      long rank = (long) Math.ceil(q * count);
      long seen = 0;
      for (int i = 0; i < BUCKETS; i++) {
        seen += hist[i];
        if (seen >= rank) {
          return Math.min((i + 1) / 1000.0, max);
        }
      }
      return max;
    }

    String short4() {
      if (count == 0) {
        return "no samples";
      }
      return fmt(pct(0.5)) + "/" + fmt(pct(0.99)) + "/" + fmt(pct(0.999)) + "/" + fmt(max);
    }

    String summary() {
      return String.format(Locale.ROOT, "probe %,d GETs, p50/p99/p99.9/max %s ms", count, short4());
    }

    static String fmt(double ms) {
      if (ms >= 100) {
        return String.format(Locale.ROOT, "%.0f", ms);
      }
      if (ms >= 10) {
        return String.format(Locale.ROOT, "%.1f", ms);
      }
      return String.format(Locale.ROOT, "%.2f", ms);
    }
  }

  /** SLOWLOG entries over 1 ms, summed over the runs, and the worst one. */
  static String slow(List<Run> runs) {
    long n = runs.stream().mapToLong(r -> r.slowCount).sum();
    double worst = runs.stream().mapToDouble(r -> r.slowWorstMs).max().orElse(0);
    return n == 0 ? "0" : String.format(Locale.ROOT, "%d (%s)", n, Lat.fmt(worst));
  }

  static Lat pooled(List<Run> runs) {
    Lat l = new Lat();
    for (Run r : runs) {
      if (r.ok && r.lat != null) {
        l.add(r.lat);
      }
    }
    return l;
  }

  // ---------------------------------------------------------------- a minimal RESP client

  static final class Resp implements Closeable {
    final Socket s;
    final InputStream in;
    final OutputStream o;

    Resp(int port) throws IOException {
      s = new Socket();
      s.setTcpNoDelay(true);
      s.connect(new InetSocketAddress("127.0.0.1", port), 2000);
      in = new BufferedInputStream(s.getInputStream(), 1 << 16);
      o = s.getOutputStream();
    }

    Object call(String... args) throws IOException {
      StringBuilder b = new StringBuilder("*").append(args.length).append("\r\n");
      for (String a : args) {
        b.append('$').append(a.getBytes(StandardCharsets.UTF_8).length).append("\r\n").append(a).append("\r\n");
      }
      o.write(b.toString().getBytes(StandardCharsets.UTF_8));
      o.flush();
      return read();
    }

    Object read() throws IOException {
      int t = in.read();
      String line = line();
      switch (t) {
        case '+':
          return line;
        case '-':
          throw new IOException("Redis error: " + line);
        case ':':
          return Long.parseLong(line);
        case '$': {
          int n = Integer.parseInt(line);
          if (n < 0) {
            return null;
          }
          byte[] d = in.readNBytes(n + 2);
          return new String(d, 0, n, StandardCharsets.UTF_8);
        }
        case '*': {
          int n = Integer.parseInt(line);
          List<Object> l = new ArrayList<>();
          for (int i = 0; i < n; i++) {
            l.add(read());
          }
          return l;
        }
        default:
          throw new IOException("unexpected RESP type " + t);
      }
    }

    String line() throws IOException {
      StringBuilder b = new StringBuilder();
      for (int c = in.read(); c != '\r'; c = in.read()) {
        if (c < 0) {
          throw new IOException("connection closed");
        }
        b.append((char) c);
      }
      in.read();
      return b.toString();
    }

    @Override
    public void close() throws IOException {
      s.close();
    }
  }

  // ---------------------------------------------------------------- output helpers

  static final class Table {
    final List<String[]> rows = new ArrayList<>();

    Table(String... head) {
      rows.add(head);
    }

    void row(String... cells) {
      rows.add(cells);
    }

    /** A Markdown table, aligned, so the output pastes into docs/benchmarks.md as it is. */
    void print(PrintStream out) {
      int cols = rows.get(0).length;
      int[] w = new int[cols];
      for (String[] r : rows) {
        for (int i = 0; i < cols; i++) {
          w[i] = Math.max(w[i], i < r.length && r[i] != null ? r[i].length() : 0);
        }
      }
      for (int k = 0; k < rows.size(); k++) {
        String[] r = rows.get(k);
        StringBuilder b = new StringBuilder("|");
        for (int i = 0; i < cols; i++) {
          String c = i < r.length && r[i] != null ? r[i] : "";
          b.append(' ').append(c).append(" ".repeat(w[i] - c.length())).append(" |");
        }
        out.println(b);
        if (k == 0) {
          StringBuilder s = new StringBuilder("|");
          for (int i = 0; i < cols; i++) {
            s.append('-').append("-".repeat(w[i])).append("-|");
          }
          out.println(s);
        }
      }
    }
  }

  static final class Tee extends OutputStream {
    final OutputStream a;
    final OutputStream b;

    Tee(OutputStream a, OutputStream b) {
      this.a = a;
      this.b = b;
    }

    @Override
    public void write(int c) throws IOException {
      a.write(c);
      b.write(c);
    }

    @Override
    public void write(byte[] buf, int off, int len) throws IOException {
      a.write(buf, off, len);
      b.write(buf, off, len);
    }

    @Override
    public void flush() throws IOException {
      a.flush();
      b.flush();
    }
  }

  interface ToD {
    double of(Run r);
  }

  static double medianOf(List<Run> runs, ToD f) {
    List<Double> v = new ArrayList<>();
    for (Run r : runs) {
      if (r.ok) {
        v.add(f.of(r));
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
    return String.format(Locale.ROOT, "median %.3f %s [%.3f-%.3f], n=%d", median(v), unit, min, max, v.size());
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

  static String lastLine(String s) {
    String[] l = s.strip().split("\n");
    return l.length == 0 ? "" : l[l.length - 1];
  }

  static String loadAvg() {
    try {
      String[] f = read("/proc/loadavg").trim().split("\\s+");
      return f[0] + " " + f[1] + " " + f[2];
    } catch (IOException e) {
      return "?";
    }
  }

  static String read(String path) throws IOException {
    return Files.readString(Path.of(path));
  }

  static String cpuModel() {
    try {
      for (String l : read("/proc/cpuinfo").split("\n")) {
        if (l.startsWith("model name")) {
          return l.substring(l.indexOf(':') + 1).trim();
        }
      }
    } catch (IOException e) {
      // not Linux
    }
    return "?";
  }

  static String memTotal() {
    try {
      for (String l : read("/proc/meminfo").split("\n")) {
        if (l.startsWith("MemTotal:")) {
          long kb = Long.parseLong(l.replaceAll("\\D", ""));
          return String.format(Locale.ROOT, "%.1f GiB", kb / 1048576.0);
        }
      }
    } catch (IOException e) {
      // not Linux
    }
    return "?";
  }
}
