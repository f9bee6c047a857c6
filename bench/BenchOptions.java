package bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The benchmark's options, as bench/run passes them. */
final class BenchOptions {
  Path root;
  Path work;
  boolean quick;
  boolean sweep;
  boolean cli = true;
  boolean appcds = true;
  boolean w4 = true;
  double scale = 1.0;
  int runs = 5;
  int cliRuns = 1;
  boolean cliProbe;
  boolean net = true;
  List<Double> netDelaysMs = new ArrayList<>(List.of(1.0, 10.0));
  int netRuns = 3;
  boolean cluster = true;
  boolean profile = true;
  int clusterRuns = 3;
  int clusterPrimaries = 3;
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

  static final String USAGE =
      """
      usage: bench/run [--quick] [--sweep] [options]
        --quick               W1/10 (200,000 keys), fewer runs: a fast look (about 3-4 minutes)
        --sweep               sweep --scan-count, --batch-size, --max-in-flight and the scan strategy
                              instead of the comparison table
        --scale F             W1 multiplied by F (W4 is 4x that); --quick means --scale 0.1
        --runs N              runs of cacheflush and of the server ceiling (default 5; quick 3)
        --cli-runs N          timed runs of each redis-cli baseline (default 1: about a minute each)
        --cli-probe           also one run of each redis-cli baseline with the probe
        --probe-runs N        runs of cacheflush with the latency probe (default 3; quick 2); the
                              ceiling gets one probe run
        --no-cli              skip the redis-cli baselines (their target rows then read n/a)
        --net-delays MS,MS    added round trips for the network rows (default 1,10; each also
                              compared with the same proxy at +0)
        --net-runs N          rounds of the network rows (default 3; quick 2)
        --no-net              skip the network rows
        --cluster-runs N      rounds of the cluster row (default 3; quick 2)
        --cluster-primaries N primaries of the local cluster (default 3)
        --no-cluster          skip the cluster row
        --no-profile          skip the JFR profile runs (one more cacheflush run on W1 and one on the
                              cluster, with Java Flight Recorder: where the client CPU goes)
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
        case "--cli-probe" -> cliProbe = true;
        case "--no-net" -> net = false;
        case "--no-cluster" -> cluster = false;
        case "--no-profile" -> profile = false;
        case "--net-delays" -> {
          netDelaysMs.clear();
          for (String d : need(a, v).split(",")) {
            netDelaysMs.add(Double.parseDouble(d.trim()));
          }
        }
        case "--net-runs" -> netRuns = Integer.parseInt(need(a, v));
        case "--cluster-runs" -> clusterRuns = Integer.parseInt(need(a, v));
        case "--cluster-primaries" -> clusterPrimaries = Integer.parseInt(need(a, v));
        case "--no-w4" -> w4 = false;
        case "--no-appcds" -> appcds = false;
        case "--scale" -> scale = Double.parseDouble(need(a, v));
        case "--runs" -> runs = Integer.parseInt(need(a, v));
        case "--cli-runs" -> cliRuns = Integer.parseInt(need(a, v));
        case "--sweep-runs" -> sweepRuns = Integer.parseInt(need(a, v));
        case "--probe-runs" -> probeRuns = Integer.parseInt(need(a, v));
        case "--ceiling-count" -> ceilingCount = Integer.parseInt(need(a, v));
        case "--cacheflush" -> launcher = Path.of(need(a, v)).toAbsolutePath().toString();
        case "--cacheflush-args" ->
            cacheflushArgs.addAll(Arrays.asList(need(a, v).trim().split("\\s+")));
        case "--java-opts" -> javaOpts = need(a, v).trim();
        case "--axis" -> {
          String[] kv = need(a, v).split("=", 2);
          if (kv.length != 2) {
            throw new IllegalArgumentException("--axis wants NAME=V1,V2,...");
          }
          // Free-form values (flags that may hold commas) are separated by ';'.
          axes.put(
              kv[0],
              Arrays.asList(
                  kv[1].split(kv[0].equals("args") || kv[0].equals("java-opts") ? ";" : ",")));
        }
        case "-h", "--help" -> {
          System.out.println(USAGE);
          System.exit(0);
        }
        default -> throw new IllegalArgumentException("unknown option " + a);
      }
      if (Set.of(
              "--root",
              "--work",
              "--scale",
              "--runs",
              "--cli-runs",
              "--net-delays",
              "--net-runs",
              "--cluster-runs",
              "--cluster-primaries",
              "--sweep-runs",
              "--probe-runs",
              "--ceiling-count",
              "--cacheflush",
              "--cacheflush-args",
              "--java-opts",
              "--axis")
          .contains(a)) {
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
      if (!Arrays.asList(args).contains("--net-runs")) {
        netRuns = 2;
      }
      if (!Arrays.asList(args).contains("--cluster-runs")) {
        clusterRuns = 2;
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
    if (netRuns < 1 || clusterRuns < 1 || clusterPrimaries < 3) {
      throw new IllegalArgumentException(
          "--net-runs and --cluster-runs must be at least 1, --cluster-primaries at least 3");
    }
    for (double d : netDelaysMs) {
      if (d < 0) {
        throw new IllegalArgumentException("--net-delays are round trips in ms, >= 0");
      }
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
}
